//! One sorting routine for every ordering the page makes.
//!
//! Each `sort_by` with its own closure compiles its own copy of the standard library's sort,
//! several kilobytes each in the page's WebAssembly; ordering positions by a number key goes
//! through this one function instead.

use std::cmp::Ordering;

/// Positions `0..keys.len()` ordered by key, ascending (`f64::total_cmp`), ties kept in
/// position order: a stable order, whatever the caller's items are. Negate the keys for
/// descending.
pub fn by_key(keys: &[f64]) -> Vec<usize> {
    let mut order: Vec<(f64, usize)> = keys.iter().copied().zip(0..).collect();
    order.sort_unstable_by(compare);
    order.into_iter().map(|(_, i)| i).collect()
}

/// Positions ordered by `first`, then by `then` among equal `first` keys, then by position:
/// a two-key order through the same one sort.
pub fn by_keys(first: &[f64], then: &[f64]) -> Vec<usize> {
    let inner = by_key(then);
    let outer: Vec<f64> = inner.iter().map(|&i| first[i]).collect();
    by_key(&outer).into_iter().map(|j| inner[j]).collect()
}

/// The one comparator: key, then position.
fn compare(a: &(f64, usize), b: &(f64, usize)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// Reorders `items` to `order` (a permutation of their positions, as [`by_key`] gives).
pub fn apply<T: Clone>(items: &[T], order: &[usize]) -> Vec<T> {
    order
        .iter()
        .filter_map(|&i| items.get(i).cloned())
        .collect()
}
