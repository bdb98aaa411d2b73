//! Retained layers: a frame costs what changed, not what exists.
//!
//! The scene is split into layers (`paint::Kind`): the root, the children of every scroll
//! container, every node whose transform or opacity animates (promoted while it animates and
//! for [`LINGER_MS`] after, so a focus ring that scales on every key press is not promoted and
//! demoted each time), and the picture of every image fading in on screen (for the fade: a
//! rail of posters fading in is then recorded twice, not once a frame). Each layer keeps its
//! recorded display list,
//! its nodes' damage records and where its parent draws it, until something inside it changes:
//! the engine marks a layer dirty when it changes a node in it ([`Layers::touch`]), and
//! re-records every layer when layout ran or the tree changed. A frame then re-records only the
//! dirty layers, recomputes the props (transform, opacity, clip: scroll offsets and animations
//! land here) and the place on screen of the layers that moved and of those below them, and sends
//! the backend the lists that changed, the props that changed and the layers that went
//! (`marquee_display_list::layers`).
//!
//! Damage follows: a re-recorded layer damages the records that changed, a layer whose place on
//! screen changed damages where it was and where it is, a new or removed layer where it is or was.

use std::collections::BTreeSet;

use marquee_display_list::damage::Damage;
use marquee_display_list::layers::{self as wire, Props, ROOT};
use marquee_display_list::motion::Track;
use marquee_display_list::sort::sort_by_key;
use marquee_display_list::{Encoder, IntRect, Rect, Transform};

use crate::anim::Animations;
use crate::damage::Record;
use crate::image::Images;
use crate::paint::{self, Kind, Place, Promoted};
use crate::scene::Scene;

/// How long a node stays a layer after its last transform or opacity animation ended, in ms.
pub(crate) const LINGER_MS: f64 = 1000.0;

/// Where a layer ends up on screen: everything from its list to the device.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Screen {
    transform: Transform,
    clip: Rect,
    opacity: f32,
}

impl Screen {
    /// Where `r` (in the layer's coordinates) lands on screen, clipped.
    fn map(&self, r: &Rect) -> IntRect {
        self.transform.map_rect(r).intersect(&self.clip).round_out()
    }
}

/// One retained layer.
#[derive(Debug)]
struct Layer {
    /// The list as last sent.
    list: Vec<u8>,
    /// Damage records, sorted by node id.
    records: Vec<(u32, Record)>,
    /// The union of the records' bounds.
    bounds: Rect,
    children: Vec<u32>,
    /// The images it shows: handle, node, where.
    images: Vec<(u32, u32, Rect)>,
    /// What a scroll layer recorded of its content (`paint::window`).
    window: Option<Rect>,
    /// Where its parent draws it (unused for the root).
    place: Place,
    props: Props,
    /// The lanes of its props the backend animates, as last sent: while there are any, its
    /// `screen` (and that of the layers under it) is where it was when last placed, not where
    /// the backend draws it now.
    tracks: Vec<Track>,
    /// Where it was on screen after the last frame; `None` for a layer new in this frame.
    screen: Option<Screen>,
    /// What it held before this frame re-recorded it (only during a frame).
    before: Option<Before>,
    /// The layer whose list draws it (the root: itself).
    parent: u32,
    /// The last frame that placed it on screen.
    placed: u64,
    /// Its parent's children were reordered in this frame: it damages where it is.
    reordered: bool,
    /// The frame it was last queued to be placed in (a layer moves in several channels).
    queued: u64,
    /// The images it shows on screen.
    visible: Vec<u32>,
}

impl Layer {
    fn new(place: Place) -> Layer {
        Layer {
            list: Vec::new(),
            records: Vec::new(),
            bounds: Rect::new(0.0, 0.0, 0.0, 0.0),
            children: Vec::new(),
            images: Vec::new(),
            window: None,
            place,
            props: Props::default(),
            tracks: Vec::new(),
            screen: None,
            before: None,
            parent: ROOT,
            placed: 0,
            reordered: false,
            queued: 0,
            visible: Vec::new(),
        }
    }
}

/// What a layer held before it was re-recorded in this frame.
#[derive(Debug)]
struct Before {
    records: Vec<(u32, Record)>,
    bounds: Rect,
    children: Vec<u32>,
    changed: bool,
}

/// Counters of the last frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Layers alive.
    pub(crate) layers: u32,
    /// Layers whose list was recorded and sent.
    pub(crate) recorded: u32,
    /// Operations in the lists sent.
    pub(crate) ops: u32,
    /// Props updates sent.
    pub(crate) props: u32,
}

/// Layers by id in a vector, with an index by id: a frame looks every layer up a few times, and
/// stress scenes have ten thousand.
#[derive(Debug, Default)]
struct Slab {
    /// Layer id → position in `layers` plus one (0: none).
    slot: Vec<u32>,
    layers: Vec<(u32, Layer)>,
}

impl Slab {
    fn index(&self, id: u32) -> Option<usize> {
        self.slot.get(id as usize).and_then(|&s| s.checked_sub(1)).map(|s| s as usize)
    }

    fn get(&self, id: u32) -> Option<&Layer> {
        self.index(id).map(|i| &self.layers[i].1)
    }

    fn get_mut(&mut self, id: u32) -> Option<&mut Layer> {
        self.index(id).map(|i| &mut self.layers[i].1)
    }

    fn contains_key(&self, id: &u32) -> bool {
        self.index(*id).is_some()
    }

    fn get_or_insert(&mut self, id: u32, make: impl FnOnce() -> Layer) -> &mut Layer {
        let i = match self.index(id) {
            Some(i) => i,
            None => {
                if self.slot.len() <= id as usize {
                    self.slot.resize(id as usize + 1, 0);
                }
                self.layers.push((id, make()));
                self.slot[id as usize] = self.layers.len() as u32;
                self.layers.len() - 1
            }
        };
        &mut self.layers[i].1
    }

    fn remove(&mut self, id: u32) -> Option<Layer> {
        let i = self.index(id)?;
        self.slot[id as usize] = 0;
        let (_, layer) = self.layers.swap_remove(i);
        if let Some((moved, _)) = self.layers.get(i) {
            self.slot[*moved as usize] = i as u32 + 1;
        }
        Some(layer)
    }

    fn len(&self) -> usize {
        self.layers.len()
    }

    fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

/// The engine's layers, and what the next frame must re-record.
#[derive(Debug, Default)]
pub(crate) struct Layers {
    map: Slab,
    dirty: BTreeSet<u32>,
    /// Re-record every layer (layout ran, the tree changed).
    all: bool,
    /// Restate the whole tree in the next frame (the first, a new viewport, a backend that lost
    /// what it kept).
    full: bool,
    /// Which nodes are layers of their own.
    promotions: Promotions,
    /// Layers whose props may have changed since the last frame (their node animated or changed).
    moved: Vec<u32>,
    /// The images on screen.
    shown: Shown,
    /// The layers to place, by depth (kept to reuse its memory).
    levels: Vec<Vec<u32>>,
    /// Frames run, to tell which layers this one placed.
    frames: u64,
    retained: usize,
    scratch: Encoder,
    updates: Vec<u8>,
    counts: Counts,
}

impl Layers {
    pub(crate) fn new() -> Layers {
        Layers { all: true, full: true, ..Layers::default() }
    }

    /// Whether node `n` is a layer of its own.
    pub(crate) fn is_layer(&self, n: usize) -> bool {
        self.promotions.node(n)
    }

    /// Something about node `n`'s own paint changed: the layer holding it must be re-recorded
    /// (and its own layers' props recomputed, which come from its style too).
    pub(crate) fn touch(&mut self, scene: &Scene, n: usize) {
        if self.all || n >= scene.kind.len() {
            return;
        }
        if let Some(l) = self.containing(scene, n) {
            self.dirty.insert(l);
        }
        if self.promotions.picture(n) {
            self.dirty.insert(Kind::Picture(n).id());
        }
        self.moved.extend([Kind::Node(n).id(), Kind::Scroll(n).id()]);
    }

    /// Node `n`'s place in paint order changed (its `z-index`): the layer that draws it must be
    /// re-recorded too, even when `n` is a layer of its own.
    pub(crate) fn touch_order(&mut self, scene: &Scene, n: usize) {
        self.touch(scene, n);
        if !self.all
            && n < scene.kind.len()
            && let Some(l) = self.drawing(scene, n)
        {
            self.dirty.insert(l);
        }
    }

    /// Node `n`'s transform or opacity (`Kind::Node`), a scroll container's offset
    /// (`Kind::Scroll`) or an image's fade (`Kind::Picture`) changed: the props of that layer must
    /// be recomputed. Returns whether that is all it takes (the layer exists).
    pub(crate) fn moved(&mut self, scene: &Scene, kind: Kind) -> bool {
        let layer = match kind {
            Kind::Root => false,
            Kind::Node(n) => self.is_layer(n),
            Kind::Scroll(n) => paint::scrolls(scene, n),
            Kind::Picture(n) => self.promotions.picture(n),
        };
        if layer {
            let id = kind.id();
            // Once per frame: translate and opacity usually animate together.
            let next = self.frames + 1;
            if let Some(l) = self.map.get_mut(id).filter(|l| l.queued != next) {
                l.queued = next;
                self.moved.push(id);
            }
        }
        layer
    }

    /// Every layer must be re-recorded (layout ran, the tree changed).
    pub(crate) fn touch_all(&mut self) {
        self.all = true;
        self.dirty.clear();
    }

    /// The next frame restates the whole tree (and re-records it).
    pub(crate) fn invalidate(&mut self) {
        self.full = true;
        self.touch_all();
    }

    /// The layer holding node `n`'s own paint; `None` if `n` is not in the tree.
    pub(crate) fn containing(&self, scene: &Scene, n: usize) -> Option<u32> {
        if self.is_layer(n) { Some(Kind::Node(n).id()) } else { self.drawing(scene, n) }
    }

    /// The layer whose list places node `n` (its paint, or its `DrawLayer`).
    fn drawing(&self, scene: &Scene, n: usize) -> Option<u32> {
        let mut x = n;
        loop {
            let Some(p) = scene.parent(x) else { return (x == 0).then_some(ROOT) };
            if paint::scrolls(scene, p) {
                return Some(Kind::Scroll(p).id());
            }
            if self.is_layer(p) {
                return Some(Kind::Node(p).id());
            }
            x = p;
        }
    }

    /// Promotes the nodes in `animating` (whose transform or opacity animates) and demotes those
    /// whose linger ran out by frame time `t`; makes the pictures of the images in `fading` layers
    /// while they fade. The layers that draw them are re-recorded. `None` says the lists are the
    /// same as last time: then only the lingering nodes need a look.
    pub(crate) fn promote(&mut self, scene: &Scene, lists: Option<(&[u32], &[u32])>, t: f64) {
        let exists = |n: u32| scene.kind.get(n as usize).is_some_and(Option::is_some);
        let p = &mut self.promotions;
        let mut changed = Vec::new();
        if let Some((animating, _)) = lists {
            for &n in animating {
                if p.until.len() <= n as usize {
                    p.until.resize(n as usize + 1, f64::NEG_INFINITY);
                }
                match p.until[n as usize] {
                    f64::NEG_INFINITY => {
                        p.promoted.push(n);
                        changed.push(n);
                    }
                    // Animating again before its linger ran out.
                    u if u.is_finite() => p.lingering -= 1,
                    _ => {}
                }
                p.until[n as usize] = f64::INFINITY;
            }
            // A node that stopped animating lingers from the last frame it animated in.
            for &n in &p.promoted {
                if p.until[n as usize] == f64::INFINITY && animating.binary_search(&n).is_err() {
                    p.until[n as usize] = p.previous + LINGER_MS;
                    p.lingering += 1;
                }
            }
        }
        if lists.is_some() || p.lingering > 0 {
            let (until, lingering) = (&mut p.until, &mut p.lingering);
            p.promoted.retain(|&n| {
                let u = until[n as usize];
                let keep = u >= t && exists(n);
                if !keep {
                    *lingering -= usize::from(u.is_finite());
                    until[n as usize] = f64::NEG_INFINITY;
                    changed.push(n);
                }
                keep
            });
        }
        // Pictures: exactly the images fading, both lists in node order.
        if let Some((_, fading)) = lists
            && p.pictures != fading
        {
            let (old, new) = (std::mem::take(&mut p.pictures), fading);
            changed.extend(old.iter().filter(|n| new.binary_search(n).is_err()));
            changed.extend(new.iter().filter(|n| old.binary_search(n).is_err()));
            p.pictures = fading.to_vec();
        }
        p.previous = t;
        for n in changed {
            if exists(n)
                && let Some(l) = self.containing(scene, n as usize)
            {
                self.dirty.insert(l);
            }
        }
    }

    /// Whether image node `n` shows on screen (as of the last frame): an image loading out of
    /// sight appears without fading in.
    pub(crate) fn on_screen(&self, scene: &Scene, n: usize) -> bool {
        let Some(l) = self.containing(scene, n).and_then(|id| self.map.get(id)) else { return false };
        let Some(screen) = l.screen.filter(|s| s.opacity > 0.0) else { return false };
        l.images.iter().any(|&(_, node, r)| node as usize == n && !screen.map(&r).is_empty())
    }

    /// Whether the next frame has layers to re-record, restate or move.
    pub(crate) fn pending(&self) -> bool {
        self.all || self.full || !self.dirty.is_empty() || !self.moved.is_empty()
    }

    /// Runs the layer side of a frame: re-records what is dirty, recomputes the props and the
    /// place on screen of every layer that may have moved (and of what it draws, when it did),
    /// writes the updates ([`Layers::updates`]) and returns whether they restate the tree, and
    /// the damage. `seen` receives the images shown on screen.
    pub(crate) fn frame(
        &mut self,
        (scene, anims, images): (&Scene, &Animations, &Images),
        t: f64,
        viewport: (f32, f32),
        seen: &mut Vec<u32>,
    ) -> (bool, Vec<IntRect>) {
        let full = std::mem::take(&mut self.full);
        let all = std::mem::take(&mut self.all) || full || self.map.is_empty();
        let view = Rect::new(0.0, 0.0, viewport.0, viewport.1);
        self.frames += 1;
        let mut counts = Counts::default();
        let viewport = view.round_out();
        let mut damage = Damage::default();
        let mut rects = |r: IntRect| damage.add(r, &viewport);
        self.updates.clear();

        if !all {
            // A scroll layer whose window stepped on records what is near it now.
            for &id in &self.moved {
                if let Kind::Scroll(n) = Kind::of(id)
                    && let Some(l) = self.map.get(id)
                    && l.window != paint::window(scene, n, l.place.bx)
                {
                    self.dirty.insert(id);
                }
            }
        }
        let recorded = self.record(scene, images, view, all, full, &mut counts);
        let gone = self.gone(&recorded, all);
        for &id in &gone {
            if let Some(l) = self.map.remove(id) {
                if let Some(s) = l.screen {
                    rects(s.map(&l.before.as_ref().map_or(l.bounds, |b| b.bounds)));
                }
                self.retained -= retained_size(&l);
                for &h in &l.visible {
                    self.shown.unshow(h);
                }
                if !full {
                    wire::write_remove(&mut self.updates, id);
                }
            }
        }
        for &id in &recorded {
            if let Some(l) = self.map.get(id).filter(|l| l.before.as_ref().is_some_and(|b| b.changed)) {
                wire::write_content(&mut self.updates, id, &l.list);
                counts.recorded += 1;
            }
        }

        // Props and places on screen, parents before children (by depth): the layers that may
        // have moved, those recorded and what they draw, and below any layer that did move.
        // Queued by depth: `levels[d]` holds layers `d` below the root.
        let mut levels = std::mem::take(&mut self.levels);
        levels.iter_mut().for_each(Vec::clear);
        let mut moved = std::mem::take(&mut self.moved);
        if all {
            moved.clear();
            moved.push(ROOT);
        } else {
            moved.extend(recorded.iter().copied());
        }
        for id in moved.drain(..) {
            // Under a layer the backend animates, the screens the engine kept are stale: the walk
            // places again from the topmost such layer, sampled at this frame's time.
            for id in [self.animated_above(id), Some(id)].into_iter().flatten() {
                if let Some(depth) = self.depth(id) {
                    queue(&mut levels, depth, id);
                }
            }
        }
        self.moved = moved;
        let mut at = (0, 0);
        while let Some((depth, id)) = next(&levels, &mut at) {
            let parent_screen = match self.map.get(id) {
                Some(l) if l.placed != self.frames => self.map.get(l.parent).and_then(|p| p.screen),
                _ => continue,
            };
            let Some(l) = self.map.get_mut(id) else { continue };
            l.placed = self.frames;
            let mut tracks = Vec::new();
            let props = props_of(scene, anims, Kind::of(id), &l.place, &mut tracks);
            let screen = match parent_screen {
                Some(p) if id != ROOT => place_on(&p, &l.place, &props.at(&tracks, t)),
                _ => Screen { transform: Transform::IDENTITY, clip: view, opacity: 1.0 },
            };
            let plain = props == Props::default() && tracks.is_empty();
            if props != l.props || tracks != l.tracks || ((l.screen.is_none() || full) && !plain) {
                wire::write_props(&mut self.updates, id, &props, &tracks);
                counts.props += 1;
            }
            l.props = props;
            l.tracks = tracks;
            let b = l.before.take();
            let reordered = std::mem::take(&mut l.reordered);
            let moved = l.screen != Some(screen);
            match l.screen {
                None => rects(screen.map(&l.bounds)),
                Some(old) if moved || reordered => {
                    rects(old.map(&b.as_ref().map_or(l.bounds, |b| b.bounds)));
                    rects(screen.map(&l.bounds));
                }
                Some(_) => {
                    if let Some(b) = &b {
                        diff(&b.records, &l.records, |r| rects(screen.map(r)));
                    }
                }
            }
            l.screen = Some(screen);
            let children_reordered = b.as_ref().is_some_and(|b| b.children != l.children) || reordered;
            let descend = all || moved || b.is_some() || children_reordered;
            if !l.images.is_empty() || !l.visible.is_empty() {
                let visible: Vec<u32> = if screen.opacity > 0.0 {
                    l.images.iter().filter(|(_, _, r)| !screen.map(r).is_empty()).map(|(h, _, _)| *h).collect()
                } else {
                    Vec::new()
                };
                if l.visible != visible {
                    let was = std::mem::replace(&mut l.visible, visible);
                    was.iter().for_each(|&h| self.shown.unshow(h));
                    l.visible.iter().for_each(|&h| self.shown.show(h));
                }
            }
            if descend {
                // Lent out of the layer while its children are marked.
                let children = std::mem::take(&mut l.children);
                for &c in &children {
                    if let Some(child) = self.map.get_mut(c) {
                        child.reordered |= children_reordered;
                        queue(&mut levels, depth + 1, c);
                    }
                }
                if let Some(l) = self.map.get_mut(id) {
                    l.children = children;
                }
            }
        }
        self.levels = levels;
        // A recorded layer the walk did not reach (none should be) must not look recorded next time.
        for &id in &recorded {
            if let Some(l) = self.map.get_mut(id) {
                l.before = None;
            }
        }
        seen.clear();
        seen.extend_from_slice(&self.shown.seen);
        counts.layers = self.map.len() as u32;
        self.counts = counts;
        let damage =
            if full { if viewport.is_empty() { Vec::new() } else { vec![viewport] } } else { damage.finish(viewport) };
        (full, damage)
    }

    /// Records the dirty layers, and any layer they draw that is new (every layer when `all`);
    /// returns the ids recorded, sorted.
    fn record(
        &mut self,
        scene: &Scene,
        images: &Images,
        view: Rect,
        all: bool,
        full: bool,
        counts: &mut Counts,
    ) -> Vec<u32> {
        let mut recorded: Vec<u32> = Vec::new();
        let mut work: Vec<u32> = if all {
            vec![ROOT]
        } else {
            self.dirty.iter().rev().copied().filter(|l| self.map.contains_key(l)).collect()
        };
        self.dirty.clear();
        while let Some(id) = work.pop() {
            if self.map.get(id).is_some_and(|l| l.before.is_some()) {
                continue;
            }
            let place = self.map.get(id).map(|l| l.place);
            let mut rec =
                paint::record(scene, images, &self.promotions, Kind::of(id), place.as_ref(), view, &mut self.scratch);
            // One record a node: an unstable sort orders them as a stable one would.
            sort_by_key(&mut rec.records, |r| r.0);
            let layer = self.map.get_or_insert(id, || Layer::new(place.unwrap_or_else(|| root_place(view))));
            let old_size = retained_size(layer);
            let list = self.scratch.bytes();
            let changed = layer.list != list || layer.screen.is_none() || full;
            if changed {
                layer.list.clear();
                layer.list.extend_from_slice(list);
                counts.ops += self.scratch.len();
            }
            let bounds = rec.records.iter().fold(Rect::new(0.0, 0.0, 0.0, 0.0), |a, (_, r)| a.union(&r.bounds));
            let children = rec.children.iter().map(|c| c.0).collect();
            layer.before = Some(Before {
                records: std::mem::replace(&mut layer.records, rec.records),
                bounds: std::mem::replace(&mut layer.bounds, bounds),
                children: std::mem::replace(&mut layer.children, children),
                changed,
            });
            layer.images = rec.images;
            layer.window = match Kind::of(id) {
                Kind::Scroll(n) => paint::window(scene, n, layer.place.bx),
                _ => None,
            };
            self.retained = self.retained + retained_size(layer) - old_size;
            recorded.push(id);
            for (child, place) in rec.children {
                match self.map.get_mut(child) {
                    Some(c) => {
                        c.place = place;
                        c.parent = id;
                        if all {
                            work.push(child);
                        }
                    }
                    None => {
                        let c = self.map.get_or_insert(child, || Layer::new(place));
                        c.parent = id;
                        work.push(child);
                    }
                }
            }
        }
        sort_by_key(&mut recorded, |&id| id);
        recorded
    }

    /// The layers no list draws any more, sorted: when every layer was recorded, those that were
    /// not; otherwise, when a recorded layer dropped a child, those the tree no longer reaches.
    /// The walk also sets every layer's parent afresh: a layer recorded in this frame and then
    /// dropped may have claimed children that a live layer now draws.
    fn gone(&mut self, recorded: &[u32], all: bool) -> Vec<u32> {
        if all {
            let mut gone: Vec<u32> =
                self.map.layers.iter().filter(|(_, l)| l.before.is_none()).map(|(id, _)| *id).collect();
            sort_by_key(&mut gone, |&id| id);
            return gone;
        }
        let dropped = recorded.iter().any(|&id| {
            self.map
                .get(id)
                .is_some_and(|l| l.before.as_ref().is_some_and(|b| b.children.iter().any(|c| !l.children.contains(c))))
        });
        if !dropped {
            return Vec::new();
        }
        let mut reached = BTreeSet::new();
        let mut stack = vec![(ROOT, ROOT)];
        while let Some((id, parent)) = stack.pop() {
            let Some(l) = self.map.get_mut(id) else { continue };
            if !reached.insert(id) {
                continue;
            }
            l.parent = parent;
            stack.extend(l.children.iter().map(|&c| (c, id)));
        }
        let mut gone: Vec<u32> = self.map.layers.iter().map(|(id, _)| *id).filter(|id| !reached.contains(id)).collect();
        sort_by_key(&mut gone, |&id| id);
        gone
    }

    /// The topmost layer above `id` whose props the backend animates, if any.
    fn animated_above(&self, id: u32) -> Option<u32> {
        let mut top = None;
        let mut at = id;
        while at != ROOT {
            at = self.map.get(at)?.parent;
            if self.map.get(at).is_some_and(|l| !l.tracks.is_empty()) {
                top = Some(at);
            }
        }
        top
    }

    /// How deep layer `id` is under the root, or `None` if it is not in the tree.
    fn depth(&self, id: u32) -> Option<u32> {
        let mut depth = 0;
        let mut at = id;
        while at != ROOT {
            at = self.map.get(at)?.parent;
            depth += 1;
        }
        self.map.get(ROOT).map(|_| depth)
    }

    /// The last frame's layer updates.
    pub(crate) fn updates(&self) -> &[u8] {
        &self.updates
    }

    /// The last frame's counters.
    pub(crate) fn counts(&self) -> Counts {
        self.counts
    }

    /// Bytes the retained lists and records take (for the engine's memory figures).
    pub(crate) fn retained_bytes(&self) -> usize {
        self.retained
    }

    /// Promoted nodes that no longer animate, still to be demoted by a later frame.
    pub(crate) fn settling(&self) -> usize {
        self.promotions.lingering
    }
}

/// Which nodes are layers of their own.
#[derive(Debug, Default)]
struct Promotions {
    /// Nodes that are layers of their own.
    promoted: Vec<u32>,
    /// By node: the frame time until which it stays a layer (`INFINITY` while it animates,
    /// `NEG_INFINITY`: it is not one).
    until: Vec<f64>,
    /// Promoted nodes that no longer animate, waiting out their linger.
    lingering: usize,
    /// The frame time of the last promotion pass.
    previous: f64,
    /// Image nodes whose picture is a layer, in node order.
    pictures: Vec<u32>,
}

impl Promoted for Promotions {
    fn node(&self, n: usize) -> bool {
        self.until.get(n).is_some_and(|u| *u > f64::NEG_INFINITY)
    }

    fn picture(&self, n: usize) -> bool {
        self.pictures.binary_search(&(n as u32)).is_ok()
    }
}

/// The images the layers show on screen.
#[derive(Debug, Default)]
struct Shown {
    /// By image handle: how many layers show it on screen.
    showing: Vec<u32>,
    /// The images some layer shows on screen.
    seen: Vec<u32>,
}

impl Shown {
    fn show(&mut self, handle: u32) {
        let h = handle as usize;
        if self.showing.len() <= h {
            self.showing.resize(h + 1, 0);
        }
        self.showing[h] += 1;
        if self.showing[h] == 1 {
            self.seen.push(handle);
        }
    }

    fn unshow(&mut self, handle: u32) {
        let Some(n) = self.showing.get_mut(handle as usize) else { return };
        *n = n.saturating_sub(1);
        if *n == 0
            && let Some(at) = self.seen.iter().position(|&h| h == handle)
        {
            self.seen.remove(at);
        }
    }
}

/// Queues layer `id` at `depth`.
fn queue(levels: &mut Vec<Vec<u32>>, depth: u32, id: u32) {
    let d = depth as usize;
    if levels.len() <= d {
        levels.resize_with(d + 1, Vec::new);
    }
    levels[d].push(id);
}

/// The next queued layer after `at` (depth, index), shallowest first.
fn next(levels: &[Vec<u32>], at: &mut (usize, usize)) -> Option<(u32, u32)> {
    while let Some(level) = levels.get(at.0) {
        if let Some(&id) = level.get(at.1) {
            at.1 += 1;
            return Some((at.0 as u32, id));
        }
        *at = (at.0 + 1, 0);
    }
    None
}

/// Bytes a layer keeps.
fn retained_size(l: &Layer) -> usize {
    l.list.len() + l.records.len() * size_of::<(u32, Record)>()
}

fn root_place(view: Rect) -> Place {
    Place { origin: (0.0, 0.0), bx: view, transform: Transform::IDENTITY, clip: view, opacity: 1.0 }
}

/// A layer's props from the scene as it is now, and in `tracks` the lanes the backend animates
/// (whose values in the props are where the tracks start, not the engine's stale copy).
fn props_of(scene: &Scene, anims: &Animations, kind: Kind, place: &Place, tracks: &mut Vec<Track>) -> Props {
    match kind {
        Kind::Root => Props::default(),
        Kind::Node(n) => {
            let opacity = scene.visual[n].opacity.clamp(0.0, 1.0);
            let mut props = Props { opacity, ..paint::node_props(scene, n, place.bx) };
            anims.tracks(n, tracks);
            for t in tracks.iter() {
                props.set_lane(t.lane, t.lane.hold(t.from));
            }
            props
        }
        Kind::Picture(n) => {
            let fade = match &scene.content[n] {
                crate::scene::Content::Image(img) => img.fade.clamp(0.0, 1.0),
                _ => 1.0,
            };
            Props { opacity: fade, ..Props::default() }
        }
        Kind::Scroll(n) => {
            let v = &scene.visual[n];
            let [sx, sy] = scene.scroll[n];
            Props {
                clip: v.clip.then(|| paint::padding_box(place.bx, v.radii, v.border_width)),
                translate: [0.0 - sx, 0.0 - sy],
                ..Props::default()
            }
        }
    }
}

/// Where a layer drawn at `place` with `props` ends up, given where its parent is.
fn place_on(parent: &Screen, place: &Place, props: &Props) -> Screen {
    let site = place.transform.then(&parent.transform);
    let mut clip = parent.clip.intersect(&parent.transform.map_rect(&place.clip));
    if let Some((rect, _)) = props.clip {
        clip = clip.intersect(&site.map_rect(&rect));
    }
    Screen { transform: props.transform().then(&site), clip, opacity: parent.opacity * place.opacity * props.opacity }
}

/// Calls `damaged` with the old and new bounds of every record that changed, appeared or went;
/// both lists are sorted by node id.
fn diff(old: &[(u32, Record)], new: &[(u32, Record)], mut damaged: impl FnMut(&Rect)) {
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a.0 == b.0 => {
                if a.1 != b.1 {
                    damaged(&a.1.bounds);
                    damaged(&b.1.bounds);
                }
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a.0 < b.0 => {
                damaged(&a.1.bounds);
                i += 1;
            }
            (Some(a), None) => {
                damaged(&a.1.bounds);
                i += 1;
            }
            (_, Some(b)) => {
                damaged(&b.1.bounds);
                j += 1;
            }
            (None, None) => break,
        }
    }
}
