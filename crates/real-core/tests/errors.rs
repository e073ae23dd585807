//! Bad input gets one clear sentence: the format, where it broke, what was expected.
//! Nothing panics on user data.

use crate::util::{fixture, load, npy};

fn error_of(bytes: &[u8]) -> String {
    match load(bytes) {
        Ok(_) => panic!(
            "expected an error for {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(80)])
        ),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(bytes: &[u8], parts: &[&str]) {
    let message = error_of(bytes);
    for part in parts {
        assert!(
            message.contains(part),
            "{message:?} should mention {part:?}"
        );
    }
}

#[test]
fn empty_and_binary_files() {
    assert_mentions(b"", &["empty"]);
    assert_mentions(b"  \n\n", &["empty"]);
    assert_mentions(&[0x81, 0xfe, 0x00, 0x81, 0x02], &["binary", "byte 0"]);
    assert_mentions(
        &[0xff, 0xfe, b'1', 0, b'\n', 0],
        &["UTF-16", "save it as UTF-8"],
    );
}

#[test]
fn npy_problems_name_the_byte() {
    let good = fixture("top5_u2_be_fortran.npy");
    assert_mentions(
        &good[..good.len() - 3],
        &["NumPy .npy", "byte 128", "truncated"],
    );
    assert_mentions(&good[..20], &["NumPy .npy", "truncated"]);
    assert_mentions(
        &npy("<c8", false, &[2], &[0; 16]),
        &["unsupported dtype '<c8'"],
    );
    assert_mentions(
        &npy("<i4", false, &[2, 2, 2], &[0; 32]),
        &["expected shape"],
    );
    assert_mentions(
        &npy("<f4", false, &[2, 10], &[0x3f; 80]),
        &["1000 or 1001 columns"],
    );
    assert_mentions(&npy("<i4", false, &[0], &[]), &["empty"]);
}

#[test]
fn class_numbers_out_of_every_range() {
    let data: Vec<u8> = [5000i32, 2].iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_mentions(
        &npy("<i4", false, &[2], &data),
        &["fit no class convention", "row 1: holds 5000"],
    );
}

#[test]
fn more_rows_than_images() {
    let data = vec![0u8; 50_001 * 2];
    assert_mentions(
        &npy("<i2", false, &[50_001], &data),
        &["50001 rows", "only 50000"],
    );
}

#[test]
fn npz_damage() {
    let good = fixture("compressed.npz");
    assert_mentions(&good[..good.len() / 2], &["NumPy .npz"]);
    let mut flipped = good.clone();
    let middle = flipped.len() / 3;
    flipped[middle] ^= 0xff;
    let _ = load(&flipped); // may or may not parse, must not panic
}

#[test]
fn csv_problems_name_the_line() {
    let text = "filename,index\nILSVRC2012_val_00000001.JPEG,65\nnot_an_image.jpg,3\n";
    assert_mentions(
        text.as_bytes(),
        &["CSV", "line 3", "not_an_image.jpg", "ILSVRC2012"],
    );
    let text = "filename,index\nILSVRC2012_val_00000001.JPEG,sixty\n";
    assert_mentions(text.as_bytes(), &["line 2", "class indices", "sixty"]);
    let text = "filename,whatever\nILSVRC2012_val_00000001.JPEG,1\n";
    assert_mentions(text.as_bytes(), &["line 1", "no prediction column"]);
    let text = "filename,label\nILSVRC2012_val_00000001.JPEG,\"tench\n";
    assert_mentions(text.as_bytes(), &["line 2", "never closed"]);
    let text = "filename,label\nILSVRC2012_val_00000001.JPEG,spaceship\n";
    assert_mentions(text.as_bytes(), &["no class name", "spaceship"]);
}

#[test]
fn line_text_problems() {
    assert_mentions(
        b"ILSVRC2012_val_00000001.JPEG 65\nhello world\n",
        &["line 2", "hello world"],
    );
    assert_mentions(
        b"65\nILSVRC2012_val_00000002.JPEG 3\n",
        &["line 2", "names an image"],
    );
}

#[test]
fn json_problems_name_the_place() {
    assert_mentions(b"[1, 2,", &["JSON", "line 1", "invalid JSON"]);
    assert_mentions(
        br#"{"ILSVRC2012_val_00000001.JPEG": {"foo": 1}}"#,
        &["ILSVRC2012_val_00000001.JPEG", "\"index\" or \"label\""],
    );
    assert_mentions(
        br#"{"cat.jpg": 3}"#,
        &["key 'cat.jpg'", "validation file name"],
    );
    assert_mentions(br#"[[1, 2], ["tench"]]"#, &["item 2", "mixed"]);
    assert_mentions(
        b"[true, false]",
        &["item 1", "class indices or class names"],
    );
}

#[test]
fn no_fixture_panics_when_cut_or_damaged() {
    for name in [
        "top1_i8.npy",
        "top5_u2_be_fortran.npy",
        "logits_1001_f2_be.npy",
        "named.npz",
        "compressed.npz",
        "timm_top5.csv",
        "timm_separate.tsv",
        "timm.json",
        "hf_pipeline.json",
        "records.jsonl",
        "caffe.txt",
        "devkit.txt",
    ] {
        let good = fixture(name);
        let step = (good.len() / 97).max(1);
        for cut in (0..good.len()).step_by(step) {
            let _ = load(&good[..cut]);
            let mut damaged = good.clone();
            damaged[cut] = damaged[cut].wrapping_add(0x55);
            let _ = load(&damaged);
        }
    }
}
