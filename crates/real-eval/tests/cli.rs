//! real-eval as a user runs it: table, JSON lines, summary, bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_real-eval"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn json_lines_have_the_documented_keys() {
    let out = run(&["--json", &fixture("timm_top5.csv"), &fixture("top1.json")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for key in [
        "file",
        "rows",
        "order",
        "class_convention",
        "scored",
        "excluded",
        "real_top1",
        "real_top1_correct",
        "original_top1",
        "original_top1_correct",
        "real_top5",
        "real_top5_correct",
        "original_top5",
        "original_top5_correct",
        "warnings",
    ] {
        assert!(lines.iter().all(|l| l.get(key).is_some()), "missing {key}");
    }
    assert_eq!(lines[0]["order"], "named");
    assert_eq!(lines[0]["original_top1_correct"], 6);
    assert_eq!(lines[0]["original_top1"], 0.75);
    assert!(lines[1]["real_top5"].is_null(), "top-1 files have no top-5");
    assert!(lines[1]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("first 8 images")));
}

#[test]
fn several_files_print_a_leaderboard() {
    let out = run(&[&fixture("top1.json"), &fixture("devkit.txt")]);
    assert!(out.status.success());
    let table = text(&out.stdout);
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("ReaL@1") && header.contains("orig@1"),
        "{table}"
    );
    assert!(table.contains("ilsvrc2012-id"), "{table}");
}

#[test]
fn summary_prints_the_dataset_facts() {
    let out = run(&["--summary", "--json"]);
    let facts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(facts["scored"], 46_837);
    assert_eq!(facts["excluded"], 3_163);
    assert_eq!(facts["multi_label"], 7_443);
    assert_eq!(facts["original_in_real"], 42_164);
    assert_eq!(facts["real_equals_original"], 35_716);
}

#[test]
fn a_bad_file_exits_2_with_one_line_and_the_rest_still_evaluated() {
    let dir = std::env::temp_dir().join(format!("real-eval-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "filename,index\nILSVRC2012_val_00000001.JPEG,oops\n").unwrap();
    let out = run(&[
        "--json",
        &fixture("top1.json"),
        bad.to_str().unwrap(),
        "/no/such/file.npy",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].contains("bad.csv") && lines[0].contains("line 2") && lines[0].contains("oops"),
        "{stderr}"
    );
    assert!(
        lines[1].contains("/no/such/file.npy") && lines[1].contains("cannot read"),
        "{stderr}"
    );
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "the good file is still evaluated"
    );
}

#[test]
fn usage_errors_exit_64() {
    assert_eq!(run(&[]).status.code(), Some(64));
    assert_eq!(run(&["--frobnicate", "x"]).status.code(), Some(64));
    let out = run(&["--classes", "zero-based", "x"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(text(&out.stderr).contains("unknown class convention 'zero-based'"));
}

#[test]
fn overrides_change_the_reading() {
    let out = run(&[
        "--json",
        "--order",
        "filename",
        "--classes",
        "sorted-wnid",
        &fixture("top1_i8.npy"),
    ]);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["detection"]["overridden"], true);
    assert_eq!(line["class_convention"], "sorted-wnid");
}

/// A fresh scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("real-eval-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The counts under `keys` of a JSON object.
fn counts(object: &serde_json::Value, keys: &[&str]) -> Vec<u64> {
    keys.iter().map(|k| object[k].as_u64().unwrap()).collect()
}

/// The original labels of validation images 1..8, which the fixtures' predictions are built
/// on (rows 1-6 right first, rows 7-8 right second).
const ORIGINAL_1_TO_8: [u16; 8] = [65, 970, 230, 809, 516, 57, 334, 415];

/// Two label files: `real.json` (name-keyed: images 1-4 their original label, image 5 no
/// label, image 6 the fixtures' second guess) and `strict.txt` (images 1-8 their original).
fn label_files(dir: &std::path::Path) -> (String, String) {
    let name = |i: usize| format!("ILSVRC2012_val_{:08}.JPEG", i + 1);
    let mut keyed = serde_json::Map::new();
    for (i, label) in ORIGINAL_1_TO_8.iter().enumerate().take(4) {
        keyed.insert(name(i), serde_json::json!([label]));
    }
    keyed.insert(name(4), serde_json::json!([]));
    keyed.insert(name(5), serde_json::json!([ORIGINAL_1_TO_8[5] + 1]));
    let real = dir.join("real.json");
    std::fs::write(&real, serde_json::Value::Object(keyed).to_string()).unwrap();
    let strict = dir.join("strict.txt");
    let lines: String = ORIGINAL_1_TO_8
        .iter()
        .enumerate()
        .map(|(i, label)| format!("{} {label}\n", name(i)))
        .collect();
    std::fs::write(&strict, lines).unwrap();
    (
        real.to_string_lossy().into_owned(),
        strict.to_string_lossy().into_owned(),
    )
}

#[test]
fn label_files_add_label_sets_in_order_with_unique_keys() {
    let dir = scratch("labels");
    let (real, strict) = label_files(&dir);
    let files = [fixture("timm_top5.csv"), fixture("top1.json")];
    let out = run(&[
        "--json", "--labels", &real, "--labels", &strict, &files[0], &files[1],
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // Keys in order: the built-in sets, then the files; real.json does not take `real`.
    for line in stdout.lines() {
        let at = |key: &str| line.find(&format!("\"{key}\":{{\"scored\"")).unwrap();
        assert!(
            at("original") < at("real") && at("real") < at("real-2") && at("real-2") < at("strict")
        );
    }
    let lines = json_lines(&out);
    let sets = &lines[0]["label_sets"];
    assert_eq!(sets.as_object().unwrap().len(), 4);
    // real.json: images 1-4 right, image 5 left out, image 6 wrong first and right second.
    let mine = &sets["real-2"];
    assert_eq!(counts(mine, &["scored", "excluded", "missing"]), [5, 1, 0]);
    assert_eq!(counts(mine, &["top1_correct", "top5_correct"]), [4, 5]);
    assert_eq!(mine["top1"], 0.8);
    let interval = &mine["top1_interval"];
    assert!(interval["low"].as_f64().unwrap() < 0.8 && interval["high"].as_f64().unwrap() > 0.8);
    // The built-in sets agree with the long-standing keys.
    for (key, old) in [("original", "original"), ("real", "real")] {
        assert_eq!(
            sets[key]["top1_correct"],
            lines[0][format!("{old}_top1_correct")]
        );
        assert_eq!(sets[key]["top1"], lines[0][format!("{old}_top1")]);
        assert_eq!(
            sets[key]["top5_correct"],
            lines[0][format!("{old}_top5_correct")]
        );
    }
    assert_eq!(sets["strict"]["top1_correct"], 6);
    // A top-1 file has no top-5 under any label set.
    let top1 = &lines[1]["label_sets"]["strict"];
    assert!(
        top1["top5"].is_null() && top1["top5_correct"].is_null() && top1["top5_interval"].is_null()
    );
    // Existing keys are as they were without label files.
    let plain = json_lines(&run(&["--json", &files[0], &files[1]]));
    for (with, without) in lines.iter().zip(&plain) {
        let mut with = with.clone();
        with.as_object_mut().unwrap().remove("label_sets");
        let mut without = without.clone();
        without.as_object_mut().unwrap().remove("label_sets");
        assert_eq!(with, without);
    }
    // Each label file's warning once, however many predictions files.
    let stderr = text(&out.stderr);
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(warnings[0].starts_with(&format!("real-eval: {real}: warning: the file covers 6 of")));
    assert!(warnings[1].starts_with(&format!(
        "real-eval: {strict}: warning: the file covers 8 of"
    )));
}

#[test]
fn the_table_has_a_column_per_label_file() {
    let dir = scratch("table");
    let (real, strict) = label_files(&dir);
    let out = run(&[
        "--labels",
        &real,
        "--labels",
        &strict,
        &fixture("top1.json"),
        &fixture("devkit.txt"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("real-2@1") && header.contains("strict@1"),
        "{table}"
    );
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .trim_end()
            .ends_with("80.00%     75.00%"),
        "{table}"
    );
}

#[test]
fn a_bad_label_file_exits_2_with_one_line_and_nothing_evaluated() {
    let dir = scratch("bad-labels");
    let bad = dir.join("mine.txt");
    std::fs::write(
        &bad,
        "ILSVRC2012_val_00000001.JPEG 65\nILSVRC2012_val_00000002.JPEG 1200\n",
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let out = run(&["--json", "--labels", bad, &fixture("top1.json")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(&format!("real-eval: {bad}: "))
            && lines[0].contains("line 2")
            && lines[0].contains("1200"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing is evaluated");
    let out = run(&["--labels", "/no/such/labels.json", &fixture("top1.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/no/such/labels.json: cannot read"));
}

/// The fixtures' top-1 with rows 7-8 replaced by their second guess (the original label).
fn better_model(dir: &std::path::Path) -> String {
    let path = dir.join("better.json");
    std::fs::write(&path, serde_json::to_string(&ORIGINAL_1_TO_8).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn compare_adds_a_line_per_pair_and_label_set() {
    let dir = scratch("compare");
    let (real, _) = label_files(&dir);
    let a = fixture("timm_top5.csv");
    let b = better_model(&dir);
    let c = fixture("devkit.txt");
    let out = run(&["--json", "--compare", "--labels", &real, &a, &b, &c]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(
        lines.len(),
        3 + 2 * 3,
        "3 files, then 2 pairs x 3 label sets"
    );
    assert!(lines[..3].iter().all(|l| l.get("kind").is_none()));
    let comparisons = &lines[3..];
    let keys = [
        "kind",
        "a",
        "b",
        "labels",
        "images",
        "both",
        "a_only",
        "b_only",
        "neither",
        "difference",
        "difference_interval",
        "mcnemar_p",
        "mcnemar_log10_p",
    ];
    for line in comparisons {
        let object = line.as_object().unwrap();
        assert_eq!(object.len(), keys.len(), "{line}");
        assert!(keys.iter().all(|k| object.contains_key(*k)), "{line}");
        assert_eq!(line["kind"], "comparison");
        assert_eq!(line["a"], a.as_str());
        let cells = ["both", "a_only", "b_only", "neither"];
        let sum: u64 = cells.iter().map(|k| line[k].as_u64().unwrap()).sum();
        assert_eq!(line["images"], sum);
    }
    let pairs: Vec<(&str, &str)> = comparisons
        .iter()
        .map(|l| (l["b"].as_str().unwrap(), l["labels"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pairs,
        [
            (b.as_str(), "original"),
            (b.as_str(), "real"),
            (b.as_str(), "real-2"),
            (c.as_str(), "original"),
            (c.as_str(), "real"),
            (c.as_str(), "real-2"),
        ]
    );
    // B is right on images 7-8 where A is wrong: +2 of 8 images, p = 2 x (1/2)^2.
    let original = &comparisons[0];
    assert_eq!(
        counts(original, &["both", "a_only", "b_only", "neither"]),
        [6, 0, 2, 0]
    );
    assert_eq!(original["difference"], 0.25);
    assert_eq!(original["mcnemar_p"], 0.5);
    let log10_p = original["mcnemar_log10_p"].as_f64().unwrap();
    assert!((log10_p - 0.5f64.log10()).abs() < 1e-12, "{log10_p}");
    let interval = &original["difference_interval"];
    let (low, high) = (
        interval["low"].as_f64().unwrap(),
        interval["high"].as_f64().unwrap(),
    );
    assert!(low < 0.0 && 0.25 < high && high < 1.0, "{interval}");
    // The same predictions in another file: no difference at all.
    let same = &comparisons[3];
    assert_eq!(counts(same, &["a_only", "b_only"]), [0, 0]);
    assert_eq!(
        (&same["difference"], &same["mcnemar_p"]),
        (&0.0.into(), &1.0.into())
    );
}

#[test]
fn compare_prints_a_readable_table() {
    let dir = scratch("compare-table");
    let out = run(&["--compare", &fixture("top1.json"), &better_model(&dir)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let original = table
        .lines()
        .find(|l| l.contains("better.json") && l.contains("original"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        original.contains("+25.00") && original.contains("p = 0.5"),
        "{table}"
    );
    assert!(
        table.contains("A only") && table.contains("McNemar"),
        "{table}"
    );
}

#[test]
fn compare_needs_two_readable_files() {
    let out = run(&["--compare", &fixture("top1.json")]);
    assert_eq!(out.status.code(), Some(64));
    assert!(text(&out.stderr).contains("--compare needs at least two predictions files"));
    assert!(out.stdout.is_empty());
    let out = run(&[
        "--json",
        "--compare",
        &fixture("top1.json"),
        "/no/such/file.npy",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("at least two readable predictions files; 1 could be read"),
        "{stderr}"
    );
    assert_eq!(
        json_lines(&out).len(),
        1,
        "the readable file is still evaluated"
    );
}

/// A cleanlab crowd-votes file in its published layout over images 1, 2 and 7, and an
/// imagenet-mistakes file over images 3, 8 and 100.
fn relabeling_files(dir: &std::path::Path) -> (String, String) {
    let record = |id: u32, given: u16, guessed: u16, votes: [u8; 4]| {
        serde_json::json!({
            "id": id,
            "url": format!("https://labelerrors.com//static/imagenet/val/n0/ILSVRC2012_val_{id:08}.JPEG"),
            "given_original_label": given,
            "our_guessed_label": guessed,
            "mturk": {"given": votes[0], "guessed": votes[1], "neither": votes[2], "both": votes[3]},
        })
    };
    let mturk = serde_json::json!([
        // Guessed 3: image 1 becomes 66 (the fixtures predict 65).
        record(1, 65, 66, [1, 3, 1, 0]),
        // Neither 4: image 2 is left out.
        record(2, 970, 971, [1, 0, 4, 0]),
        // Both 3: image 7 is 334 or 344 (the fixtures predict 344).
        record(7, 334, 344, [1, 1, 0, 3]),
    ]);
    let mturk_path = dir.join("imagenet_mturk.json");
    std::fs::write(&mturk_path, mturk.to_string()).unwrap();
    let mistakes = serde_json::json!({
        "ILSVRC2012_val_00000003.JPEG": {"top_prediction": 230, "failure category": "Fine-grained with OOV", "failure severity": "minor"},
        "ILSVRC2012_val_00000008.JPEG": {"top_prediction": 425, "failure category": "Spurious Correlation", "failure severity": "Major"},
        "ILSVRC2012_val_00000100.JPEG": {"top_prediction": 1, "failure category": "Non-prototypical", "failure severity": "Borderline"},
    });
    let mistakes_path = dir.join("vit3b_mistakes.json");
    std::fs::write(&mistakes_path, mistakes.to_string()).unwrap();
    (
        mturk_path.to_string_lossy().into_owned(),
        mistakes_path.to_string_lossy().into_owned(),
    )
}

#[test]
fn relabelings_add_the_crowd_label_set_and_a_mistakes_section() {
    let dir = scratch("relabelings");
    let (mturk, mistakes) = relabeling_files(&dir);
    let out = run(&[
        "--json",
        "--relabelings",
        &mturk,
        "--relabelings",
        &mistakes,
        &fixture("top1.json"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // The crowd label set comes after the built-in ones, and the mistakes after label_sets.
    let raw = text(&out.stdout);
    let at = |key: &str| raw.find(&format!("\"{key}\":")).unwrap();
    assert!(
        at("original") < at("real") && at("real") < at("crowd") && at("crowd") < at("mistakes")
    );
    let lines = json_lines(&out);
    let line = &lines[0];
    assert_eq!(line["label_sets"].as_object().unwrap().len(), 3);
    let crowd = &line["label_sets"]["crowd"];
    assert_eq!(
        counts(crowd, &["scored", "excluded", "missing", "top1_correct"]),
        [7, 1, 49_992, 5]
    );
    let sections = line["mistakes"].as_array().unwrap();
    assert_eq!(sections.len(), 1);
    let section = &sections[0];
    assert_eq!(section["file"], mistakes.as_str());
    assert_eq!(section["model"], "ViT-3B");
    let fields = ["images", "predicted", "original_correct", "same_prediction"];
    assert_eq!(counts(&section["all"], &fields), [3, 2, 1, 2]);
    let categories = [
        "fine-grained",
        "fine-grained-oov",
        "fine-grained-multilabel",
        "spurious-correlation",
        "non-prototypical",
    ];
    let positions: Vec<usize> = categories.iter().map(|c| at(c)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "categories in order"
    );
    assert_eq!(section["by_category"].as_object().unwrap().len(), 5);
    assert_eq!(
        counts(&section["by_category"]["fine-grained-oov"], &fields),
        [1, 1, 1, 1]
    );
    assert_eq!(
        counts(&section["by_severity"]["borderline"], &fields),
        [1, 0, 0, 0]
    );
    assert_eq!(
        counts(&section["by_severity"]["major"], &fields),
        [1, 1, 0, 1]
    );

    // The table gains the crowd column and, for one file, a line on the mistakes.
    let out = run(&[
        "--relabelings",
        &mturk,
        "--relabelings",
        &mistakes,
        &fixture("top1.json"),
    ]);
    let table = text(&out.stdout);
    assert!(
        table.lines().next().unwrap().ends_with("crowd@1"),
        "{table}"
    );
    assert!(table.contains("crowd top-1    71.43% = 5/7"), "{table}");
    assert!(table.contains("on ViT-3B's 3 mistakes"), "{table}");
}

#[test]
fn a_bad_relabeling_file_exits_2_with_one_line_and_nothing_evaluated() {
    let dir = scratch("bad-relabelings");
    let bad = dir.join("imagenet_mturk.json");
    std::fs::write(
        &bad,
        r#"[{"id": 0, "given_original_label": 1, "our_guessed_label": 2, "mturk": {}}]"#,
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let out = run(&["--json", "--relabelings", bad, &fixture("top1.json")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(&format!(
            "real-eval: {bad}: cleanlab MTurk JSON file, entry 1"
        )),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing is evaluated");
}
