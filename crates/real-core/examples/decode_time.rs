//! Prints how long decoding the embedded data takes (median of 21 runs), for `make bench`.

use std::time::Instant;

fn main() {
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let started = Instant::now();
            let dataset = real_core::Dataset::embedded().expect("the embedded data decodes");
            std::hint::black_box(&dataset);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "  decode the embedded data (native, median of 21) {:8.2} ms (target well under 50 ms)",
        times[10]
    );
}
