//! Limits on what the page and `real-eval` accept as input, shared so that both refuse the
//! same files.

/// The largest input file accepted, in bytes: 1 GiB.
///
/// The largest real predictions file is a 50,000 × 1,001 float64 logits array, about 400 MB;
/// a file several times larger is a mistake or hostile. In the browser the cap also keeps a
/// download or a file within what a tab's wasm memory (4 GiB at most) can hold beside the
/// page's own state.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
