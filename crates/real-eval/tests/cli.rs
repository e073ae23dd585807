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
fn usage_errors_exit_2() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["--frobnicate", "x"]).status.code(), Some(2));
    let out = run(&["--classes", "zero-based", "x"]);
    assert_eq!(out.status.code(), Some(2));
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
