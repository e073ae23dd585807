//! What the whole page shares: one small `Copy` struct of signals, provided as context.

use crate::hub::Hub;
use crate::images::ImageSource;
use crate::load::{Evaluation, LoadError};
use leptos::prelude::*;
use real_core::cases::{self, Case, Judges, Versus};
use real_core::labels;
use real_core::metrics::Outcome;
use real_core::pairs::{self, Pair};
use real_core::scores;
use real_core::view::ModelRef;
use real_core::{Dataset, View};
use std::sync::Arc;

/// The page's shared state.
#[derive(Clone, Copy)]
pub struct Explorer {
    /// The ImageNet data, decoded once.
    pub dataset: StoredValue<Arc<Dataset>>,
    /// The view on screen; the URL mirrors it.
    pub view: RwSignal<View>,
    /// Every loaded model and label set, with their cached figures.
    pub hub: RwSignal<Hub>,
    /// The model on screen: the first the view names that is loaded, else the first loaded.
    pub evaluation: Memo<Option<Evaluation>>,
    /// The last failed load.
    pub error: RwSignal<Option<LoadError>>,
    /// Progress of a load under way.
    pub progress: RwSignal<Option<Progress>>,
    /// Counts "forget all": a load under way when it changes is cancelled, so that nothing
    /// forgotten arrives (and is kept) afterwards.
    pub forgotten: RwSignal<u32>,
    /// Things a link or a load could not do, shown until dismissed.
    pub notices: RwSignal<Vec<String>>,
    /// Where images come from.
    pub images: RwSignal<ImageSource, LocalStorage>,
    /// A file given as predictions whose content proves it holds labels, offered as such.
    pub label_offer: RwSignal<Option<web_sys::File>, LocalStorage>,
    /// The last label file that could not be read.
    pub labels_error: RwSignal<Option<LoadError>>,
    /// Whether what earlier visits kept is being restored.
    pub restoring: RwSignal<bool>,
    /// Ranked class pairs, computed on first use.
    pub pairs: StoredValue<Option<Arc<Vec<Pair>>>>,
    /// The cases of the current filter and sort.
    pub cases: Memo<Arc<Vec<Case>>>,
    /// Progress of a rater file being read.
    pub evidence_progress: RwSignal<Option<Progress>>,
    /// Why the rater files could not be loaded.
    pub evidence_error: RwSignal<Option<String>>,
    /// The most the worker's memory grew to read a rater file, in bytes (for the benchmark).
    pub evidence_memory: RwSignal<f64>,
    /// The published relabeling being downloaded.
    pub relabel_progress: RwSignal<Option<String>>,
    /// Why a relabeling could not be loaded.
    pub relabel_error: RwSignal<Option<String>>,
    /// Where the case list was left: the selected case, so that coming back from an image
    /// (Esc, Back or the tab) finds the same row at the same place on screen.
    pub case_cursor: StoredValue<Option<CaseCursor>>,
}

/// The case last selected in the list and where its row sat in the window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CaseCursor {
    /// The selected case.
    pub image: real_core::ImageId,
    /// Pixels from the top of the window to the top of its row.
    pub offset_px: f64,
}

/// A shared value compared by identity, so that a memo of it changes only when it is
/// replaced (comparing the evidence field by field would walk 185,000 candidates).
#[derive(Clone, Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A load under way.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// The file or URL being loaded.
    pub name: String,
    /// What is happening, e.g. "reading" or "evaluating".
    pub stage: String,
    /// Fraction done, when known.
    pub fraction: Option<f64>,
}

/// A download under way.
#[derive(Clone, Debug, PartialEq)]
pub struct Download {
    /// The file being downloaded.
    pub name: String,
    /// Bytes received so far.
    pub received: f64,
    /// Bytes in all, when the host says.
    pub total: Option<f64>,
}

impl Explorer {
    /// Creates the state and mirrors the view into the URL.
    pub fn new(dataset: Arc<Dataset>) -> Self {
        let (view, errors) = View::parse_lenient(&location_search());
        let notices = errors
            .iter()
            .map(|e| format!("{e}; showing the nearest view instead."))
            .collect();
        let view = RwSignal::new(view);
        let hub = RwSignal::new(Hub::new(&dataset));
        let stored = StoredValue::new(dataset);
        let named = Memo::new(move |_| {
            view.with(|v| {
                (
                    v.models.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
                    v.label_sets.clone(),
                )
            })
        });
        let evaluation = Memo::new(move |_| {
            let (models, _) = named.get();
            hub.with(|h| {
                models
                    .iter()
                    .find_map(|name| h.model_named(name))
                    .or_else(|| h.models.first())
                    .cloned()
            })
        });
        // Only the filter, the sort and the models select cases: moving between images or
        // pages must not walk the 50,000 images again.
        let selection = Memo::new(move |_| view.with(|v| (v.filter, v.sort, v.threshold)));
        // The evidence, for the contested filter and order: a new load selects again.
        let evidence = Memo::new(move |_| hub.with(|h| h.evidence.clone().map(Shared)));
        let cases = Memo::new(move |_| {
            let (filter, sort, threshold) = selection.get();
            let evidence = evidence.get();
            let (models, sets) = named.get();
            let evaluation = evaluation.get();
            let predictions = evaluation.as_ref().map(|e| e.predictions.as_ref());
            let data = stored.get_value();
            // The paired-table cell of each image, when the filter asks for one: models A
            // and B of the view under its judging label set.
            let cells = filter.versus.and_then(|_| {
                hub.with(|h| {
                    let named = View {
                        models: models.iter().map(ModelRef::named).collect(),
                        ..Default::default()
                    };
                    let shown = h.shown_models(&named, 2);
                    let [a, b, ..] = shown.as_slice() else {
                        return None;
                    };
                    let key = sets.first().cloned().unwrap_or_else(|| "real".into());
                    let a = h.figures(&data, a, &key)?;
                    let b = h.figures(&data, b, &key)?;
                    Some((a.ranks, b.ranks))
                })
            });
            let versus = cells
                .as_ref()
                .map(|(a, b)| move |image| Some(Versus::of(a.top1(image)?, b.top1(image)?)));
            // Outcomes between the view's two label sets, when they are not ReaL against
            // the original labels (the built-in judgement needs no ranks).
            let pair = (
                sets.first().map(String::as_str).unwrap_or(labels::REAL),
                sets.get(1).map(String::as_str).unwrap_or(labels::ORIGINAL),
            );
            // ReaL away from 0.80 is not the built-in set either.
            let built_in = pair == (labels::REAL, labels::ORIGINAL)
                && hub.with(|h| h.threshold) == real_core::evidence::Threshold::REAL;
            let judged = match (filter.outcome, &evaluation) {
                (Some(_), Some(model)) if !built_in => hub.with(|h| {
                    let first = h.figures(&data, model, pair.0)?;
                    let second = h.figures(&data, model, pair.1)?;
                    Some((first.ranks, second.ranks))
                }),
                _ => None,
            };
            let outcome = judged
                .as_ref()
                .map(|(first, second)| move |image| scores::outcome(first, second, image));
            let contested = evidence
                .as_ref()
                .map(|e| move |image| e.0.contested(image, threshold));
            let margin = evidence
                .as_ref()
                .map(|e| move |image| e.0.margin(image, threshold));
            // The relabeling filters, from whatever relabelings are loaded.
            let relabelings = hub.with(|h| (h.mturk.clone(), h.mistakes.clone()));
            let relabeled = (filter.needs_relabelings()).then(|| {
                let (mturk, mistakes) = &relabelings;
                move |image| {
                    let crowd =
                        !filter.crowd_rejected || mturk.as_ref().is_some_and(|m| m.rejected(image));
                    let judged = (filter.mistake.is_none() && filter.severity.is_none())
                        || mistakes.iter().any(|m| {
                            m.mistake(image).is_some_and(|x| {
                                filter.mistake.is_none_or(|c| c == x.category)
                                    && filter.severity.is_none_or(|s| s == x.severity)
                            })
                        });
                    crowd && judged
                }
            });
            let judges = Judges {
                versus: versus
                    .as_ref()
                    .map(|f| f as &dyn Fn(real_core::ImageId) -> Option<Versus>),
                outcome: outcome
                    .as_ref()
                    .map(|f| f as &dyn Fn(real_core::ImageId) -> Option<Outcome>),
                contested: contested
                    .as_ref()
                    .map(|f| f as &dyn Fn(real_core::ImageId) -> bool),
                margin: margin
                    .as_ref()
                    .map(|f| f as &dyn Fn(real_core::ImageId) -> Option<f32>),
                relabeled: relabeled
                    .as_ref()
                    .map(|f| f as &dyn Fn(real_core::ImageId) -> bool),
            };
            Arc::new(cases::select(&data, predictions, &filter, sort, &judges))
        });
        Self {
            dataset: stored,
            view,
            hub,
            evaluation,
            cases,
            error: RwSignal::new(None),
            progress: RwSignal::new(None),
            forgotten: RwSignal::new(0),
            notices: RwSignal::new(notices),
            images: RwSignal::new_local(ImageSource::None),
            label_offer: RwSignal::new_local(None),
            labels_error: RwSignal::new(None),
            restoring: RwSignal::new(false),
            pairs: StoredValue::new(None),
            evidence_progress: RwSignal::new(None),
            evidence_error: RwSignal::new(None),
            evidence_memory: RwSignal::new(0.0),
            relabel_progress: RwSignal::new(None),
            relabel_error: RwSignal::new(None),
            case_cursor: StoredValue::new(None),
        }
    }

    /// The decoded data.
    pub fn data(&self) -> Arc<Dataset> {
        self.dataset.get_value()
    }

    /// Goes to a view and records it in the browser history.
    pub fn navigate(&self, view: View) {
        if view == self.view.get_untracked() {
            return;
        }
        if let Ok(history) = window().history() {
            let _ =
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href(&view)));
        }
        self.view.set(view);
    }

    /// Goes to a view in place of the current history entry (a slider being moved).
    pub fn replace(&self, view: View) {
        if view == self.view.get_untracked() {
            return;
        }
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&href(&view)),
            );
        }
        self.view.set(view);
    }

    /// Follows the browser's back and forward buttons.
    pub fn listen_to_history(&self) {
        let view = self.view;
        let notices = self.notices;
        let handle = window_event_listener(leptos::ev::popstate, move |_| {
            let (parsed, errors) = View::parse_lenient(&location_search());
            if !errors.is_empty() {
                notices.update(|n| n.extend(errors.iter().map(|e| e.to_string())));
            }
            view.set(parsed);
        });
        // The listener lives as long as the page.
        std::mem::forget(handle);
    }

    /// Ranked pairs (a few tens of milliseconds the first time).
    pub fn ranked_pairs(&self) -> Arc<Vec<Pair>> {
        if let Some(pairs) = self.pairs.get_value() {
            return pairs;
        }
        let ranked = Arc::new(pairs::rank(&self.data(), 5));
        self.pairs.set_value(Some(ranked.clone()));
        ranked
    }
}

/// The link of a view: the current path with the view's query, so it works under any sub-path.
pub fn href(view: &View) -> String {
    let path = window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".into());
    format!("{path}{view}")
}

/// The full, shareable URL of a view.
pub fn absolute_url(view: &View) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{}", href(view))
}

fn location_search() -> String {
    window().location().search().unwrap_or_default()
}
