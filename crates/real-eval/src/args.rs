//! Command-line arguments, validated in one place.

use real_core::evidence::Threshold;
use real_core::{ClassConvention, RowOrder};

pub const USAGE: &str = "\
usage: real-eval [--json] [--per-class] [--labels LABELS]... [--relabelings FILE]...
                 [--compare] [--scores SCORES [--real-threshold T]... [--raters RATERS]
                 [--evidence-csv OUT]] [--order ORDER] [--classes CONVENTION] FILE...
       real-eval --summary [--json]

Prints ReaL and original top-1/top-5 accuracy of ImageNet validation predictions.
FILE may be .npy, .npz, CSV/TSV (timm inference.py), JSON (timm, Hugging Face pipeline),
'file index' lines or devkit submissions; the content decides, not the extension.

  --json               one JSON object per file, one per line
  --per-class          with --json, add per-class ReaL and original accuracy
  --labels LABELS      also score under this label file (repeatable): a real.json-layout
                       list of lists, JSON keyed by file name, 'file label...' lines, or one
                       label per image in any predictions layout; 0-based sorted-wnid classes
  --scores SCORES      the raters' scores.npz (Beyer et al., 2020), for --real-threshold
  --real-threshold T   also score under ReaL rebuilt at threshold T (repeatable): a rated
                       image's set is its candidates scoring at least T, an unrated image
                       keeps its original label; T is 0.50 to 0.99 in hundredths, and the
                       label set's key is real@T with two decimals (real@0.80 is ReaL)
  --raters RATERS      the raters' raters.npz, whose answers go with --evidence-csv
  --evidence-csv OUT   write every rated candidate to OUT: file,label,score,no,maybe,yes
                       (votes empty without --raters)
  --relabelings FILE   a published relabeling (repeatable): cleanlab's imagenet_mturk.json adds
                       the label set 'crowd' (original labels, crowd-corrected); an
                       imagenet-mistakes file (vit3b_mistakes.json, greedy_soups_mistakes.json)
                       adds, with --json, how each file fares on that model's mistakes
  --compare            compare every later FILE with the first (top-1, paired: difference
                       with its 95% interval and the exact McNemar p) under every label set
  --order ORDER        rows are in this order: filename or imagefolder (default: detected)
  --classes CONVENTION class numbers are sorted-wnid, sorted-wnid-1based, tf-slim-1001 or
                       ilsvrc2012-id (default: detected)
  --summary            print the dataset facts instead
  -h, --help           this text

Exit status: 0 when every file was evaluated; 2 when any could not be read (the others are
still evaluated; a label, rater or relabeling file that cannot be read stops everything);
64 for bad usage (an unknown option, a missing value); 1 on other errors (output not written).
Files over 1 GiB, and devices, are refused before they are read.";

/// What the user asked for.
#[derive(Debug, Default)]
pub struct Args {
    pub files: Vec<String>,
    /// Label files, in the order given.
    pub labels: Vec<String>,
    /// Published relabeling files (crowd votes, mistakes), in the order given.
    pub relabelings: Vec<String>,
    pub json: bool,
    pub compare: bool,
    pub per_class: bool,
    pub summary: bool,
    pub help: bool,
    pub order: Option<RowOrder>,
    pub convention: Option<ClassConvention>,
    /// The raters' scores file.
    pub scores: Option<String>,
    /// The raters' answers file.
    pub raters: Option<String>,
    /// Thresholds to rebuild ReaL at, in the order given, without repeats.
    pub thresholds: Vec<Threshold>,
    /// Where to write the candidates table.
    pub evidence_csv: Option<String>,
}

impl Args {
    pub fn parse(mut raw: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut args = Args::default();
        while let Some(arg) = raw.next() {
            let mut value = |name: &str| raw.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--json" => args.json = true,
                "--per-class" => args.per_class = true,
                "--compare" => args.compare = true,
                "--labels" => args.labels.push(value("--labels")?),
                "--relabelings" => args.relabelings.push(value("--relabelings")?),
                "--summary" => args.summary = true,
                "--scores" => args.scores = Some(value("--scores")?),
                "--raters" => args.raters = Some(value("--raters")?),
                "--evidence-csv" => args.evidence_csv = Some(value("--evidence-csv")?),
                "--real-threshold" => {
                    let t: Threshold = value("--real-threshold")?
                        .parse()
                        .map_err(|e| format!("--real-threshold: {e}"))?;
                    if !args.thresholds.contains(&t) {
                        args.thresholds.push(t);
                    }
                }
                "-h" | "--help" => args.help = true,
                "--order" => args.order = Some(value("--order")?.parse()?),
                "--classes" => args.convention = Some(value("--classes")?.parse()?),
                "--" => args.files.extend(raw.by_ref()),
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                file => args.files.push(file.to_string()),
            }
        }
        if args.scores.is_none() && !args.thresholds.is_empty() {
            return Err("--real-threshold needs --scores scores.npz: the thresholds are on the raters' scores".into());
        }
        if args.scores.is_none() && (args.raters.is_some() || args.evidence_csv.is_some()) {
            return Err("--raters and --evidence-csv need --scores scores.npz".into());
        }
        if args.files.is_empty() && args.evidence_csv.is_none() && !args.summary && !args.help {
            return Err("no predictions file given".into());
        }
        if args.compare && args.files.len() < 2 && !args.summary && !args.help {
            return Err(
                "--compare needs at least two predictions files: the first is the reference the others are compared with".into(),
            );
        }
        Ok(args)
    }
}
