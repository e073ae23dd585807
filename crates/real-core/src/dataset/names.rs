//! Class lookup by the names files use (timm's label column, Hugging Face pipeline labels).

use super::ClassInfo;
use crate::ids::ClassIndex;
use std::collections::HashMap;

/// The answer to a name lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameMatch {
    /// The name picks out one class.
    One(ClassIndex),
    /// The name fits several classes (e.g. "crane"), in ascending order.
    Several(Vec<ClassIndex>),
    /// No class has this name.
    None,
}

#[derive(Clone, Debug)]
pub(super) struct NameIndex {
    /// Names that identify a class outright: wnid, short name, full lemma text.
    exact: HashMap<String, ClassIndex>,
    /// Single lemmas ("tench", "Tinca tinca"); some fit several classes.
    lemma: HashMap<String, Vec<ClassIndex>>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase().replace('_', " ")
}

impl NameIndex {
    pub(super) fn new(classes: &[ClassInfo]) -> Self {
        let mut exact = HashMap::new();
        let mut lemma: HashMap<String, Vec<ClassIndex>> = HashMap::new();
        for (i, class) in classes.iter().enumerate() {
            let index = ClassIndex(i as u16);
            for name in [&class.name, &class.lemmas] {
                exact.entry(key(name)).or_insert(index);
            }
            for one in class.lemmas.split(',') {
                let list = lemma.entry(key(one)).or_default();
                if !list.contains(&index) {
                    list.push(index);
                }
            }
        }
        // A full lemma text that is also another class's single lemma ("maillot") must not be
        // taken as exact: keep it exact only when the lemma table agrees it is unique.
        exact.retain(|name, index| lemma.get(name).is_none_or(|list| list == &[*index]));
        for (i, class) in classes.iter().enumerate() {
            exact.insert(key(&class.wnid), ClassIndex(i as u16));
        }
        Self { exact, lemma }
    }

    pub(super) fn find(&self, name: &str) -> NameMatch {
        let k = key(name);
        if let Some(index) = self.exact.get(&k) {
            return NameMatch::One(*index);
        }
        match self.lemma.get(&k).map(Vec::as_slice) {
            Some([one]) => NameMatch::One(*one),
            Some(many) if !many.is_empty() => NameMatch::Several(many.to_vec()),
            _ => NameMatch::None,
        }
    }
}
