//! Native integration tests of the evaluation core, one file per topic.

mod data;
mod detect;
mod errors;
mod explore;
mod formats;
mod metrics;
mod published;
mod util;
mod view;
