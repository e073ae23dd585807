//! `real-eval`: ReaL and original accuracy of ImageNet validation predictions, from the shell.

mod args;
mod evidence;
mod input;
mod output;

use args::Args;
use real_core::calibration::{Calibration, NoConfidence};
use real_core::labels::{self, LabelSet};
use real_core::relabel::{self, Mistakes, Relabeling};
use real_core::scores::{paired, Ranks, Score};
use real_core::{Dataset, LoadOptions};
use std::io::Write;
use std::process::ExitCode;

/// Exit status when a file could not be read (the others are still evaluated).
const UNREADABLE: u8 = 2;
/// Exit status for bad usage (EX_USAGE of sysexits.h).
const USAGE: u8 = 64;

/// Prints one line on stderr: control characters escaped and at most 300 characters, since
/// file names and messages carry text from outside.
fn say(message: &str) {
    eprintln!(
        "{}",
        real_core::error::one_line(&format!("real-eval: {message}"))
    );
}

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            say(&message);
            eprintln!("\n{}", args::USAGE);
            return ExitCode::from(USAGE);
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
    // Every figure needs every label set, so a label file that cannot be read stops the run
    // before any predictions file is read.
    let evidence = match &args.scores {
        Some(scores) => match evidence::load(scores, args.raters.as_deref()) {
            Ok(evidence) => Some(evidence),
            Err(message) => {
                say(&message);
                return ExitCode::from(UNREADABLE);
            }
        },
        None => None,
    };
    if let (Some(evidence), Some(path)) = (&evidence, &args.evidence_csv) {
        if let Err(e) = evidence::write_csv(evidence, path) {
            say(&format!("{path}: cannot write: {e}"));
            return ExitCode::from(1);
        }
    }
    // Keys the built-in sets added later take, so that no label file's stem takes them first
    // (a file named real@0.90.npy would otherwise hide the rebuilt ReaL).
    let reserved: Vec<String> = args
        .thresholds
        .iter()
        .map(|t| t.key())
        .chain([relabel::mturk::CROWD.to_string()])
        .collect();
    let Some(mut label_sets) = label_sets(&dataset, &args.labels, &reserved) else {
        return ExitCode::from(UNREADABLE);
    };
    let Some(mistakes) = relabelings(&dataset, &args.relabelings, &mut label_sets) else {
        return ExitCode::from(UNREADABLE);
    };
    if let Some(evidence) = &evidence {
        // After the built-in sets, before the files: real@T keys cannot collide with a
        // file's stem made unique, as a stem never holds '@' followed by a threshold alone.
        let at: Vec<LabelSet> = args
            .thresholds
            .iter()
            .map(|t| evidence.label_set(&dataset, *t))
            .collect();
        label_sets.splice(2..2, at);
    }
    let options = LoadOptions {
        order: args.order,
        convention: args.convention,
    };
    let mut rows = Vec::new();
    // With --compare, only the reference's ranks are kept (50 KB per label set); each later
    // file is compared as soon as it is read, so memory does not grow with the file count.
    let mut reference: Option<(String, Vec<Ranks>)> = None;
    let mut comparisons = Vec::new();
    let mut readable = 0usize;
    let mut failed = false;
    for file in &args.files {
        let outcome = input::open(file).and_then(|bytes| {
            real_core::evaluate(&dataset, &bytes, &options).map_err(|e| e.to_string())
        });
        let (predictions, report) = match outcome {
            Ok(evaluated) => evaluated,
            Err(message) => {
                failed = true;
                say(&format!("{file}: {message}"));
                continue;
            }
        };
        readable += 1;
        let ranks: Vec<Ranks> = label_sets
            .iter()
            .map(|set| Ranks::compute(&predictions, set))
            .collect();
        let scores: Vec<Score> = label_sets
            .iter()
            .zip(&ranks)
            .map(|(set, ranks)| Score::compute(&dataset, set, ranks))
            .collect();
        let fares: Vec<output::MistakesRow> = mistakes
            .iter()
            .map(|(source, m)| output::MistakesRow::new(source, m, &dataset, &predictions))
            .collect();
        if args.json {
            let ranks_of = |key: &str| {
                label_sets
                    .iter()
                    .position(|set| set.key == key)
                    .and_then(|i| ranks.get(i))
            };
            let calibration = match (ranks_of(labels::REAL), ranks_of(labels::ORIGINAL)) {
                (Some(real), Some(original)) => Calibration::compute(&predictions, real, original),
                _ => Err(NoConfidence::NoScores),
            };
            let line = output::json_line(
                file,
                &dataset,
                &predictions,
                &report,
                &scores,
                &calibration,
                &fares,
                args.per_class,
            );
            // Stream each result so a pipeline sees it at once.
            if writeln!(out, "{line}").is_err() {
                return ExitCode::from(1);
            }
        } else {
            rows.push(output::Row::new(
                file,
                &predictions,
                &report,
                &scores,
                fares,
            ));
        }
        if args.compare {
            match &reference {
                None => reference = Some((file.clone(), ranks)),
                Some((a, a_ranks)) => {
                    for ((set, a_ranks), b_ranks) in label_sets.iter().zip(a_ranks).zip(&ranks) {
                        comparisons.push(output::ComparisonRow {
                            a: a.clone(),
                            b: file.clone(),
                            labels: set.key.clone(),
                            comparison: real_core::compare::compare(paired(a_ranks, b_ranks)),
                        });
                    }
                }
            }
        }
    }
    if !args.json && !rows.is_empty() {
        let _ = write!(out, "{}", output::table(&rows, &label_sets));
    }
    if args.compare {
        if readable < 2 {
            say(&format!(
                "--compare needs at least two readable predictions files; {readable} could be read"
            ));
            return ExitCode::from(UNREADABLE);
        }
        let written = if args.json {
            comparisons
                .iter()
                .try_for_each(|c| writeln!(out, "{}", output::comparison_json(c)))
        } else {
            write!(out, "{}", output::comparison_table(&comparisons))
        };
        if written.is_err() {
            return ExitCode::from(1);
        }
    }
    if failed {
        ExitCode::from(UNREADABLE)
    } else {
        ExitCode::SUCCESS
    }
}

/// The built-in label sets, then one per label file, each under a unique key. Prints each
/// file's warnings once; prints one line per file that cannot be read and returns `None`.
fn label_sets(dataset: &Dataset, files: &[String], reserved: &[String]) -> Option<Vec<LabelSet>> {
    let mut sets = vec![LabelSet::original(dataset), LabelSet::real(dataset)];
    let mut ok = true;
    for file in files {
        let key = labels::unique_key(
            file,
            sets.iter()
                .map(|s| s.key.as_str())
                .chain(reserved.iter().map(String::as_str)),
        );
        let read = input::open(file)
            .and_then(|bytes| labels::read(&bytes, dataset, &key, file).map_err(|e| e.to_string()));
        match read {
            Ok(set) => {
                for warning in &set.warnings {
                    say(&format!("{file}: warning: {warning}"));
                }
                sets.push(set);
            }
            Err(message) => {
                ok = false;
                say(&format!("{file}: {message}"));
            }
        }
    }
    ok.then_some(sets)
}

/// Reads the published relabelings: cleanlab's crowd votes add their label set (under a key
/// unique among `sets`), mistakes files are returned with their names. Prints warnings once;
/// prints one line per file that cannot be read and returns `None`.
fn relabelings(
    dataset: &Dataset,
    files: &[String],
    sets: &mut Vec<LabelSet>,
) -> Option<Vec<(String, Mistakes)>> {
    let mut mistakes = Vec::new();
    let mut ok = true;
    for file in files {
        let read = input::open(file)
            .and_then(|bytes| relabel::read(file, &bytes).map_err(|e| e.to_string()));
        match read {
            Ok(Relabeling::Crowd(mturk)) => {
                let mut set = relabel::crowd_label_set(dataset, &mturk);
                set.key =
                    labels::unique_key(relabel::mturk::CROWD, sets.iter().map(|s| s.key.as_str()));
                for warning in &set.warnings {
                    say(&format!("{file}: warning: {warning}"));
                }
                sets.push(set);
            }
            Ok(Relabeling::Mistakes(m)) => mistakes.push((file.clone(), m)),
            Err(message) => {
                ok = false;
                say(&format!("{file}: {message}"));
            }
        }
    }
    ok.then_some(mistakes)
}
