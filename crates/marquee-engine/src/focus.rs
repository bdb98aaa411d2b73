//! Focus: which node the remote's arrows move between, and where they go next.
//!
//! A TV app is driven by four arrows, so focus lives in the engine, next to the geometry it
//! needs: a key press moves focus and restyles the nodes in the very next frame, with no round
//! trip through the app's thread.
//!
//! The model, smallest first:
//! - a **focusable** node can hold focus while it is visible (attached, displayed, not fully
//!   transparent, with a non-empty box);
//! - a **focus group** (`row`, `column` or `grid`) owns the focusable nodes and groups below it
//!   (its *members*), moves focus among them with the arrows its axis allows, and remembers the
//!   member focused last so focus comes back to it (`focus-restore: last`); the root is a grid;
//! - an arrow the group cannot use goes to the group's explicit `nav-*` target, else out to the
//!   enclosing group, unless the group is a **trap**;
//! - moving between members is spatial: the nearest member in the arrow's direction, preferring
//!   those that overlap the current one across the direction (a *beam*), as TV platforms do.
//!
//! Geometry is the laid-out boxes with scroll containers at their target offsets: what the user
//! will see once scrolling settles, without the zoom a focused tile may wear.

use marquee_protocol::{FocusGroup, FocusRestore, ScrollAlign};

use crate::scene::Scene;

/// An arrow key's direction, in `nav-*` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dir {
    Up = 0,
    Right = 1,
    Down = 2,
    Left = 3,
}

/// A box in root coordinates: x, y, width, height.
type Rect = [f32; 4];

/// Whether `i` may take focus now.
pub(crate) fn can_focus(s: &Scene, i: usize) -> bool {
    matches!(s.kind.get(i), Some(Some(_))) && s.behaviour[i].focusable && visible(s, i)
}

/// Attached to the root, displayed and not transparent all the way up, with a non-empty box.
fn visible(s: &Scene, i: usize) -> bool {
    let (_, _, w, h) = s.local_box(i);
    if w <= 0.0 || h <= 0.0 {
        return false;
    }
    let mut at = i;
    loop {
        let v = &s.base[at];
        if !v.display || v.opacity <= 0.0 {
            return false;
        }
        match s.parent(at) {
            Some(p) => at = p,
            None => return at == 0,
        }
    }
}

fn is_group(s: &Scene, i: usize) -> bool {
    i == 0 || s.behaviour[i].group != FocusGroup::None
}

/// Where `i` is, for navigation.
pub(crate) fn nav_rect(s: &Scene, i: usize) -> Rect {
    let (mut x, mut y, w, h) = s.local_box(i);
    let mut at = i;
    while let Some(p) = s.parent(at) {
        let (px, py, _, _) = s.local_box(p);
        x += px;
        y += py;
        if s.visual[p].scroll {
            x -= s.scroll_target[p][0];
            y -= s.scroll_target[p][1];
        }
        at = p;
    }
    [x, y, w, h]
}

/// The focusable nodes and non-empty groups below `g`, in tree order, not looking inside either.
fn members(s: &Scene, g: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = s.tree[g].children.iter().rev().map(|&c| c as usize).collect();
    while let Some(n) = stack.pop() {
        if !s.base[n].display {
            continue;
        }
        if s.behaviour[n].focusable {
            if can_focus(s, n) {
                out.push(n);
            }
        } else if is_group(s, n) {
            if first_focusable(s, n).is_some() {
                out.push(n);
            }
        } else {
            stack.extend(s.tree[n].children.iter().rev().map(|&c| c as usize));
        }
    }
    out
}

/// The first focusable node at or below `root` in tree order, preferring one marked `autofocus`.
pub(crate) fn first_focusable(s: &Scene, root: usize) -> Option<usize> {
    let mut first = None;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if !s.base[n].display {
            continue;
        }
        if can_focus(s, n) {
            if s.behaviour[n].autofocus {
                return Some(n);
            }
            first = first.or(Some(n));
        }
        stack.extend(s.tree[n].children.iter().rev().map(|&c| c as usize));
    }
    first
}

/// Where focus goes when it enters `m` coming from `src`: `m` itself if focusable, else the
/// group's remembered member, its autofocus node, or the member nearest `src`.
pub(crate) fn enter(s: &Scene, memory: &[u32], mut m: usize, src: Option<Rect>) -> Option<usize> {
    for _ in 0..marquee_protocol::limits::MAX_TREE_DEPTH {
        if s.behaviour[m].focusable {
            return can_focus(s, m).then_some(m);
        }
        if s.behaviour[m].restore == FocusRestore::Last
            && let Some(&last) = memory.get(m)
            && (last as usize) < s.kind.len()
            && can_focus(s, last as usize)
            && s.contains(m, last as usize)
        {
            return Some(last as usize);
        }
        let ms = members(s, m);
        let auto = ms.iter().copied().find(|&c| first_focusable(s, c).is_some_and(|f| s.behaviour[f].autofocus));
        m = match (auto, src) {
            (Some(a), _) => a,
            (None, Some(src)) => nearest(s, src, &ms)?,
            (None, None) => *ms.first()?,
        };
    }
    None
}

/// The node focus moves to from `from` on `dir`, or `None` when focus stays.
pub(crate) fn navigate(s: &Scene, memory: &[u32], from: usize, dir: Dir) -> Option<usize> {
    let src = nav_rect(s, from);
    let explicit = |n: usize| {
        let t = s.behaviour[n].nav[dir as usize];
        let t = usize::try_from(t).ok().filter(|&t| matches!(s.kind.get(t), Some(Some(_))))?;
        enter(s, memory, t, Some(src))
    };
    if let Some(t) = explicit(from) {
        return Some(t);
    }
    let mut scope = from;
    while let Some(g) = s.parent(scope) {
        if is_group(s, g) && allows(s.behaviour[g].group, g, dir) {
            let cands: Vec<usize> = members(s, g).into_iter().filter(|&m| !s.contains(m, from)).collect();
            if let Some(best) = pick(s, src, dir, &cands)
                && let Some(t) = enter(s, memory, best, Some(src))
            {
                return Some(t);
            }
        }
        if is_group(s, g) {
            if let Some(t) = explicit(g) {
                return Some(t);
            }
            if s.behaviour[g].trap {
                return None;
            }
        }
        scope = g;
    }
    None
}

fn allows(group: FocusGroup, node: usize, dir: Dir) -> bool {
    match group {
        FocusGroup::Row => matches!(dir, Dir::Left | Dir::Right),
        FocusGroup::Column => matches!(dir, Dir::Up | Dir::Down),
        FocusGroup::Grid => true,
        // Only the root gets here without being a group: it is the outermost grid.
        FocusGroup::None => node == 0,
    }
}

/// Distance along and across `dir` from `a` to `b`, or `None` if `b` is not ahead of `a`.
fn ahead(a: Rect, b: Rect, dir: Dir) -> Option<(f32, f32, bool)> {
    let (along, across) = if matches!(dir, Dir::Left | Dir::Right) { (0, 1) } else { (1, 0) };
    // Negate for left and up, so that "ahead" always means "larger".
    let sign = if matches!(dir, Dir::Left | Dir::Up) { -1.0 } else { 1.0 };
    let span = |r: Rect, axis: usize| {
        let (p, q) = (r[axis] * sign, (r[axis] + r[axis + 2]) * sign);
        (p.min(q), p.max(q))
    };
    let ((a0, a1), (b0, b1)) = (span(a, along), span(b, along));
    // Ahead: the candidate's far edge is past ours and its near edge past our middle.
    if b1 <= a1 || b0 < (a0 + a1) / 2.0 {
        return None;
    }
    let ((p0, p1), (q0, q1)) = (span(a, across), span(b, across));
    let in_beam = q1 > p0 && q0 < p1;
    // A candidate beside the beam must lie wholly ahead: one that overlaps us along the direction
    // (a tab above a settings row, stretching past the row's middle) is above or below us, not
    // to the right, however close it is.
    if !in_beam && b0 < a1 {
        return None;
    }
    let major = (b0 - a1).max(0.0);
    let minor = if q1 < p0 {
        p0 - q1
    } else if q0 > p1 {
        q0 - p1
    } else {
        0.0
    };
    Some((major, minor, in_beam))
}

/// The best candidate ahead of `src` in `dir`: in-beam ones first (nearest along, then best
/// aligned across), else the smallest weighted distance. Ties go to tree order.
fn pick(s: &Scene, src: Rect, dir: Dir, cands: &[usize]) -> Option<usize> {
    let centre = |r: Rect| match dir {
        Dir::Left | Dir::Right => r[1] + r[3] / 2.0,
        Dir::Up | Dir::Down => r[0] + r[2] / 2.0,
    };
    let mut best: Option<((u8, f32, f32), usize)> = None;
    for &c in cands {
        let r = nav_rect(s, c);
        let Some((major, minor, in_beam)) = ahead(src, r, dir) else { continue };
        let align = (centre(r) - centre(src)).abs();
        let key = if in_beam { (0, major, align) } else { (1, 13.0 * major * major + minor * minor, align) };
        if best.is_none_or(|(k, _)| key < k) {
            best = Some((key, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The candidate closest to `src`, by the gap between boxes, then by centre distance.
fn nearest(s: &Scene, src: Rect, cands: &[usize]) -> Option<usize> {
    let gap = |a0: f32, a1: f32, b0: f32, b1: f32| {
        if b1 < a0 {
            a0 - b1
        } else if b0 > a1 {
            b0 - a1
        } else {
            0.0
        }
    };
    let mut best: Option<((f32, f32), usize)> = None;
    for &c in cands {
        let r = nav_rect(s, c);
        let dx = gap(src[0], src[0] + src[2], r[0], r[0] + r[2]);
        let dy = gap(src[1], src[1] + src[3], r[1], r[1] + r[3]);
        let cx = (r[0] + r[2] / 2.0) - (src[0] + src[2] / 2.0);
        let cy = (r[1] + r[3] / 2.0) - (src[1] + src[3] / 2.0);
        let key = (dx * dx + dy * dy, cx * cx + cy * cy);
        if best.is_none_or(|(k, _)| key < k) {
            best = Some((key, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Sets the scroll targets of `focused`'s scroll containers so it is in view, innermost first,
/// and returns the containers whose target changed.
pub(crate) fn reveal(s: &mut Scene, focused: usize) -> Vec<usize> {
    let mut changed = Vec::new();
    let mut chain = vec![focused];
    let mut at = focused;
    while let Some(a) = s.parent(at) {
        if s.visual[a].scroll {
            let target = scroll_to(s, a, &chain);
            if target != s.scroll_target[a] {
                s.scroll_target[a] = target;
                changed.push(a);
            }
        }
        chain.push(a);
        at = a;
    }
    changed
}

/// The item node `i` belongs to: the nearest focusable node at or above it, if any (see
/// `State::ItemFocused`).
pub(crate) fn item(s: &Scene, i: usize) -> Option<usize> {
    let mut at = Some(i);
    while let Some(n) = at {
        if s.behaviour[n].focusable {
            return Some(n);
        }
        at = s.parent(n);
    }
    None
}

/// Appends to `out` the nodes below `item` that belong to it: its descendants, but for those
/// under (or being) a focusable descendant, which is an item of its own.
pub(crate) fn item_members(s: &Scene, item: usize, out: &mut Vec<usize>) {
    let Some(tree) = s.tree.get(item) else { return };
    let mut stack: Vec<usize> = tree.children.iter().map(|&c| c as usize).collect();
    while let Some(n) = stack.pop() {
        if !s.behaviour[n].focusable {
            out.push(n);
            stack.extend(s.tree[n].children.iter().map(|&c| c as usize));
        }
    }
}

/// Scroll linking: after [`reveal`] moved the targets of the containers in `changed`, every
/// other scroll container with the same `scroll-link` takes the target of the innermost changed
/// one of its link (the first in `changed`), as far as its own content reaches; those whose
/// target moved are added to `changed`. A guide's time ruler and its rows scroll as one this way.
pub(crate) fn link(s: &mut Scene, changed: &mut Vec<usize>) {
    let links: Vec<(i32, [f32; 2])> =
        changed.iter().map(|&a| (s.behaviour[a].scroll_link, s.scroll_target[a])).filter(|&(k, _)| k > 0).collect();
    if links.is_empty() {
        return;
    }
    for b in 0..s.behaviour.len() {
        let k = s.behaviour[b].scroll_link;
        if k == 0 || !s.visual[b].scroll || s.kind[b].is_none() || changed.contains(&b) {
            continue;
        }
        let Some(&(_, target)) = links.iter().find(|&&(l, _)| l == k) else { continue };
        // `min` then `max`, not `clamp`: LLVM cannot see that these bounds are in order, and
        // clamp's check of them would bring float formatting (2 KB of brotli) into engine.wasm
        // for its panic message.
        let max = scroll_max(s, b);
        let to = [target[0].min(max[0]).max(0.0), target[1].min(max[1]).max(0.0)];
        if to != s.scroll_target[b] {
            s.scroll_target[b] = to;
            changed.push(b);
        }
    }
}

/// How far container `a` scrolls on each axis: its content's extent (its children's boxes) and
/// end inset past its own size.
fn scroll_max(s: &Scene, a: usize) -> [f32; 2] {
    let (_, _, aw, ah) = s.local_box(a);
    let [_, ir, _, ib] = s.insets(a);
    let mut extent = [0.0f32; 2];
    for &c in &s.tree[a].children {
        let (cx, cy, cw, ch) = s.local_box(c as usize);
        extent[0] = extent[0].max(cx + cw);
        extent[1] = extent[1].max(cy + ch);
    }
    [(extent[0] + ir - aw).max(0.0), (extent[1] + ib - ah).max(0.0)]
}

/// The scroll offset of container `a` that shows the nodes of `chain` (focused node first, then
/// its ancestors below `a`): per axis, the largest of them that fits, aligned as `a` asks.
fn scroll_to(s: &Scene, a: usize, chain: &[usize]) -> [f32; 2] {
    let (_, _, aw, ah) = s.local_box(a);
    let [il, ir, it, ib] = s.insets(a);
    // Offsets of each chain node relative to `a`'s border box, with inner scrolling applied.
    let mut boxes = Vec::with_capacity(chain.len());
    let (mut x, mut y) = (0.0, 0.0);
    for (k, &n) in chain.iter().enumerate().rev() {
        let (lx, ly, w, h) = s.local_box(n);
        x += lx;
        y += ly;
        boxes.push((k, [x, y, w, h]));
        if s.visual[n].scroll {
            x -= s.scroll_target[n][0];
            y -= s.scroll_target[n][1];
        }
    }
    // `boxes` runs outermost first; per axis take the first (largest) that fits the view.
    let maxes = scroll_max(s, a);
    let axes = [(aw, il, ir, 0usize), (ah, it, ib, 1usize)];
    let mut out = s.scroll_target[a];
    for (size, start, end, axis) in axes {
        let view = size - start - end;
        let max = maxes[axis];
        let Some(&(_, r)) = boxes.iter().find(|(_, r)| r[axis + 2] <= view).or(boxes.last()) else { continue };
        let (r0, r1) = (r[axis], r[axis] + r[axis + 2]);
        let cur = out[axis];
        let to = match s.behaviour[a].scroll_align {
            ScrollAlign::Start => r0 - start,
            ScrollAlign::Center => (r0 + r1) / 2.0 - (start + size - end) / 2.0,
            ScrollAlign::Nearest => {
                if r0 - cur < start {
                    r0 - start
                } else if r1 - cur > size - end {
                    r1 - (size - end)
                } else {
                    cur
                }
            }
        };
        // Not `clamp`: see `link`.
        out[axis] = to.min(max).max(0.0);
    }
    out
}
