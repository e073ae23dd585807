//! timm's published results: the vendored files read and join; bad files give one clear
//! sentence naming the line and column, never a panic; plot regions and ticks.
//!
//! The figures below are not the parser's output: the resnet50 row is from the data folder's
//! README, and the counts were computed with Python's csv module and awk over the files.

use real_core::published::{self, PublishedModel, Region};
use std::path::PathBuf;

fn asset(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/timm")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn vendored() -> Vec<PublishedModel> {
    published::parse(
        &asset(published::ORIGINAL_FILE),
        &asset(published::REAL_FILE),
    )
    .expect("the vendored files parse")
}

const ORIGINAL: &str =
    "model,img_size,top1,top1_err,top5,top5_err,param_count,crop_pct,interpolation
a.x,224,80.5,19.5,95.1,4.9,\"1,013.01\",1.0,bicubic
b.y,224,70.25,29.75,90.0,10.0,11.69,0.875,bilinear
b.y,288,71.0,29.0,90.5,9.5,11.69,0.95,bilinear
";
const REAL: &str = "model,img_size,top1,top1_err,top5,top5_err,param_count,crop_pct,interpolation,top1_diff,top5_diff,rank_diff
a.x,224,86.0,14.0,97.0,3.0,\"1,013.01\",1.0,bicubic,+5.5,+1.9,0
b.y,288,78.0,22.0,94.0,6.0,11.69,0.95,bilinear,+7.0,+3.5,+1
b.y,224,77.5,22.5,93.5,6.5,,0.875,bilinear,+7.25,+3.5,-1
";

fn error_of(original: &str, real: &str) -> String {
    match published::parse(original, real) {
        Ok(rows) => panic!("expected an error, got {} rows", rows.len()),
        Err(e) => e,
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "{message:?} should mention {part:?}"
        );
    }
}

#[test]
fn the_vendored_files_give_1556_models() {
    assert_eq!(vendored().len(), 1556);
}

#[test]
fn resnet50_tv_matches_the_readme() {
    let models = vendored();
    let resnet = models
        .iter()
        .find(|m| m.name == "resnet50.tv_in1k" && m.img_size == 224)
        .expect("resnet50.tv_in1k at 224");
    assert_eq!(resnet.original_top1, 76.156);
    assert_eq!(resnet.real_top1, 82.969);
    assert_eq!(resnet.real_top5, 95.474);
    assert_eq!(resnet.param_count_millions, Some(25.56));
}

#[test]
fn counts_match_an_independent_computation() {
    let models = vendored();
    assert_eq!(models.iter().filter(|m| m.real_top1 > 90.02).count(), 105);
    let best = models.iter().map(|m| m.real_top1).fold(f64::MIN, f64::max);
    assert_eq!(best, 91.144);
    // The ReaL file is sorted by ReaL top-1, best first; the order is kept.
    assert_eq!(
        models.first().map(|m| m.name.as_str()),
        Some("eva02_large_patch14_448.mim_m38m_ft_in22k_in1k")
    );
}

#[test]
fn quoted_thousands_and_the_join_on_model_and_size() {
    let models = published::parse(ORIGINAL, REAL).expect("parses");
    assert_eq!(models.len(), 3);
    let a = &models[0];
    assert_eq!(a.name, "a.x");
    assert_eq!(a.param_count_millions, Some(1013.01));
    assert_eq!((a.original_top1, a.real_top1), (80.5, 86.0));
    assert_eq!((a.original_top5, a.real_top5), (95.1, 97.0));
    // Same model, two sizes: each joins with its own size, in the ReaL file's order.
    assert_eq!((models[1].img_size, models[1].original_top1), (288, 71.0));
    assert_eq!((models[2].img_size, models[2].original_top1), (224, 70.25));
    // An empty parameter count in the ReaL file falls back to the original file's.
    assert_eq!(models[2].param_count_millions, Some(11.69));
}

#[test]
fn columns_are_found_by_name_and_crlf_is_read() {
    let original = "top5,top1,img_size,model\r\n95,80,224,a.x\r\n";
    let real = "\u{feff}model,top1,img_size,top5\r\na.x,86,224,97\r\n";
    let models = published::parse(original, real).expect("parses");
    assert_eq!(models.len(), 1);
    assert_eq!((models[0].original_top1, models[0].real_top5), (80.0, 97.0));
    assert_eq!(models[0].param_count_millions, None);
}

#[test]
fn malformed_files_name_the_line_and_column() {
    assert_mentions(&error_of("", REAL), &["results-imagenet.csv", "empty"]);
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\n"),
        &["results-imagenet-real.csv", "not followed by any rows"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,size,top1,top5\na.x,224,86,97\n"),
        &["results-imagenet-real.csv", "line 1", "'img_size'"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\na.x,224,eighty,97\n"),
        &["line 2", "column 'top1'", "percentage", "'eighty'"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\na.x,224,86,970\n"),
        &["line 2", "column 'top5'", "'970'"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\na.x,224,NaN,97\n"),
        &["column 'top1'", "'NaN'"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\na.x,big,86,97\n"),
        &["line 2", "column 'img_size'", "'big'"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\n\na.x,224,86\n"),
        &["line 3", "column 'top5'", "missing"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\n,224,86,97\n"),
        &["line 2", "column 'model'"],
    );
    assert_mentions(
        &error_of(
            ORIGINAL,
            "model,img_size,top1,top5,param_count\na.x,224,86,97,\"1,0x3\"\n",
        ),
        &["line 2", "column 'param_count'", "'1,0x3'"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\na.x,224,86,97,\"open\n"),
        &["results-imagenet-real.csv", "line 2", "never closed"],
    );
    assert_mentions(
        &error_of(
            ORIGINAL,
            "model,img_size,top1,top5\na.x,224,86,97\na.x,224,85,96\n",
        ),
        &["line 3", "a.x at img_size 224", "twice", "line 2"],
    );
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\nc.z,224,86,97\n"),
        &[
            "results-imagenet-real.csv",
            "line 2",
            "c.z at img_size 224",
            "no row in results-imagenet.csv",
        ],
    );
    // The join is on the size too.
    assert_mentions(
        &error_of(ORIGINAL, "model,img_size,top1,top5\na.x,256,86,97\n"),
        &["a.x at img_size 256"],
    );
}

#[test]
fn a_runaway_cell_is_shortened_in_the_message() {
    let long = "9".repeat(5000);
    let message = error_of(
        ORIGINAL,
        &format!("model,img_size,top1,top5\na.x,224,{long},97\n"),
    );
    assert!(message.len() < 300, "{message}");
}

/// A fixed-seed generator: the mangled inputs are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn mangled_files_never_panic() {
    let original = asset(published::ORIGINAL_FILE);
    let real = asset(published::REAL_FILE);
    let (original, real) = (&original[..4000], &real[..4000]);
    let mut rng = Lcg(7);
    let pieces = [
        "\"", ",", "\n", "\r", "\u{feff}", "é", "-1", "1e999", "", "\"1,0\"", "  ", "nan",
    ];
    for round in 0..3000 {
        let mut bytes = real.to_string().into_bytes();
        for _ in 0..1 + rng.next() % 4 {
            let at = rng.next() % bytes.len();
            match rng.next() % 3 {
                0 => {
                    let cut = (at + rng.next() % 40).min(bytes.len());
                    bytes.drain(at..cut);
                }
                1 => {
                    let piece = pieces[rng.next() % pieces.len()];
                    bytes.splice(at..at, piece.bytes());
                }
                _ => bytes.truncate(at),
            }
            if bytes.is_empty() {
                break;
            }
        }
        let mangled = String::from_utf8_lossy(&bytes);
        // Either side may be the broken one.
        let _ = if round % 2 == 0 {
            published::parse(original, &mangled)
        } else {
            published::parse(&mangled, original)
        };
    }
}

#[test]
fn zoom_holds_the_users_models_and_their_neighbours() {
    let models = vendored();
    let user = [(76.0, 83.0)];
    let region = Region::around(&user, &models, 12).expect("a region");
    assert!(region.contains(76.0, 83.0));
    // At least a margin either side, and at least 12 published models inside.
    assert!(region.x_min <= 75.0 && region.x_max >= 77.0, "{region:?}");
    assert!(region.y_min <= 82.0 && region.y_max >= 84.0, "{region:?}");
    assert!(region.x_max - region.x_min >= 6.0 && region.y_max - region.y_min >= 6.0);
    let inside = models
        .iter()
        .filter(|m| region.contains(m.original_top1, m.real_top1))
        .count();
    assert!(inside >= 12, "{inside} inside {region:?}");
    // Far fewer than all: the zoom is a zoom.
    assert!(inside < 400, "{inside} inside {region:?}");
    assert!(Region::around(&[], &models, 12).is_none());
    assert!(Region::around(&[(f64::NAN, 1.0)], &models, 12).is_none());
}

#[test]
fn a_model_far_from_all_others_still_sees_its_neighbours() {
    let models = vendored();
    // A model read with the wrong class convention scores near chance.
    let region = Region::around(&[(0.1, 0.1)], &models, 3).expect("a region");
    assert_eq!((region.x_min, region.y_min), (0.0, 0.0));
    let inside = models
        .iter()
        .filter(|m| region.contains(m.original_top1, m.real_top1))
        .count();
    assert!(inside >= 3, "{inside} inside {region:?}");
    assert!(region.x_max <= 100.0 && region.y_max <= 100.0);
}

#[test]
fn show_all_covers_every_model_on_round_bounds() {
    let models = vendored();
    let all =
        Region::covering(models.iter().map(|m| (m.original_top1, m.real_top1))).expect("a region");
    assert!(models
        .iter()
        .all(|m| all.contains(m.original_top1, m.real_top1)));
    // Lowest original top-1 40.982, lowest ReaL 47.087, highest 90.056 and 91.144.
    assert_eq!(
        all,
        Region {
            x_min: 35.0,
            x_max: 95.0,
            y_min: 45.0,
            y_max: 95.0
        }
    );
    assert_eq!(
        Region::covering([(99.5, 0.5)]),
        Some(Region {
            x_min: 95.0,
            x_max: 100.0,
            y_min: 0.0,
            y_max: 5.0
        })
    );
    assert_eq!(Region::covering([]), None);
}

#[test]
fn ticks_are_round_and_within_the_range() {
    assert_eq!(
        published::ticks(35.0, 95.0, 8),
        vec![40.0, 50.0, 60.0, 70.0, 80.0, 90.0]
    );
    assert_eq!(
        published::ticks(74.5, 78.5, 6),
        vec![75.0, 76.0, 77.0, 78.0]
    );
    assert_eq!(
        published::ticks(0.0, 1.0, 6),
        vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    );
    assert!(published::ticks(5.0, 5.0, 6).is_empty());
    assert!(published::ticks(f64::NAN, 5.0, 6).is_empty());
    assert!(published::ticks(0.0, 100.0, usize::MAX).len() <= 1000);
}
