//! Other relabelings: cleanlab's crowd votes and the imagenet-mistakes files, read from
//! fixtures in their published layout, their derived data, and the files they refuse.

use crate::util::dataset;
use real_core::relabel::{
    self, crowd_label_set, mturk, Category, CrowdVerdict, Mistakes, MistakesModel, Mturk,
    Relabeling, Severity,
};
use real_core::{ClassIndex, ImageId, Predictions};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/relabel")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn crowd(name: &str) -> Mturk {
    match relabel::read(name, &fixture(name)).unwrap() {
        Relabeling::Crowd(m) => m,
        other => panic!("read as {other:?}"),
    }
}

fn mistakes(name: &str) -> Mistakes {
    match relabel::read(name, &fixture(name)).unwrap() {
        Relabeling::Mistakes(m) => m,
        other => panic!("read as {other:?}"),
    }
}

fn error(name: &str, text: &str) -> String {
    relabel::read(name, text.as_bytes())
        .expect_err("the file must be refused")
        .to_string()
}

fn image(n: u32) -> ImageId {
    ImageId(n)
}

fn classes(list: &[u16]) -> Vec<ClassIndex> {
    list.iter().map(|c| ClassIndex(*c)).collect()
}

/// One cleanlab record in the published layout.
fn record(id: &str, given: u16, guessed: u16, votes: [u8; 4]) -> String {
    let [g, q, n, b] = votes;
    format!(
        r#"{{"id": {id}, "given_original_label": {given}, "our_guessed_label": {guessed},
            "mturk": {{"given": {g}, "guessed": {q}, "neither": {n}, "both": {b}}}}}"#
    )
}

#[test]
fn the_mturk_file_reads_every_record_with_its_votes() {
    let m = crowd("imagenet_mturk.json");
    assert_eq!(m.len(), 9);
    assert_eq!(m.source, "imagenet_mturk.json");
    let j = m.judgement(image(31720)).unwrap();
    assert_eq!((j.given, j.guessed), (ClassIndex(2), ClassIndex(147)));
    let v = j.votes;
    assert_eq!((v.given, v.guessed, v.neither, v.both), (0, 3, 1, 1));
    assert_eq!(v.total(), 5);
    assert!(m.votes(image(1)).is_none());
    let ids: Vec<u32> = m.judgements().iter().map(|j| j.image.0).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "judgements are kept by image");
    assert_eq!(m.size_bytes(), 9 * 12);
}

#[test]
fn an_mturk_id_is_the_1_based_file_number() {
    // Record 4698 is ILSVRC2012_val_00004698.JPEG, an electric ray (5) the crowd calls a
    // stingray (6). Read as a 0-based index it would relabel ILSVRC2012_val_00004699.JPEG.
    let data = dataset();
    assert_eq!(data.original_label(image(4698)), ClassIndex(5));
    let m = crowd("imagenet_mturk.json");
    assert!(m.judgement(image(4698)).is_some());
    assert!(m.judgement(image(4699)).is_none());
    let set = crowd_label_set(data, &m);
    assert_eq!(set.labels(image(4698)), Some(&classes(&[6])[..]));
    assert_eq!(
        set.labels(image(4699)),
        Some(&[data.original_label(image(4699))][..])
    );
    assert_ne!(data.original_label(image(4699)), ClassIndex(6));
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
}

#[test]
fn the_crowd_label_set_follows_the_majority_at_exactly_three_votes() {
    let data = dataset();
    let m = crowd("imagenet_mturk.json");
    let set = crowd_label_set(data, &m);
    assert_eq!(set.key, mturk::CROWD);
    assert_eq!(set.source, "imagenet_mturk.json");
    assert!(set.format.contains("crowd-corrected"), "{}", set.format);
    let labels = |n: u32| set.labels(image(n)).unwrap().to_vec();
    // Given 5: the original label stays.
    assert_eq!(labels(293), classes(&[0]));
    // Guessed exactly 3: the guessed label replaces the original.
    assert_eq!(labels(31720), classes(&[147]));
    // Guessed 2, given 2, both 1: no majority, the original stays.
    assert_eq!(labels(32417), classes(&[2]));
    // Neither exactly 3, and 4: no label fits, the image is left out.
    assert_eq!(labels(23916), classes(&[]));
    assert_eq!(labels(23935), classes(&[]));
    // Both exactly 3, and 4: the two labels.
    assert_eq!(labels(34178), classes(&[4, 913]));
    assert_eq!(labels(10074), classes(&[3, 983]));
    // Images not in the file keep their original label; every image is covered.
    assert_eq!(labels(1), vec![data.original_label(image(1))]);
    assert_eq!(set.covered(), 50_000);
    assert_eq!(set.scored(), 50_000 - 2);
    assert_eq!(
        m.judgement(image(34178)).unwrap().votes.verdict(),
        CrowdVerdict::Both
    );
    assert_eq!(
        m.judgement(image(32417)).unwrap().votes.verdict(),
        CrowdVerdict::NoMajority
    );
}

#[test]
fn rejected_means_fewer_than_three_votes_for_the_original_label() {
    let m = crowd("imagenet_mturk.json");
    // given + both: 293 → 5, 32417 → 3 (accepted at exactly 3), 37383 → 2 (rejected at 2).
    assert!(!m.rejected(image(293)));
    assert!(!m.rejected(image(32417)));
    assert!(m.rejected(image(37383)));
    // both 3 and both 4 count for the original label.
    assert!(!m.rejected(image(34178)));
    assert!(!m.rejected(image(10074)));
    assert!(m.rejected(image(31720)));
    assert!(!m.rejected(image(1)), "an image the crowd did not judge");
    let rejected: Vec<u32> = m.rejected_images().map(|i| i.0).collect();
    assert_eq!(rejected, vec![4698, 23916, 23935, 31720, 37383]);
}

#[test]
fn the_mturk_reader_takes_other_spellings_strings_urls_and_exact_repeats() {
    let m = crowd("mturk_tolerant.json");
    assert_eq!(
        m.len(),
        2,
        "the word-for-word repeat of 4698 is one judgement"
    );
    let j = m.judgement(image(4698)).unwrap();
    assert_eq!(
        (j.given, j.guessed, j.votes.guessed),
        (ClassIndex(5), ClassIndex(6), 5)
    );
    let named = m.judgement(image(31720)).unwrap();
    assert_eq!(named.guessed, ClassIndex(147));
}

#[test]
fn a_given_label_that_is_not_the_original_one_is_warned_about() {
    // ids read as 0-based would misplace every record: the given labels stop agreeing.
    let text = format!("[{}]", record("4697", 5, 6, [0, 5, 0, 0]));
    let Relabeling::Crowd(m) = relabel::read("m.json", text.as_bytes()).unwrap() else {
        panic!("not read as crowd votes");
    };
    let set = crowd_label_set(dataset(), &m);
    assert_eq!(set.warnings.len(), 1);
    assert!(
        set.warnings[0].contains("1 of the 1 judged images")
            && set.warnings[0].contains("ILSVRC2012_val_00004697.JPEG")
            && set.warnings[0].contains("1-based"),
        "{}",
        set.warnings[0]
    );
}

#[test]
fn malformed_mturk_records_are_refused_naming_the_entry() {
    let ok = record("293", 0, 48, [5, 0, 0, 0]);
    let cases: Vec<(String, &[&str])> = vec![
        (record("0", 0, 48, [5, 0, 0, 0]), &["entry 2", "1-based file number", "found 0"]),
        (record("50001", 0, 48, [5, 0, 0, 0]), &["entry 2", "found 50001"]),
        (record("\"abc\"", 0, 48, [5, 0, 0, 0]), &["entry 2", "found 'abc'"]),
        (record("12", 1000, 48, [5, 0, 0, 0]), &["entry 2 (ILSVRC2012_val_00000012.JPEG)", "given_original_label", "0..999", "found 1000"]),
        (record("12", 0, 48, [3, 0, 0, 3]), &["entry 2 (ILSVRC2012_val_00000012.JPEG)", "more than one answer a majority"]),
        (r#"{"id": 12, "given_original_label": 0, "our_guessed_label": 1}"#.into(), &["entry 2", "expected `mturk`"]),
        (r#"{"id": 12, "given_original_label": 0, "our_guessed_label": 1, "mturk": {"given": 5, "guessed": 0, "both": 0}}"#.into(), &["entry 2", "mturk.neither"]),
        (r#"{"id": 12, "given_original_label": 0, "our_guessed_label": 1, "mturk": {"given": -1, "guessed": 0, "both": 0, "neither": 0}}"#.into(), &["entry 2", "mturk.given", "found -1"]),
        (r#"{"id": 12, "given_original_label": 0, "our_guessed_label": 1, "mturk": {"given": 300, "guessed": 0, "both": 0, "neither": 0}}"#.into(), &["entry 2", "found 300"]),
        (r#"{"id": 12, "given_original_label": 0, "our_guessed_label": 1, "mturk": [5, 0, 0, 0]}"#.into(), &["entry 2", "expected `mturk` to be an object"]),
        (r#"{"id": 12, "url": "x/ILSVRC2012_val_00000013.JPEG", "given_original_label": 0, "our_guessed_label": 1, "mturk": {"given": 5, "guessed": 0, "both": 0, "neither": 0}}"#.into(), &["entry 2", "ILSVRC2012_val_00000013.JPEG", "1-based file number"]),
        (r#"{"given_original_label": 0, "our_guessed_label": 1, "mturk": {"given": 5, "guessed": 0, "both": 0, "neither": 0}}"#.into(), &["entry 2", "expected `id`"]),
        (r#""ILSVRC2012_val_00000012.JPEG""#.into(), &["entry 2", "expected a record"]),
        (record("293", 0, 49, [5, 0, 0, 0]), &["entry 2 (ILSVRC2012_val_00000293.JPEG)", "judged again", "entry 1"]),
    ];
    for (second, wanted) in cases {
        let text = format!("[{ok}, {second}]");
        let message = error("imagenet_mturk.json", &text);
        assert!(
            message.starts_with("cleanlab MTurk JSON file, "),
            "{message}"
        );
        for w in wanted {
            assert!(message.contains(w), "{message:?} lacks {w:?}");
        }
    }
}

#[test]
fn the_mistakes_files_read_with_their_model_category_and_severity() {
    let vit = mistakes("vit3b_mistakes.json");
    assert_eq!(vit.model, MistakesModel::Vit3b);
    assert_eq!(vit.model.display_name(), "ViT-3B");
    assert_eq!(vit.len(), 6);
    let m = vit.mistake(image(612)).unwrap();
    assert_eq!(
        (m.prediction, m.category, m.severity),
        (ClassIndex(192), Category::FineGrained, Severity::Minor)
    );
    let kinds = |n: u32| {
        let m = vit.mistake(image(n)).unwrap();
        (m.category, m.severity)
    };
    assert_eq!(
        kinds(3699),
        (Category::FineGrainedOutOfVocabulary, Severity::Minor)
    );
    assert_eq!(
        kinds(3189),
        (Category::NonPrototypical, Severity::Borderline)
    );
    assert_eq!(
        kinds(11933),
        (Category::SpuriousCorrelation, Severity::Major)
    );
    assert_eq!(
        kinds(39424),
        (Category::FineGrainedMultilabel, Severity::Major)
    );
    let major: Vec<u32> = vit
        .matching(None, Some(Severity::Major))
        .map(|m| m.image.0)
        .collect();
    assert_eq!(major, vec![1409, 11933, 39424]);
    let fine_minor: Vec<u32> = vit
        .matching(Some(Category::FineGrained), Some(Severity::Minor))
        .map(|m| m.image.0)
        .collect();
    assert_eq!(fine_minor, vec![612]);
    assert_eq!(vit.size_bytes(), 6 * 8);
}

#[test]
fn category_spellings_and_severity_case_are_normalised() {
    let greedy = mistakes("greedy_soups_mistakes.json");
    assert_eq!(greedy.model, MistakesModel::GreedySoups);
    assert_eq!(greedy.model.display_name(), "Greedy soups");
    let kinds = |n: u32| {
        let m = greedy.mistake(image(n)).unwrap();
        (m.prediction, m.category, m.severity)
    };
    // "Fine-grained with OOV" (the greedy-soups file's spelling) and "Fine-grained error with
    // OOV" (the ViT-3B file's) are one category.
    assert_eq!(
        kinds(3209),
        (
            ClassIndex(444),
            Category::FineGrainedOutOfVocabulary,
            Severity::Major
        )
    );
    assert_eq!(
        kinds(3699),
        (
            ClassIndex(937),
            Category::FineGrainedOutOfVocabulary,
            Severity::Minor
        )
    );
    // A folder and '.jpeg' in the key, the class as a string, "MAJOR".
    assert_eq!(
        kinds(1529),
        (ClassIndex(304), Category::FineGrained, Severity::Major)
    );
    assert_eq!(
        kinds(21458),
        (
            ClassIndex(527),
            Category::SpuriousCorrelation,
            Severity::Borderline
        )
    );
    for (text, want) in [
        ("Fine-grained error", Category::FineGrained),
        ("fine_grained", Category::FineGrained),
        (
            "Fine-grained error with OOV",
            Category::FineGrainedOutOfVocabulary,
        ),
        (
            "Fine-grained with OOV",
            Category::FineGrainedOutOfVocabulary,
        ),
        (
            "fine-grained out of vocabulary",
            Category::FineGrainedOutOfVocabulary,
        ),
        (
            "Fine-grained with Multilabel Options",
            Category::FineGrainedMultilabel,
        ),
        ("Spurious Correlation", Category::SpuriousCorrelation),
        ("spurious correlations", Category::SpuriousCorrelation),
        ("Non-prototypical", Category::NonPrototypical),
        ("NONPROTOTYPICAL", Category::NonPrototypical),
    ] {
        assert_eq!(Category::parse(text), Some(want), "{text}");
    }
    for c in Category::ALL {
        assert_eq!(Category::parse(c.key()), Some(c), "{}", c.key());
        assert_eq!(Category::parse(c.label()), Some(c), "{}", c.label());
    }
    for s in Severity::ALL {
        assert_eq!(Severity::parse(&s.label().to_uppercase()), Some(s));
    }
    assert_eq!(Category::parse("fine"), None);
    assert_eq!(Severity::parse("severe"), None);
}

#[test]
fn the_model_comes_from_the_file_name() {
    assert_eq!(
        MistakesModel::from_file_name("metadata/ViT-3B_mistakes.json"),
        MistakesModel::Vit3b
    );
    assert_eq!(
        MistakesModel::from_file_name("greedy-soup.json"),
        MistakesModel::GreedySoups
    );
    let other = MistakesModel::from_file_name("dir/coca_mistakes.json");
    assert_eq!(other, MistakesModel::Other("coca".into()));
    assert_eq!(other.display_name(), "coca");
}

#[test]
fn mistakes_as_a_list_of_records_naming_their_files_read_too() {
    let text = r#"[{"file_name": "ILSVRC2012_val_00000612.JPEG", "top_prediction": 192,
        "failure_category": "Fine-grained error", "failure_severity": "minor"}]"#;
    let Relabeling::Mistakes(m) = relabel::read("vit3b.json", text.as_bytes()).unwrap() else {
        panic!("not read as mistakes");
    };
    assert_eq!(
        m.mistake(image(612)).unwrap().category,
        Category::FineGrained
    );
}

#[test]
fn malformed_mistakes_are_refused_naming_the_entry() {
    let ok = r#""ILSVRC2012_val_00000612.JPEG": {"top_prediction": 192, "failure category": "Fine-grained error", "failure severity": "Minor"}"#;
    let cases: &[(&str, &[&str])] = &[
        (
            r#""ILSVRC2012_val_00000009.JPEG": {"top_prediction": 1, "failure category": "Confusing", "failure severity": "Minor"}"#,
            &[
                "entry 2 (ILSVRC2012_val_00000009.JPEG)",
                "unknown `failure category` 'Confusing'",
                "Fine-grained error with OOV",
            ],
        ),
        (
            r#""ILSVRC2012_val_00000009.JPEG": {"top_prediction": 1, "failure category": "Non-prototypical", "failure severity": "Huge"}"#,
            &[
                "entry 2 (ILSVRC2012_val_00000009.JPEG)",
                "unknown `failure severity` 'Huge'",
                "Minor, Borderline or Major",
            ],
        ),
        (
            r#""ILSVRC2012_val_00000009.JPEG": {"top_prediction": 1000, "failure category": "Non-prototypical", "failure severity": "Minor"}"#,
            &[
                "entry 2 (ILSVRC2012_val_00000009.JPEG)",
                "top_prediction",
                "found 1000",
            ],
        ),
        (
            r#""ILSVRC2012_val_00000009.JPEG": {"failure category": "Non-prototypical", "failure severity": "Minor"}"#,
            &["entry 2", "expected `top_prediction`"],
        ),
        (
            r#""ILSVRC2012_val_00000009.JPEG": {"top_prediction": 3, "failure severity": "Minor"}"#,
            &["entry 2", "expected `failure category`"],
        ),
        (
            r#""val_00000009.JPEG": {"top_prediction": 3, "failure category": "Non-prototypical", "failure severity": "Minor"}"#,
            &["entry 2 (key 'val_00000009.JPEG')", "file name"],
        ),
        (
            r#""ILSVRC2012_val_00000009.JPEG": [3, "Non-prototypical", "Minor"]"#,
            &[
                "entry 2 (ILSVRC2012_val_00000009.JPEG)",
                "expected an object",
            ],
        ),
        (
            r#""ILSVRC2012_val_00000612.JPEG": {"top_prediction": 193, "failure category": "Fine-grained error", "failure severity": "Minor"}"#,
            &[
                "entry 2 (ILSVRC2012_val_00000612.JPEG)",
                "listed again",
                "entry 1",
            ],
        ),
    ];
    for (second, wanted) in cases {
        let text = format!("{{{ok}, {second}}}");
        let message = error("vit3b_mistakes.json", &text);
        assert!(
            message.starts_with("imagenet-mistakes JSON file, "),
            "{message}"
        );
        for w in *wanted {
            assert!(message.contains(w), "{message:?} lacks {w:?}");
        }
    }
    // A word-for-word repeat is one mistake.
    let Relabeling::Mistakes(m) =
        relabel::read("vit3b_mistakes.json", format!("{{{ok}, {ok}}}").as_bytes()).unwrap()
    else {
        panic!("not read as mistakes");
    };
    assert_eq!(m.len(), 1);
}

#[test]
fn a_file_of_neither_layout_is_refused_naming_both() {
    for text in [
        "[[65], [970, 795]]",
        r#"{"ILSVRC2012_val_00000001.JPEG": [65]}"#,
        "[]",
        "{}",
        "[1, 2, 3]",
        "hello",
        "",
        r#"[{"id": 1, "label": 3}]"#,
    ] {
        let message = error("labels.json", text);
        assert!(
            message.starts_with("relabeling JSON file")
                && message.contains("imagenet_mturk.json")
                && message.contains("imagenet-mistakes"),
            "{text}: {message}"
        );
    }
    let broken = error("x.json", r#"[{"id": 1,"#);
    assert!(
        broken.contains("invalid JSON") && broken.contains("line 1"),
        "{broken}"
    );
    let binary = relabel::read("x.npy", b"\x93NUMPY\x01\x00\xff\xfe").unwrap_err();
    assert!(binary.to_string().contains("not UTF-8"), "{binary}");
}

#[test]
fn a_model_fares_on_the_mistakes_under_original_and_real_labels() {
    let data = dataset();
    let vit = mistakes("vit3b_mistakes.json");
    // The original labels as a model: right under the original label on every image.
    let fare = vit.fare(data, &Predictions::original_labels(data));
    assert_eq!(fare.all.images, 6);
    assert_eq!(fare.all.predicted, 6);
    assert_eq!(fare.all.original_correct, 6);
    let real_scored = vit
        .mistakes()
        .iter()
        .filter(|m| !data.real_labels(m.image).is_empty())
        .count();
    let real_correct = vit
        .mistakes()
        .iter()
        .filter(|m| {
            data.real_labels(m.image)
                .contains(&data.original_label(m.image))
        })
        .count();
    assert_eq!(
        (fare.all.real_scored, fare.all.real_correct),
        (real_scored, real_correct)
    );
    assert_eq!(fare.by_category.len(), Category::ALL.len());
    let category = |fare: &relabel::MistakesFare, c: Category| {
        fare.by_category.iter().find(|(k, _)| *k == c).unwrap().1
    };
    assert_eq!(category(&fare, Category::FineGrained).images, 2);
    assert_eq!(category(&fare, Category::FineGrainedMultilabel).images, 1);
    let severity = |s: Severity| fare.by_severity.iter().find(|(k, _)| *k == s).unwrap().1;
    assert_eq!(
        (
            severity(Severity::Minor).images,
            severity(Severity::Borderline).images,
            severity(Severity::Major).images
        ),
        (2, 1, 3)
    );
    // The mistakes' own model on some images: the same prediction every time, and not the
    // original label; images it has no prediction for count as not predicted.
    let own = vit.fare_with(data, |image| {
        (image.0 != 1409).then(|| vit.mistake(image).map(|m| m.prediction))
    });
    assert_eq!(
        (own.all.images, own.all.predicted, own.all.same_prediction),
        (6, 5, 5)
    );
    assert_eq!(own.all.original_correct, 0);
    assert_eq!(category(&own, Category::FineGrained).predicted, 1);
}
