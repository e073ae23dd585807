//! Class lookup by the names files use (timm's label column, Hugging Face pipeline labels).
//!
//! Files write a class's full lemma text ("maillot", "maillot, tank suit", "harp"), so an exact
//! full text that belongs to one class picks it, even where a single lemma of another class is
//! the same word. Then come our short names and wnids, then single lemmas. A name that still
//! fits several classes ("crane" is the full text of two) is reported, never guessed.

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
    /// Full lemma text, case kept (TF and timm write "Cardigan" and "cardigan" for two classes).
    full: HashMap<String, Vec<ClassIndex>>,
    /// Short display names and wnids, lower case; unique by construction.
    short: HashMap<String, ClassIndex>,
    /// Single lemmas, lower case; some fit several classes.
    lemma: HashMap<String, Vec<ClassIndex>>,
}

fn fold(name: &str) -> String {
    crate::fold::ascii_lower(name.trim()).replace('_', " ")
}

fn add(map: &mut HashMap<String, Vec<ClassIndex>>, key: String, index: ClassIndex) {
    let list = map.entry(key).or_default();
    if !list.contains(&index) {
        list.push(index);
    }
}

fn answer(list: &[ClassIndex]) -> NameMatch {
    match list {
        [] => NameMatch::None,
        [one] => NameMatch::One(*one),
        many => NameMatch::Several(many.to_vec()),
    }
}

impl NameIndex {
    pub(super) fn new(classes: &[ClassInfo]) -> Self {
        let mut index = Self {
            full: HashMap::new(),
            short: HashMap::new(),
            lemma: HashMap::new(),
        };
        for (i, class) in classes.iter().enumerate() {
            let class_index = ClassIndex(i as u16);
            add(
                &mut index.full,
                class.lemmas.trim().to_string(),
                class_index,
            );
            index.short.insert(fold(&class.name), class_index);
            index.short.insert(fold(&class.wnid), class_index);
            for one in class.lemmas.split(',') {
                add(&mut index.lemma, fold(one), class_index);
            }
        }
        index
    }

    pub(super) fn find(&self, name: &str) -> NameMatch {
        if let Some(list) = self.full.get(name.trim()) {
            return answer(list);
        }
        let key = fold(name);
        if let Some(index) = self.short.get(&key) {
            return NameMatch::One(*index);
        }
        answer(self.lemma.get(&key).map(Vec::as_slice).unwrap_or_default())
    }
}
