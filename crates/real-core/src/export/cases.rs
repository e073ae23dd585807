//! The filtered cases as rows: the image, its labels, the model's prediction and verdicts.

use super::csv::{write_header, write_row, Cell};
use super::{json_document, Header};
use crate::cases::Case;
use crate::dataset::Dataset;
use crate::ids::{ClassIndex, ImageId};
use crate::labels::LabelSet;
use crate::metrics::Outcome;
use crate::predictions::Predictions;
use serde::Serialize;

/// A class as an export names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassRef {
    /// 0-based index in sorted-wnid order.
    pub index: u16,
    /// WordNet id.
    pub wnid: String,
    /// Short display name.
    pub name: String,
}

impl ClassRef {
    fn of(dataset: &Dataset, class: ClassIndex) -> Self {
        let info = dataset.class(class);
        Self {
            index: class.0,
            wnid: info.wnid.clone(),
            name: info.name.clone(),
        }
    }
}

/// How a label set judges the model's top-1 on one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The top-1 is in the image's set.
    Correct,
    /// It is not.
    Wrong,
    /// The set is empty (no label fits) or does not cover the image: the image is not scored.
    Excluded,
}

impl Verdict {
    /// The word in CSV cells.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Correct => "correct",
            Verdict::Wrong => "wrong",
            Verdict::Excluded => "excluded",
        }
    }

    fn of(top1: Option<ClassIndex>, labels: Option<&[ClassIndex]>) -> Self {
        match labels {
            None | Some([]) => Verdict::Excluded,
            Some(labels) if top1.is_some_and(|c| labels.contains(&c)) => Verdict::Correct,
            Some(_) => Verdict::Wrong,
        }
    }
}

/// One case, everything a researcher wants of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseRecord {
    /// The image number, 1..=50,000.
    pub image: u32,
    /// Its file name, `ILSVRC2012_val_00000001.JPEG`.
    pub file: String,
    /// The original ILSVRC-2012 label.
    pub original: ClassRef,
    /// The ReaL set (at the export's threshold); empty when no label fits.
    pub real: Vec<ClassRef>,
    /// The model's top-1, when it predicts this image.
    pub top1: Option<ClassRef>,
    /// Its best-first top-5 class indices, when the file has more than one prediction a row.
    pub top5: Option<Vec<u16>>,
    /// Its top-1 score, when the file has scores.
    pub score: Option<f32>,
    /// The top-1 under ReaL.
    pub real_top1: Option<Verdict>,
    /// The top-1 under the original label.
    pub original_top1: Option<Verdict>,
    /// Where the image lands in the four-way split of ReaL against the original label.
    pub outcome: Option<Outcome>,
}

/// The filtered cases of one view, ready to be written as CSV or JSON.
pub struct CasesExport<'a> {
    /// The ImageNet data.
    pub dataset: &'a Dataset,
    /// The ReaL set the view uses (rebuilt when the threshold is not 0.80).
    pub real: &'a LabelSet,
    /// The model on screen, whose rows the cases point at.
    pub predictions: Option<&'a Predictions>,
    /// The cases, in the view's order.
    pub cases: &'a [Case],
    /// Where they came from.
    pub header: &'a Header,
}

impl CasesExport<'_> {
    /// One case's record.
    pub fn record(&self, case: &Case) -> CaseRecord {
        let dataset = self.dataset;
        let image: ImageId = case.image;
        let original = dataset.original_label(image);
        let real = self.real.labels(image);
        let predicted = self.predictions.zip(case.row);
        let top1 = predicted.and_then(|(p, row)| p.top(row).first().copied().flatten());
        let outcome = predicted.map(|_| {
            match (
                Verdict::of(top1, real),
                Verdict::of(top1, Some(&[original])),
            ) {
                (Verdict::Excluded, _) => Outcome::Excluded,
                (Verdict::Correct, Verdict::Correct) => Outcome::Both,
                (Verdict::Correct, _) => Outcome::RealOnly,
                (_, Verdict::Correct) => Outcome::OriginalOnly,
                _ => Outcome::Neither,
            }
        });
        CaseRecord {
            image: image.0,
            file: image.file_name(),
            original: ClassRef::of(dataset, original),
            real: real
                .unwrap_or_default()
                .iter()
                .map(|c| ClassRef::of(dataset, *c))
                .collect(),
            top1: top1.map(|c| ClassRef::of(dataset, c)),
            top5: predicted
                .filter(|(p, _)| p.k > 1)
                .map(|(p, row)| p.top(row).iter().take(5).flatten().map(|c| c.0).collect()),
            score: predicted
                .and_then(|(p, row)| p.top_scores(row)?.first().copied())
                .filter(|s| s.is_finite()),
            real_top1: predicted.map(|_| Verdict::of(top1, real)),
            original_top1: predicted.map(|_| Verdict::of(top1, Some(&[original]))),
            outcome,
        }
    }

    /// The columns, which depend on what the model's file holds.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<&str> = vec![
            "image",
            "file",
            "original_index",
            "original_wnid",
            "original_name",
            "real_indices",
            "real_names",
        ];
        if let Some(p) = self.predictions {
            columns.extend(["top1_index", "top1_name"]);
            if p.scores.is_some() {
                columns.push("top1_score");
            }
            if p.k > 1 {
                columns.push("top5_indices");
            }
            columns.extend(["real_top1", "original_top1", "outcome"]);
        }
        columns.into_iter().map(String::from).collect()
    }

    /// CSV: a `#` line saying where the rows came from, the column names, one row a case.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        write_row(
            &mut out,
            &[Cell::text(self.header.comment("cases", self.cases.len()))],
        );
        write_header(&mut out, &self.columns());
        let scores = self.predictions.is_some_and(|p| p.scores.is_some());
        let top5 = self.predictions.is_some_and(|p| p.k > 1);
        for case in self.cases {
            let r = self.record(case);
            let mut cells = vec![
                Cell::int(r.image),
                Cell::text(r.file),
                Cell::int(r.original.index),
                Cell::text(r.original.wnid),
                Cell::text(r.original.name),
                Cell::text(join(r.real.iter().map(|c| c.index.to_string()))),
                Cell::text(join(r.real.iter().map(|c| c.name.clone()))),
            ];
            if self.predictions.is_some() {
                let top1 = r.top1.as_ref();
                cells.push(top1.map_or(Cell::Empty, |c| Cell::int(c.index)));
                cells.push(top1.map_or(Cell::Empty, |c| Cell::text(c.name.as_str())));
                if scores {
                    cells.push(
                        r.score
                            .map_or(Cell::Empty, |s| Cell::float(f64::from(s), 6)),
                    );
                }
                if top5 {
                    cells.push(Cell::text(join(
                        r.top5.iter().flatten().map(|c| c.to_string()),
                    )));
                }
                for verdict in [r.real_top1, r.original_top1] {
                    cells.push(verdict.map_or(Cell::Empty, |v| Cell::text(v.as_str())));
                }
                cells.push(r.outcome.map_or(Cell::Empty, |o| Cell::text(o.as_str())));
            }
            write_row(&mut out, &cells);
        }
        out
    }

    /// JSON: `{"generator", "export": "cases", "model", "label_sets", "threshold", "view",
    /// "count", "rows": [...]}`, one row a line.
    pub fn json(&self) -> String {
        let rows: Vec<String> = self
            .cases
            .iter()
            .map(|case| serde_json::to_string(&self.record(case)).unwrap_or_else(|_| "null".into()))
            .collect();
        json_document(self.header, "cases", &rows)
    }
}

/// Several values in one cell: `65;58`.
fn join(values: impl Iterator<Item = String>) -> String {
    values.collect::<Vec<_>>().join(";")
}
