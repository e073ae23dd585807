//! The workspace: every loaded model and label set by stable id, and the figures of each
//! (model, label set) computed once and cached. Views ask the hub; none keeps its own copy.

use crate::load::Evaluation;
use real_core::compare::PairedTable;
use real_core::evidence::{Evidence, Threshold};
use real_core::labels::{self, LabelSet};
use real_core::relabel::{Mistakes, Mturk};
use real_core::scores::{paired, Ranks, Score};
use real_core::view::ModelRef;
use real_core::{Dataset, View};
use std::cell::RefCell;
use std::sync::Arc;

/// A loaded label set and the name it is shown under (renamable; its key never changes).
#[derive(Clone, Debug)]
pub struct LabelEntry {
    /// The label set.
    pub set: Arc<LabelSet>,
    /// The name on screen; starts as the key.
    pub name: String,
    /// Its record in the browser's storage, once kept there.
    pub stored: Option<u32>,
    /// Whether it came back from storage rather than from a file this visit.
    pub restored: bool,
}

/// What is loaded. Cheap to clone: the heavy parts are shared.
#[derive(Clone, Debug, Default)]
pub struct Hub {
    /// Models in the order they were loaded.
    pub models: Vec<Evaluation>,
    /// Label sets: the two built-in ones first, then loaded files.
    pub label_sets: Vec<LabelEntry>,
    /// What the raters said about every rated image, once loaded.
    pub evidence: Option<Arc<Evidence>>,
    /// The threshold the ReaL entry is built at (0.80, the published set, without evidence).
    pub threshold: Threshold,
    /// The crowd's votes on cleanlab's suspected label errors, once loaded.
    pub mturk: Option<Arc<Mturk>>,
    /// Published mistakes of other models (ViT-3B, greedy soups), once loaded.
    pub mistakes: Vec<Arc<Mistakes>>,
    next_id: u32,
}

/// The cached figures of one (model, label set).
#[derive(Clone, Debug)]
pub struct Cached {
    /// One byte per image.
    pub ranks: Arc<Ranks>,
    /// Every figure.
    pub score: Arc<Score>,
}

thread_local! {
    /// Keyed by (model id, label set key): a re-read model gets a new id and a changed label
    /// set a new key, so an entry is never stale; entries go with their model or label set.
    /// A list, not a map: a workspace holds tens of entries, and a map's code is not worth
    /// its bytes in the page's wasm.
    static CACHE: RefCell<Vec<((u32, String), Cached)>> = const { RefCell::new(Vec::new()) };
}

impl Hub {
    /// The built-in label sets and no model.
    pub fn new(dataset: &Dataset) -> Self {
        let built_in = |set: LabelSet, name: &str| LabelEntry {
            set: Arc::new(set),
            name: name.into(),
            stored: None,
            restored: false,
        };
        Self {
            models: Vec::new(),
            label_sets: vec![
                built_in(LabelSet::real(dataset), "ReaL"),
                built_in(LabelSet::original(dataset), "original"),
            ],
            evidence: None,
            threshold: Threshold::REAL,
            mturk: None,
            mistakes: Vec::new(),
            next_id: 1,
        }
    }

    /// Adds a model under a display name unique among the loaded ones (`name`, `name-2`…),
    /// or replaces the model with `replacing`'s id, keeping its name and place.
    pub fn add_model(&mut self, mut model: Evaluation, replacing: Option<u32>) -> u32 {
        model.id = self.next_id;
        self.next_id += 1;
        if let Some(at) = replacing.and_then(|id| self.models.iter().position(|m| m.id == id)) {
            if let Some(old) = self.models.get_mut(at) {
                model.name = old.name.clone();
                forget(old.id);
                *old = model;
                return self.next_id - 1;
            }
        }
        model.name = self.unique_model_name(&model.file_name);
        let id = model.id;
        self.models.push(model);
        id
    }

    /// A display name no loaded model has.
    pub fn unique_model_name(&self, wanted: &str) -> String {
        let taken = |name: &str| self.models.iter().any(|m| m.name == name);
        if !taken(wanted) {
            return wanted.to_string();
        }
        (2..)
            .map(|n| format!("{wanted}-{n}"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| wanted.to_string())
    }

    /// Removes a model and its cached figures.
    pub fn remove_model(&mut self, id: u32) {
        self.models.retain(|m| m.id != id);
        forget(id);
    }

    /// Renames a model; the name must be non-empty and not another model's.
    pub fn rename_model(&mut self, id: u32, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("a model needs a name".into());
        }
        if self.models.iter().any(|m| m.name == name && m.id != id) {
            return Err(format!("another model is called {name}"));
        }
        if let Some(model) = self.models.iter_mut().find(|m| m.id == id) {
            model.name = name.to_string();
        }
        Ok(())
    }

    /// The key a label file would get: its stem, unique among the loaded keys.
    pub fn label_key_for(&self, file_name: &str) -> String {
        labels::unique_key(
            file_name,
            self.label_sets.iter().map(|l| l.set.key.as_str()),
        )
    }

    /// Adds a loaded label set, shown under its key until renamed. A set whose key is taken
    /// (one restored from storage meeting one loaded this visit) gets the next free key.
    pub fn add_label_set(&mut self, mut set: LabelSet) -> String {
        if self.label_set(&set.key).is_some() {
            set.key = labels::unique_key(
                &format!("{}.x", set.key),
                self.label_sets.iter().map(|l| l.set.key.as_str()),
            );
        }
        let key = set.key.clone();
        self.label_sets.push(LabelEntry {
            set: Arc::new(set),
            name: key.clone(),
            stored: None,
            restored: false,
        });
        key
    }

    /// Records where a model is kept in the browser's storage.
    pub fn set_model_stored(&mut self, id: u32, key: u32) {
        if let Some(model) = self.models.iter_mut().find(|m| m.id == id) {
            model.stored = Some(key);
        }
    }

    /// Records where a label set is kept in the browser's storage.
    pub fn set_label_set_stored(&mut self, label_key: &str, key: u32) {
        if let Some(entry) = self.label_sets.iter_mut().find(|l| l.set.key == label_key) {
            entry.stored = Some(key);
        }
    }

    /// Removes every loaded model and label file (the built-in label sets stay).
    pub fn clear(&mut self) {
        for model in &self.models {
            forget(model.id);
        }
        self.models.clear();
        self.label_sets.retain(|l| l.set.is_built_in());
        CACHE.with(|c| c.borrow_mut().clear());
    }

    /// Removes a loaded label set (the built-in ones stay) and its cached figures.
    pub fn remove_label_set(&mut self, key: &str) {
        self.label_sets
            .retain(|l| l.set.is_built_in() || l.set.key != key);
        CACHE.with(|c| c.borrow_mut().retain(|((_, k), _)| k != key));
    }

    /// Renames a label set on screen.
    pub fn rename_label_set(&mut self, key: &str, name: &str) {
        let name = name.trim();
        if let Some(entry) = self.label_sets.iter_mut().find(|l| l.set.key == key) {
            if !name.is_empty() {
                entry.name = name.to_string();
            }
        }
    }

    /// A model by display name.
    pub fn model_named(&self, name: &str) -> Option<&Evaluation> {
        self.models.iter().find(|m| m.name == name)
    }

    /// A label set by key.
    pub fn label_set(&self, key: &str) -> Option<&LabelEntry> {
        self.label_sets.iter().find(|l| l.set.key == key)
    }

    /// The models a view shows: those it names that are loaded, in its order, filled up to
    /// `want` with the other loaded models in load order.
    pub fn shown_models(&self, view: &View, want: usize) -> Vec<&Evaluation> {
        let mut shown: Vec<&Evaluation> = Vec::new();
        for model in view.models.iter().filter_map(|m| self.model_named(&m.name)) {
            if !shown.iter().any(|s| s.id == model.id) {
                shown.push(model);
            }
        }
        for model in &self.models {
            if shown.len() >= want {
                break;
            }
            if !shown.iter().any(|s| s.id == model.id) {
                shown.push(model);
            }
        }
        shown
    }

    /// The model on screen: the first the view names that is loaded, else the first loaded.
    pub fn active_model(&self, view: &View) -> Option<&Evaluation> {
        self.shown_models(view, 1).into_iter().next()
    }

    /// The label set that judges in a view (`set=`), else ReaL.
    pub fn judging_set(&self, view: &View) -> Option<&LabelEntry> {
        view.label_sets
            .first()
            .and_then(|key| self.label_set(key))
            .or_else(|| self.label_sets.first())
    }

    /// Takes the raters' evidence and rebuilds ReaL at the current threshold from it.
    pub fn set_evidence(&mut self, dataset: &Dataset, evidence: Evidence) {
        self.evidence = Some(Arc::new(evidence));
        let threshold = std::mem::replace(&mut self.threshold, Threshold::REAL);
        self.set_threshold(dataset, threshold);
    }

    /// Rebuilds the ReaL entry at `threshold` (needs the evidence; without it ReaL stays the
    /// published set and the call returns false). The entry keeps its key, `real`, so views
    /// and links follow; its name shows the threshold when it is not 0.80.
    pub fn set_threshold(&mut self, dataset: &Dataset, threshold: Threshold) -> bool {
        let Some(evidence) = self.evidence.clone() else {
            return threshold == Threshold::REAL;
        };
        if threshold == self.threshold {
            return true;
        }
        let set = if threshold == Threshold::REAL {
            // Identical to the evidence's set at 0.80 (a test proves it), and already built.
            LabelSet::real(dataset)
        } else {
            let mut set = evidence.label_set(dataset, threshold);
            set.key = labels::REAL.into();
            set
        };
        // Only the figures at the new threshold and at 0.80 are kept.
        let keep = cache_tag(labels::REAL, threshold);
        CACHE.with(|c| {
            c.borrow_mut()
                .retain(|((_, k), _)| !k.starts_with("real@") || *k == keep)
        });
        self.threshold = threshold;
        if let Some(entry) = self
            .label_sets
            .iter_mut()
            .find(|l| l.set.key == labels::REAL)
        {
            entry.set = Arc::new(set);
            entry.name = if threshold == Threshold::REAL {
                "ReaL".into()
            } else {
                format!("ReaL@{threshold}")
            };
        }
        true
    }

    /// Adds the crowd's votes and the label set "original, crowd-corrected" (key `crowd`).
    pub fn set_mturk(&mut self, dataset: &Dataset, mturk: Mturk) {
        let set = real_core::relabel::crowd_label_set(dataset, &mturk);
        self.remove_label_set(real_core::relabel::mturk::CROWD);
        let key = set.key.clone();
        self.label_sets.push(LabelEntry {
            set: Arc::new(set),
            name: real_core::relabel::mturk::CROWD_NAME.into(),
            stored: None,
            restored: false,
        });
        CACHE.with(|c| c.borrow_mut().retain(|((_, k), _)| *k != key));
        self.mturk = Some(Arc::new(mturk));
    }

    /// Adds one model's published mistakes, replacing an earlier file of the same model.
    pub fn add_mistakes(&mut self, mistakes: Mistakes) {
        self.mistakes.retain(|m| m.model != mistakes.model);
        self.mistakes.push(Arc::new(mistakes));
    }

    /// The figures of a model under a label set, computed on first use.
    pub fn figures(&self, dataset: &Dataset, model: &Evaluation, key: &str) -> Option<Cached> {
        let entry = self.label_set(key)?;
        let cache_key = (model.id, cache_tag(key, self.threshold));
        let hit = CACHE.with(|c| {
            c.borrow()
                .iter()
                .find(|(k, _)| *k == cache_key)
                .map(|(_, v)| v.clone())
        });
        if let Some(hit) = hit {
            return Some(hit);
        }
        let ranks = Ranks::compute(&model.predictions, &entry.set);
        let score = Score::compute(dataset, &entry.set, &ranks);
        let cached = Cached {
            ranks: Arc::new(ranks),
            score: Arc::new(score),
        };
        CACHE.with(|c| c.borrow_mut().push((cache_key, cached.clone())));
        Some(cached)
    }

    /// The paired table of two models under a label set.
    pub fn paired(
        &self,
        dataset: &Dataset,
        a: &Evaluation,
        b: &Evaluation,
        key: &str,
    ) -> Option<PairedTable> {
        let a = self.figures(dataset, a, key)?;
        let b = self.figures(dataset, b, key)?;
        Some(paired(&a.ranks, &b.ranks))
    }

    /// The view's models as a link carries them (names only; image links add top-k).
    pub fn refs(models: &[&Evaluation]) -> Vec<ModelRef> {
        models.iter().map(|m| ModelRef::named(&m.name)).collect()
    }
}

/// The cache's name for a label set: ReaL away from 0.80 is another set under the same key.
fn cache_tag(key: &str, threshold: Threshold) -> String {
    if key == labels::REAL && threshold != Threshold::REAL {
        threshold.key()
    } else {
        key.to_string()
    }
}

/// Drops the cached figures of a model.
fn forget(id: u32) {
    CACHE.with(|c| c.borrow_mut().retain(|((model, _), _)| *model != id));
}

#[cfg(test)]
mod tests {
    use super::Hub;
    use crate::load::Evaluation;
    use real_core::evidence::{self, Evidence, Provenance, Threshold};
    use real_core::scores::{Ranks, Score};
    use real_core::{Dataset, LoadOptions, Predictions, Report};
    use std::sync::Arc;

    fn model(dataset: &Dataset) -> Evaluation {
        let predictions = Predictions::original_labels(dataset);
        Evaluation {
            id: 0,
            name: String::new(),
            stored: None,
            restored: false,
            file_name: "original.npy".into(),
            size_bytes: 0.0,
            options: LoadOptions::default(),
            report: Arc::new(Report::compute(dataset, &predictions)),
            predictions: Arc::new(predictions),
            elapsed_ms: 0.0,
            in_worker: false,
        }
    }

    fn synthetic_evidence() -> Evidence {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/real-core/tests/fixtures/evidence/scores.npz"
        );
        let bytes = std::fs::read(path).expect("the synthetic scores");
        let file = evidence::read(&bytes, &mut |_| {}).expect("they read");
        Evidence::from_scores(file, Provenance::default()).expect("they build")
    }

    #[test]
    fn the_real_entry_follows_the_threshold_and_its_figures_are_not_stale() {
        let dataset = Dataset::embedded().expect("the embedded data decodes");
        let mut hub = Hub::new(&dataset);
        let id = hub.add_model(model(&dataset), None);
        let m = hub.models.iter().find(|m| m.id == id).cloned().unwrap();
        let at_80 = hub.figures(&dataset, &m, "real").unwrap().score;
        // Without evidence only 0.80 can be had.
        assert!(!hub.set_threshold(&dataset, Threshold::MAX));
        let evidence = synthetic_evidence();
        let t: Threshold = "0.99".parse().unwrap();
        let want = {
            let set = evidence.label_set(&dataset, t);
            Score::compute(&dataset, &set, &Ranks::compute(&m.predictions, &set))
        };
        hub.set_evidence(&dataset, evidence);
        assert!(hub.set_threshold(&dataset, t));
        let entry = hub.label_set("real").unwrap();
        assert_eq!(entry.name, "ReaL@0.99");
        assert!(
            entry.set.is_built_in(),
            "still the built-in entry, under its key"
        );
        let at_99 = hub.figures(&dataset, &m, "real").unwrap().score;
        assert_eq!(at_99.top, want.top);
        assert_ne!(at_99.top, at_80.top, "the cache gave the 0.80 figures back");
        hub.set_threshold(&dataset, Threshold::REAL);
        assert_eq!(hub.label_set("real").unwrap().name, "ReaL");
        assert_eq!(
            hub.figures(&dataset, &m, "real").unwrap().score.top,
            at_80.top
        );
    }
}
