//! One small sort for the downloaded engine. The standard library's sorts are fast and large:
//! each element type gets its own pattern-defeating quicksort, with sorting networks for short
//! runs and a heapsort to fall back on, 3–4 KB of Wasm apiece, and engine.wasm sorted five types
//! (this sort took 15 KB off its raw size, 4.9 KB off its brotli one). A heapsort is a few hundred
//! bytes an instance, in place and `O(n log n)` at worst. The lists the engine sorts come sorted
//! or nearly (a layer's records in tree order, animation groups in the order they began), so a
//! sorted list costs one pass. The sort is unstable, which each caller may be: its keys are
//! unique, or elements with equal keys are equal.

/// Sorts `v` by `key`, ascending; the order of elements with equal keys is unspecified.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    // Most lists come sorted or nearly (a layer's records in tree order, which is mostly id
    // order): one that is sorted already is left after one pass.
    if v.is_sorted_by_key(&key) {
        return;
    }
    // Moves `v[node]` down the max-heap in `v[..end]` until neither child outranks it.
    let sift = |v: &mut [T], mut node: usize, end: usize| {
        loop {
            let mut child = 2 * node + 1;
            if child >= end {
                break;
            }
            if child + 1 < end && key(&v[child]) < key(&v[child + 1]) {
                child += 1;
            }
            if key(&v[node]) >= key(&v[child]) {
                break;
            }
            v.swap(node, child);
            node = child;
        }
    };
    let len = v.len();
    for node in (0..len / 2).rev() {
        sift(v, node, len);
    }
    for end in (1..len).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::sort_by_key;

    /// A small generator, so the test needs no dependency: every length to 40 and a long run,
    /// with few distinct keys (many equal) and many.
    fn lists() -> impl Iterator<Item = Vec<(u32, u32)>> {
        let mut seed = 0x2545_f491_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let lengths: Vec<usize> = (0..=40).chain([1000]).collect();
        let mut out = Vec::new();
        for len in lengths {
            for spread in [3, u32::MAX] {
                out.push((0..len).map(|i| (next() % spread, i as u32)).collect());
            }
        }
        out.into_iter()
    }

    #[test]
    fn sorts_as_the_standard_sort_does() {
        for list in lists() {
            let mut ours = list.clone();
            let mut theirs = list.clone();
            sort_by_key(&mut ours, |&(k, _)| k);
            theirs.sort_by_key(|&(k, _)| k);
            // Keys in the same order, and the same elements (a permutation of the input).
            assert_eq!(ours.iter().map(|e| e.0).collect::<Vec<_>>(), theirs.iter().map(|e| e.0).collect::<Vec<_>>());
            ours.sort();
            theirs.sort();
            assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn sorts_sorted_and_reversed_input() {
        let mut up: Vec<u32> = (0..500).collect();
        let mut down: Vec<u32> = (0..500).rev().collect();
        sort_by_key(&mut up, |&x| x);
        sort_by_key(&mut down, |&x| x);
        assert!(up.is_sorted() && down.is_sorted());
        assert_eq!(up, down);
    }
}
