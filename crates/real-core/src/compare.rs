//! Paired comparison of two models under one label set.

use serde::Serialize;

/// The 2x2 table of two models' top-1 correctness over the images both are scored on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PairedTable {
    /// Both right.
    pub both: usize,
    /// A right, B wrong.
    pub a_only: usize,
    /// B right, A wrong.
    pub b_only: usize,
    /// Both wrong.
    pub neither: usize,
}

impl PairedTable {
    /// Images in the table.
    pub fn images(&self) -> usize {
        self.both + self.a_only + self.b_only + self.neither
    }

    /// Adds one image: whether A and B are right.
    pub fn add(&mut self, a_right: bool, b_right: bool) {
        match (a_right, b_right) {
            (true, true) => self.both += 1,
            (true, false) => self.a_only += 1,
            (false, true) => self.b_only += 1,
            (false, false) => self.neither += 1,
        }
    }
}
