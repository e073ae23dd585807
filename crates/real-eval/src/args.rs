//! Command-line arguments, validated in one place.

use real_core::{ClassConvention, RowOrder};

pub const USAGE: &str = "\
usage: real-eval [--json] [--per-class] [--labels LABELS]... [--relabelings FILE]...
                 [--compare] [--order ORDER] [--classes CONVENTION] FILE...
       real-eval --summary [--json]

Prints ReaL and original top-1/top-5 accuracy of ImageNet validation predictions.
FILE may be .npy, .npz, CSV/TSV (timm inference.py), JSON (timm, Hugging Face pipeline),
'file index' lines or devkit submissions; the content decides, not the extension.

  --json               one JSON object per file, one per line
  --per-class          with --json, add per-class ReaL and original accuracy
  --labels LABELS      also score under this label file (repeatable): a real.json-layout
                       list of lists, JSON keyed by file name, 'file label...' lines, or one
                       label per image in any predictions layout; 0-based sorted-wnid classes
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

Exit status: 0 when every file was evaluated, 2 when any could not be read (the others are
still evaluated; a label or relabeling file that cannot be read stops everything), 1 on other
errors.";

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
                "-h" | "--help" => args.help = true,
                "--order" => args.order = Some(value("--order")?.parse()?),
                "--classes" => args.convention = Some(value("--classes")?.parse()?),
                "--" => args.files.extend(raw.by_ref()),
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                file => args.files.push(file.to_string()),
            }
        }
        if args.files.is_empty() && !args.summary && !args.help {
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
