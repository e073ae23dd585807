//! `real-eval`: ReaL and original accuracy of ImageNet validation predictions, from the shell.

mod args;
mod input;
mod output;

use args::Args;
use real_core::{Dataset, LoadOptions};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("real-eval: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{}", args::USAGE);
        return ExitCode::SUCCESS;
    }
    let dataset = match Dataset::embedded() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("real-eval: the embedded data is damaged: {e}");
            return ExitCode::from(1);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.summary {
        let facts = dataset.facts();
        let written = if args.json {
            writeln!(out, "{}", serde_json::to_string(&facts).unwrap_or_default())
        } else {
            write!(out, "{}", output::facts_text(&facts))
        };
        return if written.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    let options = LoadOptions {
        order: args.order,
        convention: args.convention,
    };
    let mut results = Vec::new();
    let mut failed = false;
    for file in &args.files {
        let outcome = input::open(file)
            .map_err(|e| format!("cannot read the file: {e}"))
            .and_then(|bytes| {
                real_core::evaluate(&dataset, &bytes, &options).map_err(|e| e.to_string())
            });
        match outcome {
            Ok((predictions, report)) => {
                if args.json {
                    let line =
                        output::json_line(file, &dataset, &predictions, &report, args.per_class);
                    // Stream each result so a pipeline sees it at once.
                    if writeln!(out, "{line}").is_err() {
                        return ExitCode::from(1);
                    }
                } else {
                    results.push((file.clone(), predictions, report));
                }
            }
            Err(message) => {
                failed = true;
                eprintln!("real-eval: {file}: {message}");
            }
        }
    }
    if !args.json && !results.is_empty() {
        let _ = write!(out, "{}", output::table(&results));
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
