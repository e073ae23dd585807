//! Browser tests (wasm-bindgen-test in headless Chromium): the core in wasm, and the page
//! mounted, given a file, and read back.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use real_core::{ClassConvention, Dataset, ImageId, LabelSet, LoadOptions, Predictions, RowOrder};
use real_explorer::persist::{self, StorageError};
use real_explorer::App;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &[u8] = include_bytes!("fixtures/top5_u2_be_fortran.npy");

/// Waits one macrotask, so promises (file reads) and effects can settle.
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

async fn wait_for(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    for _ in 0..200 {
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found;
        }
        pause(25).await;
    }
    panic!("{selector} never appeared");
}

fn give_file(input: &web_sys::HtmlInputElement, name: &str, bytes: &[u8]) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap();
    let transfer = web_sys::DataTransfer::new().unwrap();
    transfer.items().add_with_file(&file).unwrap();
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
fn core_decodes_and_evaluates_in_wasm() {
    let dataset = Dataset::embedded().unwrap();
    let facts = dataset.facts();
    assert_eq!(
        (facts.scored, facts.excluded, facts.multi_label),
        (46_837, 3_163, 7_443)
    );
    let (p, r) = real_core::evaluate(&dataset, FIXTURE, &LoadOptions::default()).unwrap();
    assert_eq!(p.k, 5);
    assert_eq!(r.original(1).unwrap().correct, 6);
}

#[wasm_bindgen_test]
async fn page_evaluates_a_given_file_and_survives_a_bad_one() {
    let document = document();
    let root = document.create_element("section").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    // The test server does not serve the data file beside the wasm: hand it over.
    real_explorer::data::supply(real_core::dataset::EMBEDDED.to_vec());
    let _mounted = leptos::mount::mount_to(root.clone().unchecked_into(), App);

    let facts = wait_for(&root, "[data-testid=fact-scored]").await;
    assert_eq!(facts.text_content().unwrap(), "46,837");
    // The test server has no worker script: the page learns that no worker can run here (its
    // first one fails to start) before it is given a file, and evaluates on its own thread. A
    // file given before that would fail instead, as a file waiting for a broken worker does.
    pause(300).await;

    let input: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=predictions-input]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    give_file(&input, "fixture.npy", FIXTURE);
    let real = wait_for(&root, "[data-testid=real-top1]").await;
    let original = root
        .query_selector("[data-testid=original-top1]")
        .unwrap()
        .unwrap();
    // Images 1..8: 6 right under the original labels.
    assert_eq!(original.text_content().unwrap(), "75.00%");
    let sub = root.query_selector(".results h2 .sub").unwrap().unwrap();
    assert!(!sub.text_content().unwrap().contains("in a worker"));
    let real_before = real.text_content().unwrap();
    assert!(real_before.ends_with('%'));

    give_file(&input, "broken.npy", &FIXTURE[..FIXTURE.len() - 5]);
    let error = wait_for(&root, "[data-testid=load-error]").await;
    assert!(error
        .text_content()
        .unwrap()
        .contains("broken.npy could not be read"));
    let real_after = root
        .query_selector("[data-testid=real-top1]")
        .unwrap()
        .unwrap();
    assert_eq!(
        real_after.text_content().unwrap(),
        real_before,
        "the earlier figures stay"
    );
}

// Keeping models and label sets in IndexedDB. The tests run one at a time (wasm-bindgen-test
// runs browser tests sequentially) and each starts from an empty store.

const TOP1: &[u8] = include_bytes!("fixtures/top1_i8.npy");

fn assert_same_predictions(a: &Predictions, b: &Predictions) {
    assert_eq!(a.format, b.format);
    assert_eq!((a.order, a.convention), (b.order, b.convention));
    assert_eq!(a.detection, b.detection);
    assert_eq!((a.k, a.rows_in_file), (b.k, b.rows_in_file));
    assert_eq!(a.images, b.images);
    assert_eq!(a.classes, b.classes);
    assert_eq!(a.scores, b.scores);
    assert_eq!(a.warnings, b.warnings);
    for number in 1..=ImageId::COUNT as u32 {
        assert_eq!(a.row_of(ImageId(number)), b.row_of(ImageId(number)));
    }
}

fn partial_label_set() -> LabelSet {
    let dataset = Dataset::embedded().unwrap();
    real_core::labels::read(
        br#"{"ILSVRC2012_val_00000001.JPEG": [65, 58], "ILSVRC2012_val_00000003.JPEG": []}"#,
        &dataset,
        "mine",
        "mine.json",
    )
    .unwrap()
}

/// Waits for a raw IndexedDB request, for the tests that reach past the module.
async fn settle(request: &web_sys::IdbRequest) -> JsValue {
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    wasm_bindgen_futures::JsFuture::from(done).await.unwrap();
    request.result().unwrap()
}

/// The page's database, opened directly (at its current version, or at `version`).
async fn raw_database(version: Option<u32>) -> web_sys::IdbDatabase {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let request = match version {
        Some(v) => factory.open_with_u32(persist::DATABASE, v),
        None => factory.open(persist::DATABASE),
    }
    .unwrap();
    settle(&request).await.unchecked_into()
}

async fn delete_database() {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    settle(&factory.delete_database(persist::DATABASE).unwrap()).await;
}

#[wasm_bindgen_test]
async fn saved_models_and_label_sets_come_back_renamed_and_removed() {
    persist::forget_all().await.unwrap();
    let dataset = Dataset::embedded().unwrap();
    let (top5, _) = real_core::evaluate(&dataset, FIXTURE, &LoadOptions::default()).unwrap();
    let forced = LoadOptions {
        order: Some(RowOrder::Filename),
        convention: Some(ClassConvention::SortedWnid),
    };
    let (top1, _) = real_core::evaluate(&dataset, TOP1, &forced).unwrap();
    let partial = partial_label_set();
    let real = LabelSet::real(&dataset);

    let a = persist::save_model("top-5", "top5.npy", 208.0, LoadOptions::default(), &top5)
        .await
        .unwrap();
    let b = persist::save_model("top-1", "top1.npy", 192.0, forced, &top1)
        .await
        .unwrap();
    let mine = persist::save_label_set("Mine", &partial).await.unwrap();
    let real_key = persist::save_label_set("ReaL copy", &real).await.unwrap();
    assert!(a < b, "keys grow in save order");

    let (models, label_sets, problems) = persist::restore().await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(models.len(), 2);
    let (first, second) = (&models[0], &models[1]);
    assert_eq!((first.key, first.name.as_str()), (a, "top-5"));
    assert_eq!(
        (first.file_name.as_str(), first.size_bytes),
        ("top5.npy", 208.0)
    );
    assert_eq!(first.options, LoadOptions::default());
    assert_same_predictions(&first.predictions, &top5);
    assert_eq!((second.key, second.name.as_str()), (b, "top-1"));
    assert_eq!(second.options, forced);
    assert_same_predictions(&second.predictions, &top1);
    assert_eq!(label_sets.len(), 2);
    assert_eq!(
        (label_sets[0].key, label_sets[0].name.as_str()),
        (mine, "Mine")
    );
    assert_eq!(label_sets[0].set, partial);
    assert_eq!(label_sets[1].key, real_key);
    assert_eq!(label_sets[1].set, real);

    persist::rename_model(a, "renamed").await.unwrap();
    persist::rename_label_set(mine, "Mine, renamed")
        .await
        .unwrap();
    assert_eq!(
        persist::rename_model(9_999, "nobody").await,
        Err(StorageError::NotFound { key: 9_999 })
    );
    persist::remove_model(b).await.unwrap();
    persist::remove_label_set(real_key).await.unwrap();
    persist::remove_model(b).await.unwrap();
    let (models, label_sets, problems) = persist::restore().await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(models.len(), 1);
    assert_eq!((models[0].key, models[0].name.as_str()), (a, "renamed"));
    assert_same_predictions(&models[0].predictions, &top5);
    assert_eq!(label_sets.len(), 1);
    assert_eq!(label_sets[0].name, "Mine, renamed");
    assert_eq!(
        label_sets[0].set.key, "mine",
        "renaming never changes the key"
    );

    persist::forget_all().await.unwrap();
    let (models, label_sets, problems) = persist::restore().await.unwrap();
    assert!(models.is_empty() && label_sets.is_empty() && problems.is_empty());
}

#[wasm_bindgen_test]
async fn an_unreadable_record_is_reported_and_removed_not_fatal() {
    persist::forget_all().await.unwrap();
    let dataset = Dataset::embedded().unwrap();
    let (top5, _) = real_core::evaluate(&dataset, FIXTURE, &LoadOptions::default()).unwrap();
    let good = persist::save_model("good", "good.npy", 1.0, LoadOptions::default(), &top5)
        .await
        .unwrap();
    let bad = persist::save_model("bad", "bad.npy", 1.0, LoadOptions::default(), &top5)
        .await
        .unwrap();
    let old = persist::save_label_set("old", &partial_label_set())
        .await
        .unwrap();

    // Flip a bit in one model's bytes, and mark the label set as another version's.
    let database = raw_database(None).await;
    let read = database
        .transaction_with_str_sequence(&js_sys::Array::of2(&"models".into(), &"label_sets".into()))
        .unwrap();
    let model = settle(
        &read
            .object_store("models")
            .unwrap()
            .get(&bad.into())
            .unwrap(),
    )
    .await;
    let labels = settle(
        &read
            .object_store("label_sets")
            .unwrap()
            .get(&old.into())
            .unwrap(),
    )
    .await;
    let blob: js_sys::Uint8Array = js_sys::Reflect::get(&model, &"blob".into())
        .unwrap()
        .unchecked_into();
    let mut bytes = blob.to_vec();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    js_sys::Reflect::set(
        &model,
        &"blob".into(),
        &js_sys::Uint8Array::from(&bytes[..]),
    )
    .unwrap();
    js_sys::Reflect::set(&labels, &"schema".into(), &JsValue::from(99)).unwrap();
    let write = database
        .transaction_with_str_sequence_and_mode(
            &js_sys::Array::of2(&"models".into(), &"label_sets".into()),
            web_sys::IdbTransactionMode::Readwrite,
        )
        .unwrap();
    let models_store = write.object_store("models").unwrap();
    settle(&models_store.put_with_key(&model, &bad.into()).unwrap()).await;
    let labels_store = write.object_store("label_sets").unwrap();
    settle(&labels_store.put_with_key(&labels, &old.into()).unwrap()).await;
    database.close();

    let (models, label_sets, problems) = persist::restore().await.unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].key, good);
    assert_same_predictions(&models[0].predictions, &top5);
    assert!(label_sets.is_empty());
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0]
            .starts_with("The saved model “bad” could not be read (the saved copy is damaged"),
        "{problems:?}"
    );
    assert_eq!(
        problems[1],
        "The saved label set “old” was saved by another version of the page and cannot be read here; it was removed."
    );
    // They were removed: the notice does not come back.
    let (models, _, problems) = persist::restore().await.unwrap();
    assert_eq!(models.len(), 1);
    assert!(problems.is_empty(), "{problems:?}");
    persist::forget_all().await.unwrap();
}

#[wasm_bindgen_test]
async fn a_database_of_a_newer_page_is_refused_not_fatal() {
    persist::forget_all().await.unwrap();
    raw_database(Some(persist::DATABASE_VERSION + 1))
        .await
        .close();
    let dataset = Dataset::embedded().unwrap();
    let (top5, _) = real_core::evaluate(&dataset, FIXTURE, &LoadOptions::default()).unwrap();
    let refused = persist::save_model("m", "m.npy", 1.0, LoadOptions::default(), &top5).await;
    assert_eq!(refused, Err(StorageError::NewerVersion));
    assert!(matches!(
        persist::restore().await,
        Err(StorageError::NewerVersion)
    ));
    assert!(StorageError::NewerVersion.to_string().ends_with('.'));
    delete_database().await;
    persist::save_model("m", "m.npy", 1.0, LoadOptions::default(), &top5)
        .await
        .unwrap();
    persist::forget_all().await.unwrap();
}

#[wasm_bindgen_test]
async fn an_open_that_hangs_times_out_and_storage_recovers() {
    persist::forget_all().await.unwrap();
    console_log!("step 1");
    // A connection that ignores the request to close holds up a deletion, and every open
    // queued behind it.
    let holder = raw_database(None).await;
    console_log!("step 4");
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    console_log!("step 5");
    let deletion = factory.delete_database(persist::DATABASE).unwrap();
    console_log!("step 6");
    let started = js_sys::Date::now();
    console_log!("step 7");
    let stuck = persist::restore().await;
    console_log!("step 8");
    let waited = js_sys::Date::now() - started;
    console_log!("step 9");
    assert!(matches!(stuck, Err(StorageError::TimedOut)), "{stuck:?}");
    console_log!("step 10");
    assert!((2_500.0..6_000.0).contains(&waited), "{waited} ms");
    console_log!("step 11");
    // Once let go, the deletion and the late open go through, and the page can save again.
    holder.close();
    console_log!("step 13");
    settle(&deletion).await;
    console_log!("step 14");
    pause(100).await;
    console_log!("step 15");
    let dataset = Dataset::embedded().unwrap();
    console_log!("step 16");
    let (top5, _) = real_core::evaluate(&dataset, FIXTURE, &LoadOptions::default()).unwrap();
    console_log!("step 17");
    persist::save_model("m", "m.npy", 1.0, LoadOptions::default(), &top5)
        .await
        .unwrap();
    let (models, _, _) = persist::restore().await.unwrap();
    console_log!("step 21");
    assert_eq!(models.len(), 1);
    console_log!("step 22");
    persist::forget_all().await.unwrap();
    console_log!("step 23");
}

#[wasm_bindgen_test]
fn a_full_disk_and_other_refusals_read_as_one_sentence() {
    let exception = |name: &str| {
        web_sys::DomException::new_with_message_and_name("the browser said no", name).unwrap()
    };
    assert_eq!(
        StorageError::from(&exception("QuotaExceededError")),
        StorageError::Full
    );
    assert_eq!(
        StorageError::from(&exception("VersionError")),
        StorageError::NewerVersion
    );
    let other = StorageError::from(&exception("UnknownError"));
    assert_eq!(
        other,
        StorageError::Failed("UnknownError: the browser said no".into())
    );
    for error in [
        StorageError::Unavailable,
        StorageError::Blocked,
        StorageError::TimedOut,
        StorageError::Full,
        StorageError::NewerVersion,
        StorageError::NotFound { key: 3 },
        other,
    ] {
        let text = error.to_string();
        assert!(text.ends_with('.'), "{text}");
        assert_eq!(text.matches(". ").count(), 0, "one sentence: {text}");
    }
}

#[wasm_bindgen_test]
async fn a_database_of_the_first_version_is_upgraded_and_keeps_its_models() {
    delete_database().await;
    // Version 1 as an earlier page made it: models and label sets, no extras.
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let request = factory.open_with_u32(persist::DATABASE, 1).unwrap();
    let upgrading = request.clone();
    let on_upgrade = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        let database: web_sys::IdbDatabase = upgrading.result().unwrap().unchecked_into();
        for name in ["models", "label_sets"] {
            let parameters = web_sys::IdbObjectStoreParameters::new();
            parameters.set_auto_increment(true);
            database
                .create_object_store_with_optional_parameters(name, &parameters)
                .unwrap();
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let database: web_sys::IdbDatabase = settle(&request).await.unchecked_into();
    database.close();
    drop(on_upgrade);
    let dataset = Dataset::embedded().unwrap();
    let (top5, _) = real_core::evaluate(&dataset, FIXTURE, &LoadOptions::default()).unwrap();
    persist::save_model("m", "m.npy", 1.0, LoadOptions::default(), &top5)
        .await
        .unwrap();
    // The upgrade made the store of extras: evidence and relabelings are kept and come back.
    persist::save_evidence(b"evidence bytes").await.unwrap();
    persist::save_relabeling("imagenet_mturk.json", b"[]")
        .await
        .unwrap();
    persist::save_evidence(b"newer evidence").await.unwrap();
    let (evidence, relabelings) = persist::restore_extras().await.unwrap();
    assert_eq!(evidence.as_deref(), Some(&b"newer evidence"[..]));
    assert_eq!(
        relabelings,
        vec![("imagenet_mturk.json".to_string(), b"[]".to_vec())]
    );
    let (models, _, problems) = persist::restore().await.unwrap();
    assert_eq!(models.len(), 1);
    assert!(problems.is_empty(), "{problems:?}");
    persist::forget_all().await.unwrap();
    let (evidence, relabelings) = persist::restore_extras().await.unwrap();
    assert!(
        evidence.is_none() && relabelings.is_empty(),
        "forget all forgets them too"
    );
}

// What a link may download, and how much.

fn response_of(bytes: &[u8]) -> web_sys::Response {
    web_sys::Response::new_with_opt_u8_array(Some(&mut bytes.to_vec())).unwrap()
}

async fn bytes_of(file: &web_sys::File) -> Vec<u8> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .unwrap();
    js_sys::Uint8Array::new(&buffer).to_vec()
}

#[wasm_bindgen_test]
fn links_name_https_or_this_site_only() {
    use real_explorer::download::accept;
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    assert_eq!(
        accept("files/top1.json").unwrap(),
        format!("{origin}/files/top1.json")
    );
    assert!(accept("https://example.org/top1.json").is_ok());
    for refused in [
        "http://example.org/top1.json",
        "data:application/json,[1]",
        "javascript:alert(1)",
        "file:///etc/passwd",
        &format!("blob:{origin}/0b1c2d3e-0000-4000-8000-000000000000"),
    ] {
        let message = accept(refused).unwrap_err();
        assert!(
            message.contains("only https:// addresses"),
            "{refused}: {message}"
        );
        assert!(message.contains(refused), "{refused}: {message}");
    }
}

#[wasm_bindgen_test]
async fn a_download_within_the_cap_becomes_a_file_with_progress() {
    use std::cell::RefCell;
    let seen = RefCell::new(Vec::new());
    let body: Vec<u8> = (0..=255).cycle().take(5000).collect();
    let control = web_sys::AbortController::new().unwrap();
    let file =
        real_explorer::download::read(&response_of(&body), 5000, "x.npy", &control, &|r, t| {
            seen.borrow_mut().push((r, t))
        })
        .await
        .unwrap();
    assert_eq!(file.name(), "x.npy");
    assert_eq!(bytes_of(&file).await, body);
    assert_eq!(seen.borrow().last().map(|s| s.0), Some(5000.0));
}

#[wasm_bindgen_test]
async fn a_download_past_the_cap_is_stopped() {
    use real_explorer::download::{read, Failure};
    let body = vec![7u8; 5000];
    let control = web_sys::AbortController::new().unwrap();
    let failure = read(&response_of(&body), 4999, "x.npy", &control, &|_, _| {})
        .await
        .unwrap_err();
    assert_eq!(
        failure,
        Failure::Failed("it passed 4999 bytes, the most the page accepts, and was stopped".into())
    );
    // Announced too large: refused before the body is read.
    let response = response_of(&body);
    response
        .headers()
        .set("content-length", "3000000000")
        .unwrap();
    let failure = read(&response, 1 << 30, "x.npy", &control, &|_, _| {})
        .await
        .unwrap_err();
    assert_eq!(
        failure,
        Failure::Failed("it is 3000.0 MB, more than the 1 GiB the page accepts".into())
    );
}

#[wasm_bindgen_test]
fn predictions_cross_to_the_page_with_every_score_and_agreement_intact() {
    use real_core::detect::{Candidate, Detection};
    use real_explorer::worker_protocol::{done, done_parts};
    let dataset = Dataset::embedded().unwrap();
    let (predictions, _) = real_core::evaluate(&dataset, FIXTURE, &LoadOptions::default()).unwrap();
    let mut parts = predictions.into_parts();
    let rows = parts.images.len() * parts.header.k;
    let awkward = [
        f32::NAN.to_bits(),
        0x7fa0_0001,
        0xffc0_0000,
        f32::INFINITY.to_bits(),
        f32::NEG_INFINITY.to_bits(),
        0x8000_0000,
        1,
    ];
    let scores: Vec<f32> = (0..rows)
        .map(|i| f32::from_bits(awkward[i % awkward.len()]))
        .collect();
    parts.scores = Some(scores.clone());
    parts.header.detection = Some(Detection {
        candidates: vec![
            Candidate {
                order: RowOrder::Filename,
                convention: ClassConvention::SortedWnid,
                agreement: f64::NAN,
            },
            Candidate {
                order: RowOrder::Imagefolder,
                convention: ClassConvention::TfSlim1001,
                agreement: f64::NEG_INFINITY,
            },
        ],
        clear: false,
        overridden: false,
    });
    let predictions = Predictions::from_parts(parts).unwrap();
    let (message, _) = done(7, predictions, 12.5);
    // The structured clone a postMessage makes.
    let clone: js_sys::Function =
        js_sys::Reflect::get(&js_sys::global(), &"structuredClone".into())
            .unwrap()
            .unchecked_into();
    let cloned = clone.call1(&JsValue::NULL, &message).unwrap();
    let (again, elapsed) = done_parts(&cloned).unwrap();
    assert_eq!(elapsed, 12.5);
    let again = again.into_parts();
    let bits: Vec<u32> = again.scores.unwrap().iter().map(|s| s.to_bits()).collect();
    let want: Vec<u32> = scores.iter().map(|s| s.to_bits()).collect();
    assert_eq!(bits, want);
    let agreements: Vec<u64> = again
        .header
        .detection
        .unwrap()
        .candidates
        .iter()
        .map(|c| c.agreement.to_bits())
        .collect();
    assert_eq!(
        agreements,
        vec![f64::NAN.to_bits(), f64::NEG_INFINITY.to_bits()]
    );
}
