//! Messages between the page and its evaluation worker, as JSON text (the file itself travels
//! as a `File`, which the browser hands over without copying).

use real_core::{LoadOptions, Predictions};
use serde::{Deserialize, Serialize};

/// What the worker tells the page.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FromWorker {
    /// The worker's wasm has started; messages sent before this would be lost.
    Ready,
    /// Work under way.
    Progress {
        /// "reading" or "evaluating".
        stage: String,
        /// Fraction done, when known.
        fraction: Option<f64>,
    },
    /// The file was read and its predictions validated.
    Done {
        /// The predictions, to be scored on the page.
        predictions: Box<Predictions>,
        /// Time spent in the worker, in milliseconds.
        elapsed_ms: f64,
    },
    /// The file could not be read.
    Failed {
        /// One sentence: format, place, expectation.
        message: String,
    },
}

/// The reading the page asks for (a serialisable [`LoadOptions`]).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Request {
    /// Row order to impose.
    pub order: Option<real_core::RowOrder>,
    /// Class convention to impose.
    pub convention: Option<real_core::ClassConvention>,
}

impl From<LoadOptions> for Request {
    fn from(o: LoadOptions) -> Self {
        Self {
            order: o.order,
            convention: o.convention,
        }
    }
}

impl From<Request> for LoadOptions {
    fn from(r: Request) -> Self {
        Self {
            order: r.order,
            convention: r.convention,
        }
    }
}
