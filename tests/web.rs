//! Browser tests (wasm-bindgen-test in headless Chromium): the core in wasm, and the page
//! mounted, given a file, and read back.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use real_core::{Dataset, LoadOptions};
use real_explorer::App;
use wasm_bindgen::JsCast;
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
