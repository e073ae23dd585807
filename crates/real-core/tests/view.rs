//! Links: every view survives Display → FromStr; damaged links open the nearest view.

use real_core::cases::{CaseFilter, CaseSort, LabelCount};
use real_core::metrics::Outcome;
use real_core::view::{ModelRef, SharedPrediction};
use real_core::{ClassConvention, ClassIndex, ImageId, Page, RowOrder, View};

fn views() -> Vec<View> {
    vec![
        View::default(),
        View {
            page: Page::Cases,
            filter: CaseFilter {
                outcome: Some(Outcome::RealOnly),
                ..Default::default()
            },
            ..Default::default()
        },
        View {
            page: Page::Cases,
            filter: CaseFilter {
                original_not_in_real: true,
                labels: Some(LabelCount::AtLeast(2)),
                original: Some(ClassIndex(0)),
                real: Some(ClassIndex(999)),
                predicted: Some(ClassIndex(517)),
                pair: Some((ClassIndex(836), ClassIndex(837))),
                outcome: Some(Outcome::Excluded),
                versus: Some(real_core::cases::Versus::BOnly),
                contested: false,
                crowd_rejected: true,
                mistake: Some(real_core::relabel::Category::SpuriousCorrelation),
                severity: Some(real_core::relabel::Severity::Major),
            },
            sort: CaseSort::ConfidenceLow,
            ..Default::default()
        },
        View {
            page: Page::Cases,
            filter: CaseFilter {
                contested: true,
                ..Default::default()
            },
            sort: CaseSort::Contested,
            threshold: "0.9".parse().unwrap(),
            evidence: Some("http://127.0.0.1:8080/evidence/".into()),
            ..Default::default()
        },
        View {
            page: Page::Image,
            image: Some(ImageId(50_000)),
            models: vec![
                ModelRef {
                    name: "resnet50 (tv) & friends/ü.npy".into(),
                    top: vec![
                        SharedPrediction {
                            class: ClassIndex(65),
                            score: Some(0.6016),
                        },
                        SharedPrediction {
                            class: ClassIndex(219),
                            score: None,
                        },
                    ],
                },
                ModelRef {
                    name: "vit, b=16".into(),
                    top: vec![SharedPrediction {
                        class: ClassIndex(1),
                        score: Some(-0.25),
                    }],
                },
                ModelRef::named("no predictions here"),
            ],
            label_sets: vec!["real@0.90".into(), "my labels-2".into()],
            predictions: Some("https://example.org/preds?x=1&y=2#frag".into()),
            order: Some(RowOrder::Imagefolder),
            classes: Some(ClassConvention::TfSlim1001),
            ..Default::default()
        },
        View {
            page: Page::Pairs,
            ..Default::default()
        },
        View {
            page: Page::Multi,
            filter: CaseFilter {
                labels: Some(LabelCount::Exactly(3)),
                ..Default::default()
            },
            ..Default::default()
        },
        View {
            page: Page::Published,
            ..Default::default()
        },
    ]
}

#[test]
fn every_view_round_trips() {
    for view in views() {
        let link = view.to_string();
        let back: View = link.parse().unwrap_or_else(|e| panic!("{link}: {e}"));
        assert_eq!(back, view, "{link}");
    }
    assert_eq!(View::default().to_string(), "");
}

#[test]
fn the_threshold_reads_in_hundredths_and_0_80_stays_out_of_links() {
    let view: View = "?t=0.9&contested=1&sort=contested".parse().unwrap();
    assert_eq!(view.threshold.to_string(), "0.90");
    assert!(view.filter.contested);
    assert_eq!(view.sort, CaseSort::Contested);
    assert_eq!(view.to_string(), "?contested=1&sort=contested&t=0.90");
    let real: View = "?t=0.80".parse().unwrap();
    assert_eq!(real.to_string(), "");
    for bad in ["?t=0.4", "?t=1", "?t=0.905", "?evidence=file:///etc/"] {
        let (_, errors) = View::parse_lenient(bad);
        assert_eq!(errors.len(), 1, "{bad}");
    }
    // The threshold and the evidence location follow every link to another page.
    let on = view.on_page(Page::Leaderboard);
    assert_eq!(on.threshold, view.threshold);
}

#[test]
fn links_read_as_documented() {
    let view: View = "?page=cases&outcome=real-only&labels=2%2B&pair=837-836&sort=confidence"
        .parse()
        .unwrap();
    assert_eq!(view.page, Page::Cases);
    assert_eq!(view.filter.outcome, Some(Outcome::RealOnly));
    assert_eq!(view.filter.labels, Some(LabelCount::AtLeast(2)));
    assert_eq!(
        view.filter.pair,
        Some((ClassIndex(836), ClassIndex(837))),
        "pairs are stored in order"
    );
    assert_eq!(view.sort, CaseSort::ConfidenceHigh);
    let view: View = "?page=published".parse().unwrap();
    assert_eq!(view.page, Page::Published);
    let view: View = "page=image&image=7&top=65:0.5,3&model=my+model"
        .parse()
        .unwrap();
    assert_eq!(view.image, Some(ImageId(7)));
    assert_eq!(view.models[0].name, "my model");
    assert_eq!(
        view.models[0].top[1],
        SharedPrediction {
            class: ClassIndex(3),
            score: None
        }
    );
}

#[test]
fn bad_parameters_are_rejected_strictly_and_forgiven_leniently() {
    let rejected = [
        "?page=nowhere",
        "?outcome=sometimes",
        "?labels=many",
        "?original=1000",
        "?real=-1",
        "?pair=5",
        "?pair=5-5",
        "?sort=random",
        "?image=0",
        "?image=50001",
        "?top=65:abc",
        "?top=1000",
        "?predictions=javascript:alert(1)",
        "?order=sideways",
        "?classes=0based",
        "?unknown=1",
        "?page=image",
        "?versus=sometimes",
        "?set=a&set=b&set=c",
    ];
    for link in rejected {
        assert!(link.parse::<View>().is_err(), "{link} should be rejected");
        let (view, errors) = View::parse_lenient(link);
        assert!(!errors.is_empty(), "{link}");
        assert_ne!(
            view.page,
            Page::Image,
            "{link}: no image page without an image"
        );
    }
    // The nearest sensible view keeps what was understood.
    let (view, errors) = View::parse_lenient("?page=image&outcome=sometimes&original=3");
    assert_eq!(view.page, Page::Cases);
    assert_eq!(view.filter.original, Some(ClassIndex(3)));
    assert_eq!(errors.len(), 2);
    assert!(errors[0].to_string().contains("'outcome=sometimes'"));
    // Forgiven: empty parts, a leading '?', percent escapes, '+' for space, a bad escape.
    let (view, errors) = View::parse_lenient("?&&page=cases&&model=a%20b+c%zz");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(view.models[0].name, "a b c%zz");
}

#[test]
fn a_deep_link_to_the_multi_object_page_lists_multi_object_images() {
    let view: View = "?page=multi".parse().unwrap();
    assert_eq!(view.filter.labels, Some(LabelCount::AtLeast(2)));
}

#[test]
fn links_made_before_several_models_keep_opening() {
    let old = "?page=image&image=8&model=resnet50.npy&top=65:0.61,219";
    let view: View = old.parse().unwrap();
    assert_eq!(view.models.len(), 1);
    assert_eq!(view.models[0].name, "resnet50.npy");
    assert_eq!(view.models[0].top.len(), 2);
    assert_eq!(view.to_string(), old);
    let two: View = "?page=compare&model=a.npy&model=b.npy&set=real&versus=a-only"
        .parse()
        .unwrap();
    assert_eq!(two.page, Page::Compare);
    assert_eq!(two.models.len(), 2);
    assert_eq!(two.filter.versus, Some(real_core::cases::Versus::AOnly));
}

#[test]
fn links_to_other_pages_keep_the_models_and_label_sets() {
    let view: View = "?page=image&image=8&model=a&top=1,2&model=b&top=3&set=relabel&set=real&outcome=both&predictions=https://x.org/p.npy"
        .parse()
        .unwrap();
    let cases = view.cases(real_core::cases::CaseFilter {
        original: Some(ClassIndex(3)),
        ..Default::default()
    });
    assert_eq!(cases.page, Page::Cases);
    assert_eq!(
        cases
            .models
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(
        cases.models.iter().all(|m| m.top.is_empty()),
        "only image links carry top-k"
    );
    assert_eq!(cases.label_sets, ["relabel", "real"]);
    assert_eq!(cases.filter.outcome, None);
    assert_eq!(cases.image, None);
    assert_eq!(cases.predictions.as_deref(), Some("https://x.org/p.npy"));
}

#[test]
fn percent_escapes_take_exactly_two_hex_digits() {
    use real_core::view::decode;
    assert_eq!(decode("%41%2b"), "A+");
    assert_eq!(decode("a+b"), "a b");
    // A sign is no hex digit: "%+5" stays as written (the '+' still reads as a space).
    assert_eq!(decode("%+5"), "% 5");
    assert_eq!(decode("%-5x"), "%-5x");
    assert_eq!(decode("%4"), "%4");
    assert_eq!(decode("%"), "%");
    assert_eq!(decode("%zz%4g"), "%zz%4g");
    assert_eq!(decode("%e2%82%ac"), "€");
}

#[test]
fn a_link_of_many_bad_parameters_gives_three_short_notices() {
    let query: String = (0..5000).map(|i| format!("page=x{i}&")).collect();
    let (view, errors) = real_core::View::parse_lenient(&query);
    assert_eq!(view, real_core::View::default());
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[2].omitted, 4997);
    assert!(errors[2]
        .to_string()
        .ends_with("(and 4,997 more parameters not understood)"));
    // A value of 100,000 characters is quoted short, with its control characters escaped.
    let long = format!("page={}%1b", "%25".repeat(100_000));
    let (_, errors) = real_core::View::parse_lenient(&long);
    let text = errors[0].to_string();
    assert!(text.chars().count() < 200, "{text}");
    assert!(!text.chars().any(char::is_control), "{text}");
}
