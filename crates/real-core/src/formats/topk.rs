//! Best-k selection from score rows. Ties go to the lower column, as numpy's stable sort does,
//! and NaN ranks below every number.

use super::softmax::RowMass;

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

    /// The best value offered to `row` so far (−∞ before any).
    pub fn best(&self, row: usize) -> f64 {
        self.scores
            .get(row * self.k)
            .copied()
            .unwrap_or(f64::NEG_INFINITY)
    }

    /// Column numbers and scores, `rows × k`, best first.
    pub fn finish(self) -> (Vec<i64>, Vec<f32>) {
        let columns = self.columns.into_iter().map(i64::from).collect();
        let scores = self.scores.into_iter().map(|s| s as f32).collect();
        (columns, scores)
    }
}

/// Best `k` (at most [`super::SCORE_K`]) columns of each row of little-endian float32 scores
/// in C order: the shape of a PyTorch logits dump, and the hot path of a 200 MB file.
/// Same ordering rules as [`TopK`]; results as [`TopK::finish`] gives them, and each row's
/// mass for [`super::softmax::to_probabilities`].
pub fn rows_f32_le(data: &[u8], columns: usize, k: usize) -> Best {
    let row_bytes = 4 * columns.max(1);
    let rows = data.len() / row_bytes;
    let threads = worker_count(rows);
    if threads <= 1 {
        return rows_f32_le_serial(data, columns, k);
    }
    // Rows are independent: split them into contiguous runs, one per core.
    let per_thread = rows.div_ceil(threads);
    let parts: Vec<Best> = std::thread::scope(|scope| {
        let handles: Vec<_> = data
            .chunks(per_thread * row_bytes)
            .map(|part| scope.spawn(move || rows_f32_le_serial(part, columns, k)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut columns_out = Vec::with_capacity(rows * k);
    let mut scores_out = Vec::with_capacity(rows * k);
    let mut masses_out = Vec::with_capacity(rows);
    for (c, s, m) in parts {
        columns_out.extend(c);
        scores_out.extend(s);
        masses_out.extend(m);
    }
    (columns_out, scores_out, masses_out)
}

/// Columns and scores (`rows × k`, best first) and one mass per row.
pub type Best = (Vec<i64>, Vec<f32>, Vec<RowMass>);

/// Threads worth starting for `rows` rows: one per core for large files, none in the browser
/// (the page runs the core off the main thread instead).
fn worker_count(rows: usize) -> usize {
    if cfg!(target_arch = "wasm32") || rows < 8192 {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

fn rows_f32_le_serial(data: &[u8], columns: usize, k: usize) -> Best {
    const LANES: usize = 16;
    let k = k.min(super::SCORE_K);
    let rows = data.len() / (4 * columns).max(1);
    let mut out_columns = Vec::with_capacity(rows * k);
    let mut out_scores = Vec::with_capacity(rows * k);
    let mut out_masses = Vec::with_capacity(rows);
    for bytes in data.chunks_exact(4 * columns) {
        let mut scores = [f32::NEG_INFINITY; super::SCORE_K];
        let mut cols = [0u32; super::SCORE_K];
        let mut filled = 0usize;
        // Inserts a value known to enter the best k (or to fill it).
        let mut insert = |column: u32, value: f32, scores: &mut [f32; super::SCORE_K]| {
            let value = if value.is_nan() {
                f32::NEG_INFINITY
            } else {
                value
            };
            if filled == k && value <= scores[k - 1] {
                return;
            }
            let end = filled.min(k - 1);
            let mut at = end;
            while at > 0 && value > scores[at - 1] {
                at -= 1;
            }
            for i in (at..end).rev() {
                scores[i + 1] = scores[i];
                cols[i + 1] = cols[i];
            }
            scores[at] = value;
            cols[at] = column;
            filled = (filled + 1).min(k);
        };
        // The common case costs one comparison: a full row's threshold against the value
        // (NaN compares false and never enters).
        let mut offer = |column: u32, value: f32, scores: &mut [f32; super::SCORE_K]| {
            if value > scores[k - 1] || scores[k - 1] == f32::NEG_INFINITY {
                insert(column, value, scores);
            }
        };
        let mut finite = true;
        let (blocks, rest) = bytes.as_chunks::<{ 4 * LANES }>();
        for (index, block) in blocks.iter().enumerate() {
            let values: [f32; LANES] = std::array::from_fn(|i| {
                f32::from_le_bytes([
                    block[4 * i],
                    block[4 * i + 1],
                    block[4 * i + 2],
                    block[4 * i + 3],
                ])
            });
            // One vectorised comparison skips the many blocks that cannot enter the best k;
            // NaN never passes it, and a row still filling up (threshold -inf) goes through.
            finite &= values.iter().fold(true, |all, v| all & v.is_finite());
            let threshold = scores[k - 1];
            if threshold > f32::NEG_INFINITY
                && !values.iter().fold(false, |any, v| any | (*v > threshold))
            {
                continue;
            }
            let first = (index * LANES) as u32;
            for (i, v) in values.into_iter().enumerate() {
                offer(first + i as u32, v, &mut scores);
            }
        }
        let first = (blocks.len() * LANES) as u32;
        for (i, b) in rest.chunks_exact(4).enumerate() {
            let value = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            finite &= value.is_finite();
            offer(first + i as u32, value, &mut scores);
        }
        if finite {
            // A second pass while the row is in cache: what the whole row says of its best.
            out_masses.push(RowMass::of_f32_le(bytes, scores[0]));
        } else {
            // Marked for formats::void_non_finite, which reports the row and never counts it.
            scores = [f32::NAN; super::SCORE_K];
            out_masses.push(RowMass {
                min: f32::NAN,
                sum: f64::NAN,
                exp_sum: f64::NAN,
            });
        }
        out_columns.extend(cols[..k].iter().map(|c| i64::from(*c)));
        out_scores.extend_from_slice(&scores[..k]);
    }
    (out_columns, out_scores, out_masses)
}
