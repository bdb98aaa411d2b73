//! The scene store: component tables keyed by node id.
//!
//! Ids come from the SDK and are kept dense (it reuses freed ids), so every table is a `Vec`
//! indexed by id rather than a map: lookups are one bounds check, and iteration order is fixed,
//! which keeps output deterministic across native, Wasm and JS builds. Layout style and computed
//! boxes live in a taffy tree that mirrors the hierarchy; everything paint needs lives here.
//!
//! Every operation validates before it mutates, so a rejected command leaves no trace.

use marquee_protocol::{Direction, ErrorKind, NodeId, NodeKind, State, StyleDecl, StyleEntry, StyleProperty, limits};
use taffy::{TaffyTree, style as ts};

use crate::style::{self, Behaviour, Visual};
use crate::text::TextNode;

/// What a node shows besides its box: text or an image.
#[derive(Debug, Clone, Default)]
pub(crate) enum Content {
    #[default]
    None,
    Text(Box<TextNode>),
    Image(ImageNode),
}

/// An image node's link to its image.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ImageNode {
    /// The image's handle in `Images`; 0 for no source.
    pub(crate) handle: u32,
    /// How far the image has faded in, 0 to 1.
    pub(crate) fade: f32,
}

/// Style declarations that apply while a node is in a state, indexed by [`State`].
pub(crate) type States = [Vec<StyleDecl>; 3];

/// A node's `direction`: as set on it, if it is, and as it lays out (its own, or its parent's).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Dir {
    pub(crate) own: Option<bool>,
    pub(crate) rtl: bool,
}

/// The hierarchy component: a node's place in the tree.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hierarchy {
    pub(crate) parent: Option<u32>,
    pub(crate) children: Vec<u32>,
}

/// The scene: which nodes exist, how they nest, how they look.
pub(crate) struct Scene {
    pub(crate) kind: Vec<Option<NodeKind>>,
    pub(crate) tree: Vec<Hierarchy>,
    /// What paint shows: the style, with active state styles and running animations applied.
    pub(crate) visual: Vec<Visual>,
    /// The style as the app set it.
    pub(crate) base: Vec<Visual>,
    pub(crate) behaviour: Vec<Behaviour>,
    /// State styles of the few nodes that have them.
    pub(crate) states: Vec<Option<Box<States>>>,
    /// Scroll offset shown, and the offset it is heading to.
    pub(crate) scroll: Vec<[f32; 2]>,
    pub(crate) scroll_target: Vec<[f32; 2]>,
    /// The box (relative to the parent) a layout transition shows instead of the laid-out box.
    pub(crate) shown_box: Vec<Option<[f32; 4]>>,
    /// The last laid-out box of nodes with a layout transition, to see when layout moves them.
    pub(crate) last_box: Vec<Option<[f32; 4]>>,
    pub(crate) content: Vec<Content>,
    pub(crate) dir: Vec<Dir>,
    /// The logical declarations (`style::is_logical`) of the few nodes that have them, as set:
    /// what the physical ones are made from again when the node's direction changes.
    logical: Vec<Vec<StyleDecl>>,
    /// Text nodes whose paragraph the text service has not seen yet.
    pub(crate) unsent: Vec<u32>,
    /// Each node's counterpart in `layout`; meaningful only where `kind` is `Some`.
    pub(crate) layout_id: Vec<taffy::NodeId>,
    /// The layout tree; a text node's taffy context is its id, which the measure callback needs.
    pub(crate) layout: TaffyTree<u32>,
    live: usize,
}

type Result<T> = std::result::Result<T, ErrorKind>;

impl Scene {
    /// A scene holding only the root, sized `width` × `height`.
    pub(crate) fn new(width: f32, height: f32) -> Scene {
        let mut layout = TaffyTree::new();
        let root_style = ts::Style {
            size: taffy::Size { width: ts::Dimension::length(width), height: ts::Dimension::length(height) },
            ..style::default_layout()
        };
        // A fresh tree with one node cannot fail to allocate it; fall back to the default id
        // rather than panic, which would only show up as an empty scene.
        let root = layout.new_leaf(root_style).unwrap_or_else(|_| taffy::NodeId::from(0u64));
        Scene {
            kind: vec![Some(NodeKind::View)],
            tree: vec![Hierarchy::default()],
            visual: vec![Visual::default()],
            base: vec![Visual::default()],
            behaviour: vec![Behaviour::default()],
            states: vec![None],
            scroll: vec![[0.0; 2]],
            scroll_target: vec![[0.0; 2]],
            shown_box: vec![None],
            last_box: vec![None],
            content: vec![Content::None],
            dir: vec![Dir::default()],
            logical: vec![Vec::new()],
            unsent: Vec::new(),
            layout_id: vec![root],
            layout,
            live: 1,
        }
    }

    /// Nodes alive, root included.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    pub(crate) fn exists(&self, id: NodeId) -> bool {
        matches!(self.kind.get(id.0 as usize), Some(Some(_)))
    }

    fn check(&self, id: NodeId) -> Result<usize> {
        if self.exists(id) { Ok(id.0 as usize) } else { Err(ErrorKind::UnknownNode(id.0)) }
    }

    pub(crate) fn create(&mut self, id: NodeId, kind: NodeKind) -> Result<()> {
        if self.exists(id) {
            return Err(ErrorKind::NodeExists(id.0));
        }
        let i = id.0 as usize;
        let leaf = match kind {
            NodeKind::Text => self.layout.new_leaf_with_context(style::default_layout(), i as u32),
            _ => self.layout.new_leaf(style::default_layout()),
        };
        let lid = leaf.map_err(|_| ErrorKind::BadValue("layout tree full"))?;
        if i >= self.kind.len() {
            self.kind.resize(i + 1, None);
            self.tree.resize(i + 1, Hierarchy::default());
            self.visual.resize(i + 1, Visual::default());
            self.base.resize(i + 1, Visual::default());
            self.behaviour.resize(i + 1, Behaviour::default());
            self.states.resize(i + 1, None);
            self.scroll.resize(i + 1, [0.0; 2]);
            self.scroll_target.resize(i + 1, [0.0; 2]);
            self.shown_box.resize(i + 1, None);
            self.last_box.resize(i + 1, None);
            self.content.resize(i + 1, Content::None);
            self.dir.resize(i + 1, Dir::default());
            self.logical.resize(i + 1, Vec::new());
            self.layout_id.resize(i + 1, lid);
        }
        self.kind[i] = Some(kind);
        self.tree[i] = Hierarchy::default();
        self.visual[i] = Visual::default();
        self.base[i] = Visual::default();
        self.behaviour[i] = Behaviour::default();
        self.states[i] = None;
        self.scroll[i] = [0.0; 2];
        self.scroll_target[i] = [0.0; 2];
        self.shown_box[i] = None;
        self.last_box[i] = None;
        self.dir[i] = Dir::default();
        self.logical[i] = Vec::new();
        self.content[i] = match kind {
            NodeKind::View => Content::None,
            NodeKind::Text => Content::Text(Box::default()),
            NodeKind::Image => Content::Image(ImageNode::default()),
        };
        self.layout_id[i] = lid;
        self.live += 1;
        Ok(())
    }

    /// Destroys `id` and its subtree, handing each freed id and its content to `freed`; returns
    /// how many nodes went.
    pub(crate) fn destroy(&mut self, id: NodeId, mut freed: impl FnMut(u32, Content)) -> Result<usize> {
        let i = self.check(id)?;
        if i == 0 {
            return Err(ErrorKind::RootImmutable);
        }
        self.detach(i);
        let mut stack = vec![i];
        let mut gone = 0;
        while let Some(n) = stack.pop() {
            stack.extend(std::mem::take(&mut self.tree[n].children).into_iter().map(|c| c as usize));
            let _ = self.layout.remove(self.layout_id[n]);
            self.kind[n] = None;
            self.tree[n] = Hierarchy::default();
            self.states[n] = None;
            self.logical[n] = Vec::new();
            gone += 1;
            freed(n as u32, std::mem::take(&mut self.content[n]));
        }
        self.live -= gone;
        Ok(gone)
    }

    /// Attaches `child` under `parent`, before `before` (or last), detaching it first.
    pub(crate) fn attach(&mut self, parent: NodeId, child: NodeId, before: Option<NodeId>) -> Result<()> {
        let p = self.check(parent)?;
        let c = self.check(child)?;
        if c == 0 {
            return Err(ErrorKind::RootImmutable);
        }
        if let Some(b) = before {
            let bi = self.check(b)?;
            if self.tree[bi].parent != Some(p as u32) {
                return Err(ErrorKind::NotAChild { parent: parent.0, child: b.0 });
            }
            if bi == c {
                // Inserting a node before itself leaves it where it is.
                return Ok(());
            }
        }
        // Walk up from the new parent: meeting the child means a cycle; the walk's length is the
        // parent's depth, which with the child's subtree height must stay within the limit.
        let mut depth = 1;
        let mut at = Some(p);
        while let Some(n) = at {
            if n == c {
                return Err(ErrorKind::Cycle);
            }
            depth += 1;
            at = self.tree[n].parent.map(|x| x as usize);
        }
        if depth + self.height(c) > limits::MAX_TREE_DEPTH {
            return Err(ErrorKind::TooDeep);
        }
        self.detach(c);
        let index = match before {
            Some(b) => self.tree[p].children.iter().position(|&x| x == b.0).unwrap_or(self.tree[p].children.len()),
            None => self.tree[p].children.len(),
        };
        self.tree[p].children.insert(index, c as u32);
        self.tree[c].parent = Some(p as u32);
        let _ = self.layout.insert_child_at_index(self.layout_id[p], index, self.layout_id[c]);
        // A subtree that inherits its direction takes its new parent's.
        self.redirect(c);
        Ok(())
    }

    /// Detaches `child` from `parent`, which must be its parent.
    pub(crate) fn remove_child(&mut self, parent: NodeId, child: NodeId) -> Result<()> {
        let p = self.check(parent)?;
        let c = self.check(child)?;
        if self.tree[c].parent != Some(p as u32) {
            return Err(ErrorKind::NotAChild { parent: parent.0, child: child.0 });
        }
        self.detach(c);
        Ok(())
    }

    fn detach(&mut self, c: usize) {
        if let Some(p) = self.tree[c].parent.take() {
            let p = p as usize;
            // A node is among its parent's children once: stop at it. `retain` read the whole
            // list, so destroying a thousand siblings one by one read half a million entries.
            let children = &mut self.tree[p].children;
            if let Some(at) = children.iter().position(|&x| x as usize == c) {
                children.remove(at);
            }
            let _ = self.layout.remove_child(self.layout_id[p], self.layout_id[c]);
            self.renew_if_stale(p);
        }
    }

    /// Works around taffy 0.15.1 keeping a node's list of absolutely positioned descendants
    /// ("hoisted children") when the node loses its last child: layout then treats it as a leaf
    /// and never clears the list, and the next layout rounds a removed node and panics. Such a
    /// node gets a fresh taffy leaf with the same style (`tests/scenes/absolute-removed.scene`).
    fn renew_if_stale(&mut self, p: usize) {
        let lid = self.layout_id[p];
        let stale = self.tree[p].children.is_empty() && self.layout.hoisted_children(lid).is_ok_and(|h| !h.is_empty());
        if !stale {
            return;
        }
        let style = self.layout.style(lid).cloned().unwrap_or_else(|_| style::default_layout());
        let fresh = match self.layout.get_node_context(lid).copied() {
            Some(ctx) => self.layout.new_leaf_with_context(style, ctx),
            None => self.layout.new_leaf(style),
        };
        let Ok(fresh) = fresh else { return };
        if let Some(gp) = self.parent(p) {
            let index = self.tree[gp].children.iter().position(|&x| x as usize == p).unwrap_or(0);
            let _ = self.layout.replace_child_at_index(self.layout_id[gp], index, fresh);
        }
        let _ = self.layout.remove(lid);
        self.layout_id[p] = fresh;
    }

    /// Levels below `n` (0 for a leaf), found breadth-first without recursion.
    fn height(&self, n: usize) -> usize {
        let mut level = vec![n];
        let mut h = 0;
        loop {
            let next: Vec<usize> =
                level.iter().flat_map(|&x| self.tree[x].children.iter().map(|&c| c as usize)).collect();
            if next.is_empty() {
                return h;
            }
            h += 1;
            level = next;
        }
    }

    /// Sets a style property, or resets it when `clear`. Returns whether layout is affected.
    pub(crate) fn set_style(&mut self, id: NodeId, decl: StyleDecl, clear: bool) -> Result<bool> {
        let i = self.check(id)?;
        let p = decl.property();
        if i == 0 && !style::allowed_on_root(p) {
            return Err(ErrorKind::RootImmutable);
        }
        if let StyleDecl::Direction(d) = decl {
            self.dir[i].own = (!clear).then_some(d == Direction::Rtl);
            return Ok(self.redirect(i));
        }
        // A logical declaration is kept as set, and lays out and paints as the side it stands for.
        let decl = if style::is_logical(p) {
            self.keep_logical(i, p, (!clear).then_some(decl));
            style::physical(decl, self.dir[i].rtl)
        } else {
            decl
        };
        if style::is_text(decl.property()) {
            let Content::Text(t) = &mut self.content[i] else { return Err(ErrorKind::WrongKind(id.0)) };
            if !style::apply_text(decl, &mut t.style) {
                return Ok(false);
            }
            self.text_changed(i);
            return Ok(true);
        }
        if !decl.property().affects_layout() {
            let mut unused = ts::Style::DEFAULT;
            style::apply(decl, clear, &mut unused, &mut self.visual[i]);
            style::apply(decl, clear, &mut unused, &mut self.base[i]);
            self.behaviour[i].apply(decl);
            return Ok(false);
        }
        let lid = self.layout_id[i];
        let mut layout = self.layout.style(lid).cloned().unwrap_or_else(|_| style::default_layout());
        let before = layout.clone();
        style::apply(decl, clear, &mut layout, &mut self.visual[i]);
        style::apply(decl, clear, &mut layout, &mut self.base[i]);
        // Setting a property to the value it has must not dirty layout: apps re-send styles
        // freely, and a dirty node costs a relayout of its ancestors.
        if layout == before {
            return Ok(false);
        }
        let _ = self.layout.set_style(lid, layout);
        Ok(true)
    }

    /// Sets a reusable style's declarations on a node, as `set_style` and `set_state_style` would
    /// one by one, checking them all first; the layout style is cloned and stored once, however
    /// many layout properties the style sets. Returns whether layout is affected.
    pub(crate) fn use_style(&mut self, id: NodeId, entries: &[StyleEntry]) -> Result<bool> {
        let i = self.check(id)?;
        let text = matches!(self.content[i], Content::Text(_));
        for e in entries {
            let p = e.decl.property();
            if i == 0 && e.state.is_none() && !style::allowed_on_root(p) {
                return Err(ErrorKind::RootImmutable);
            }
            if style::is_text(p) && !text {
                return Err(ErrorKind::WrongKind(id.0));
            }
        }
        let lid = self.layout_id[i];
        let mut layout: Option<ts::Style> = None;
        let mut text_changed = false;
        let mut turned = false;
        for e in entries {
            let mut decl = e.decl;
            let mut p = decl.property();
            if e.state.is_none() && style::is_logical(p) {
                self.keep_logical(i, p, Some(decl));
                decl = style::physical(decl, self.dir[i].rtl);
                p = decl.property();
            }
            if let (None, StyleDecl::Direction(d)) = (e.state, decl) {
                self.dir[i].own = Some(d == Direction::Rtl);
                turned = true;
            } else if let Some(state) = e.state {
                self.set_state_style(id, state, p, Some(decl))?;
            } else if style::is_text(p) {
                if let Content::Text(t) = &mut self.content[i] {
                    text_changed |= style::apply_text(decl, &mut t.style);
                }
            } else if !p.affects_layout() {
                let mut unused = ts::Style::DEFAULT;
                style::apply(decl, false, &mut unused, &mut self.visual[i]);
                style::apply(decl, false, &mut unused, &mut self.base[i]);
                self.behaviour[i].apply(decl);
            } else {
                let tree = &self.layout;
                let l =
                    layout.get_or_insert_with(|| tree.style(lid).cloned().unwrap_or_else(|_| style::default_layout()));
                style::apply(decl, false, l, &mut self.visual[i]);
                style::apply(decl, false, l, &mut self.base[i]);
            }
        }
        if text_changed {
            self.text_changed(i);
        }
        // As `set_style`: a style that leaves the layout as it was does not dirty it.
        let relayout = match layout {
            Some(l) if self.layout.style(lid).ok() != Some(&l) => {
                let _ = self.layout.set_style(lid, l);
                true
            }
            _ => false,
        };
        let redirected = turned && self.redirect(i);
        Ok(relayout || text_changed || redirected)
    }

    /// Keeps (or, `None`, forgets) node `i`'s logical declaration of `p`.
    fn keep_logical(&mut self, i: usize, p: StyleProperty, decl: Option<StyleDecl>) {
        let list = &mut self.logical[i];
        list.retain(|d| d.property() != p);
        list.extend(decl);
    }

    /// Whether node `i` should lay out right to left: its own `direction`, else its parent's.
    fn rtl_due(&self, i: usize) -> bool {
        self.dir[i].own.unwrap_or_else(|| self.parent(i).is_some_and(|p| self.dir[p].rtl))
    }

    /// Brings the direction node `i` lays out in, and that of each descendant inheriting it, in
    /// line with its own `direction` or its parent's: the taffy style's direction (which mirrors
    /// rows and `start`/`end`), the physical sides of its logical declarations, and a text node's
    /// paragraph. A subtree whose direction stays costs one comparison. Returns whether any
    /// node's layout changed.
    fn redirect(&mut self, i: usize) -> bool {
        // Nearly every attach lands where the direction is the node's already: no walk.
        if self.rtl_due(i) == self.dir[i].rtl {
            return false;
        }
        let mut changed = false;
        let mut stack = vec![i];
        while let Some(n) = stack.pop() {
            let rtl = self.rtl_due(n);
            if rtl == self.dir[n].rtl {
                continue;
            }
            changed = true;
            self.dir[n].rtl = rtl;
            let lid = self.layout_id[n];
            let mut layout = self.layout.style(lid).cloned().unwrap_or_else(|_| style::default_layout());
            layout.direction = if rtl { ts::Direction::Rtl } else { ts::Direction::Ltr };
            // The logical declarations leave the sides they had (all of them first: inline-start
            // and inline-end swap) for the sides they have now.
            let logical = &self.logical[n];
            let sides = |rtl| logical.iter().map(move |d| style::physical(*d, rtl));
            let old = sides(!rtl).map(|d| (style::default_decl(d.property()), true));
            for (decl, clear) in old.chain(sides(rtl).map(|d| (d, false))) {
                style::apply(decl, clear, &mut layout, &mut self.visual[n]);
                style::apply(decl, clear, &mut layout, &mut self.base[n]);
            }
            let _ = self.layout.set_style(lid, layout);
            if let Content::Text(t) = &mut self.content[n] {
                t.rtl = rtl;
                self.text_changed(n);
            }
            stack.extend(self.tree[n].children.iter().map(|&c| c as usize).filter(|&c| self.dir[c].own.is_none()));
        }
        changed
    }

    /// Whether a new leaf could be attached under `parent` (it exists, and the tree would stay
    /// within the depth limit), checked before a command that creates and attaches changes anything.
    pub(crate) fn can_adopt(&self, parent: NodeId) -> Result<()> {
        let mut at = Some(self.check(parent)?);
        // As `attach` counts: the new leaf, then each node from the parent up.
        let mut depth = 1;
        while let Some(n) = at {
            depth += 1;
            at = self.tree[n].parent.map(|x| x as usize);
        }
        if depth > limits::MAX_TREE_DEPTH { Err(ErrorKind::TooDeep) } else { Ok(()) }
    }

    /// Sets a text node's text (`family: false`) or font family (`true`). Returns whether layout
    /// is affected.
    pub(crate) fn set_text(&mut self, id: NodeId, value: String, family: bool) -> Result<bool> {
        let i = self.check(id)?;
        let Content::Text(t) = &mut self.content[i] else { return Err(ErrorKind::WrongKind(id.0)) };
        let slot = if family { &mut t.family } else { &mut t.text };
        if *slot == value {
            return Ok(false);
        }
        *slot = value;
        self.text_changed(i);
        Ok(true)
    }

    /// A text node's paragraph changed: it must go to the text service and be measured again.
    fn text_changed(&mut self, i: usize) {
        if let Content::Text(t) = &mut self.content[i] {
            t.changed();
            if !std::mem::replace(&mut t.queued, true) {
                self.unsent.push(i as u32);
            }
        }
        let _ = self.layout.mark_dirty(self.layout_id[i]);
    }

    pub(crate) fn clear_style(&mut self, id: NodeId, p: StyleProperty) -> Result<bool> {
        self.set_style(id, style::default_decl(p), true)
    }

    /// Adds (or replaces) a state's declaration of a property; `None` removes it.
    pub(crate) fn set_state_style(
        &mut self,
        id: NodeId,
        state: State,
        property: StyleProperty,
        decl: Option<StyleDecl>,
    ) -> Result<usize> {
        let i = self.check(id)?;
        let states = self.states[i].get_or_insert_with(Box::default);
        let list = &mut states[state as usize];
        list.retain(|d| d.property() != property);
        list.extend(decl);
        if states.iter().all(Vec::is_empty) {
            self.states[i] = None;
        }
        Ok(i)
    }

    /// The visual a node shows at rest: its style with the state styles of `active` states on
    /// top (focus-within, then item-focused, then focused: the node's own focus wins).
    pub(crate) fn resting(&self, i: usize, active: [bool; 3]) -> Visual {
        let mut v = self.base[i];
        if let Some(states) = &self.states[i] {
            let mut unused = ts::Style::DEFAULT;
            for state in [State::FocusWithin, State::ItemFocused, State::Focused] {
                if active[state as usize] {
                    for d in &states[state as usize] {
                        style::apply(style::physical(*d, self.dir[i].rtl), false, &mut unused, &mut v);
                    }
                }
            }
        }
        v
    }

    /// Whether `a` is `n` or one of its ancestors.
    pub(crate) fn contains(&self, a: usize, n: usize) -> bool {
        let mut at = Some(n);
        while let Some(x) = at {
            if x == a {
                return true;
            }
            at = self.tree[x].parent.map(|p| p as usize);
        }
        false
    }

    /// The property `p` stands for on node `i` (a logical one is a side by its direction): the
    /// one whose animation channel a command on `p` drives.
    pub(crate) fn physical(&self, i: usize, p: StyleProperty) -> StyleProperty {
        style::physical_property(p, self.dir.get(i).is_some_and(|d| d.rtl))
    }

    pub(crate) fn parent(&self, i: usize) -> Option<usize> {
        self.tree[i].parent.map(|p| p as usize)
    }

    /// The box paint uses: a layout transition's box while one runs, else the laid-out box.
    pub(crate) fn paint_box(&self, i: usize) -> (f32, f32, f32, f32) {
        match self.shown_box[i] {
            Some([x, y, w, h]) => (x, y, w, h),
            None => self.local_box(i),
        }
    }

    /// Padding plus border on each side (left, right, top, bottom), from the last layout.
    pub(crate) fn insets(&self, i: usize) -> [f32; 4] {
        match self.layout.layout(self.layout_id[i]) {
            Ok(l) => [
                l.padding.left + l.border.left,
                l.padding.right + l.border.right,
                l.padding.top + l.border.top,
                l.padding.bottom + l.border.bottom,
            ],
            Err(_) => [0.0; 4],
        }
    }

    pub(crate) fn set_viewport(&mut self, width: f32, height: f32) {
        let root = self.layout_id[0];
        let mut s = self.layout.style(root).cloned().unwrap_or_else(|_| style::default_layout());
        s.size = taffy::Size { width: ts::Dimension::length(width), height: ts::Dimension::length(height) };
        let _ = self.layout.set_style(root, s);
    }

    /// The border box of a node relative to its parent's border box, from the last layout.
    pub(crate) fn local_box(&self, i: usize) -> (f32, f32, f32, f32) {
        match self.layout.layout(self.layout_id[i]) {
            Ok(l) => (l.location.x, l.location.y, l.size.width, l.size.height),
            Err(_) => (0.0, 0.0, 0.0, 0.0),
        }
    }

    /// The border box in root coordinates, ignoring transforms: what `QueryLayout` answers.
    /// A node that is not attached to the root is not laid out, and gets an empty box at 0,0.
    pub(crate) fn absolute_box(&self, id: NodeId) -> Result<(f32, f32, f32, f32)> {
        let i = self.check(id)?;
        let (mut x, mut y, w, h) = self.local_box(i);
        let mut at = i;
        while let Some(p) = self.tree[at].parent {
            let (px, py, _, _) = self.local_box(p as usize);
            x += px;
            y += py;
            at = p as usize;
        }
        if at != 0 {
            return Ok((0.0, 0.0, 0.0, 0.0));
        }
        Ok((x, y, w, h))
    }
}
