//! Best-k selection from score rows. Ties go to the lower column, as numpy's stable sort does,
//! and NaN ranks below every number.

/// The best `k` columns of rows streamed in, kept per row.
pub struct TopK {
    k: usize,
    /// `scores[row * k + i]`, best first.
    scores: Vec<f64>,
    columns: Vec<u32>,
    /// How many slots of each row hold a column.
    filled: Vec<u8>,
}

impl TopK {
    /// Room for `rows` rows of `k` best columns each.
    pub fn new(rows: usize, k: usize) -> Self {
        Self {
            k,
            scores: vec![f64::NEG_INFINITY; rows * k],
            columns: vec![0; rows * k],
            filled: vec![0; rows],
        }
    }

    /// Offers `value` at `column` to `row`. Columns of a row must come in ascending order, so
    /// that an equal later value never displaces an earlier one.
    #[inline(always)]
    pub fn offer(&mut self, row: usize, column: u32, value: f64) {
        let value = if value.is_nan() {
            f64::NEG_INFINITY
        } else {
            value
        };
        let base = row * self.k;
        let filled = usize::from(self.filled[row]);
        let slots = &mut self.scores[base..base + self.k];
        if filled == self.k && value <= slots[self.k - 1] {
            return;
        }
        let end = filled.min(self.k - 1);
        let mut at = end;
        while at > 0 && value > slots[at - 1] {
            at -= 1;
        }
        let columns = &mut self.columns[base..base + self.k];
        for i in (at..end).rev() {
            slots[i + 1] = slots[i];
            columns[i + 1] = columns[i];
        }
        slots[at] = value;
        columns[at] = column;
        if filled < self.k {
            self.filled[row] += 1;
        }
    }

    /// Threshold a value must beat to enter `row` once it is full; lets hot loops skip calls.
    #[inline(always)]
    pub fn threshold(&self, row: usize) -> f64 {
        if usize::from(self.filled[row]) < self.k {
            f64::NEG_INFINITY
        } else {
            self.scores[row * self.k + self.k - 1]
        }
    }

    /// Column numbers and scores, `rows × k`, best first.
    pub fn finish(self) -> (Vec<i64>, Vec<f32>) {
        let columns = self.columns.into_iter().map(i64::from).collect();
        let scores = self.scores.into_iter().map(|s| s as f32).collect();
        (columns, scores)
    }
}
