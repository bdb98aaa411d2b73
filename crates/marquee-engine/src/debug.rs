//! The debug query's answers (`marquee_engine_contract::debug`): a node as the engine has it
//! after the last frame, the node shown at a point, and the focus path with what each group
//! remembers. Read-only: answering changes nothing in the scene, so a host's overlay cannot
//! make the engine draw or behave differently.

use marquee_engine_contract::debug::{self, Answer, FocusInfo, FocusStep, Look, NodeInfo, Query, flags};
use marquee_protocol::{FocusGroup, NodeId, NodeKind, State};

use crate::Engine;
use crate::anim::Channel;
use crate::style::Visual;

impl Engine {
    /// Answers `query` into the engine's debug buffer and returns it (valid until the next call
    /// into the engine).
    pub fn debug_query(&mut self, query: Option<Query>) -> &[u8] {
        let answer = match query {
            Some(Query::Node(id)) => self.node_info(id),
            Some(Query::At { x, y }) => self.node_at(x, y).map_or(Answer::Nothing, |id| self.node_info(id)),
            Some(Query::Focus) => Answer::Focus(self.focus_info()),
            None => Answer::Nothing,
        };
        debug::encode(&answer, &mut self.debug);
        &self.debug
    }

    fn node_info(&self, id: u32) -> Answer {
        let s = &self.scene;
        let Some(Some(kind)) = s.kind.get(id as usize) else { return Answer::Nothing };
        let i = id as usize;
        let laid = s.layout.layout(s.layout_id[i]).ok();
        let sides = |r: Option<taffy::Rect<f32>>| r.map_or([0.0; 4], |r| [r.left, r.right, r.top, r.bottom]);
        let focus_within = self.focused.is_some_and(|f| s.contains(i, f));
        let behaviour = &s.behaviour[i];
        let mut bits = 0;
        for (on, bit) in [
            (behaviour.focusable, flags::FOCUSABLE),
            (self.focused == Some(i), flags::FOCUSED),
            (focus_within, flags::FOCUS_WITHIN),
            (self.screen_box(i).is_some(), flags::ATTACHED),
            (s.visual[i].scroll, flags::SCROLLS),
            (!s.visual[i].display, flags::HIDDEN),
        ] {
            if on {
                bits |= bit;
            }
        }
        let states = s.states[i].as_deref();
        Answer::Node(Box::new(NodeInfo {
            id,
            kind: match kind {
                NodeKind::View => 0,
                NodeKind::Image => 1,
                NodeKind::Text => 2,
            },
            parent: s.tree[i].parent,
            children: s.tree[i].children.len() as u32,
            child_ids: s.tree[i].children.iter().take(debug::MAX_LIST).copied().collect(),
            border_box: self.screen_box(i).unwrap_or([0.0; 4]),
            margin: sides(laid.map(|l| l.margin)),
            padding: sides(laid.map(|l| l.padding)),
            border: sides(laid.map(|l| l.border)),
            flags: bits,
            group: focus_group(behaviour.group),
            layer: self.layers.containing(s, i),
            animations: self.anims.running_on(i),
            base: look(&s.base[i]),
            shown: look(&self.shown(i)),
            focused: states.map_or(Vec::new(), |st| st[State::Focused as usize].clone()),
            focus_within: states.map_or(Vec::new(), |st| st[State::FocusWithin as usize].clone()),
        }))
    }

    /// Node `i`'s look as the last frame showed it: the engine's copy, with the animations the
    /// backend samples where they stood at that frame's time.
    fn shown(&self, i: usize) -> Visual {
        let mut v = self.scene.visual[i];
        for c in [Channel::Opacity, Channel::TranslateX, Channel::TranslateY, Channel::ScaleX, Channel::ScaleY] {
            v.set(c, self.current(i, c));
        }
        v
    }

    /// Node `i`'s border box on screen (its parents' scroll offsets applied, transforms not),
    /// `None` if it is not attached to the root.
    fn screen_box(&self, i: usize) -> Option<[f32; 4]> {
        let s = &self.scene;
        let (mut x, mut y, w, h) = s.local_box(i);
        let mut at = i;
        while let Some(p) = s.parent(at) {
            let (px, py, _, _) = s.local_box(p);
            let [sx, sy] = s.scroll[p];
            (x, y) = (x + px - sx, y + py - sy);
            at = p;
        }
        (at == 0).then_some([x, y, w, h])
    }

    /// The deepest node whose box holds the point, among those shown: later siblings (drawn
    /// over earlier ones at the same z-index) first, hidden subtrees skipped, a clipping
    /// container's children only inside it.
    fn node_at(&self, x: f32, y: f32) -> Option<u32> {
        let s = &self.scene;
        let inside =
            |i: usize| self.screen_box(i).is_some_and(|[bx, by, w, h]| x >= bx && x < bx + w && y >= by && y < by + h);
        let mut found = inside(0).then_some(0usize)?;
        'down: loop {
            for &c in s.tree[found].children.iter().rev() {
                let c = c as usize;
                if s.visual[c].display && inside(c) {
                    found = c;
                    continue 'down;
                }
            }
            return Some(found as u32);
        }
    }

    fn focus_info(&self) -> FocusInfo {
        let s = &self.scene;
        let mut path = Vec::new();
        let mut at = self.focused;
        while let Some(n) = at {
            if n == 0 || s.behaviour[n].group != FocusGroup::None {
                let remembered = self.memory.get(n).copied().filter(|&m| m != crate::NONE && s.exists(NodeId(m)));
                path.push(FocusStep { node: n as u32, group: focus_group(s.behaviour[n].group), remembered });
            }
            at = s.parent(n);
        }
        path.reverse();
        FocusInfo { focused: self.focused.map(|f| f as u32), path }
    }
}

fn focus_group(group: FocusGroup) -> u8 {
    match group {
        FocusGroup::None => 0,
        FocusGroup::Row => 1,
        FocusGroup::Column => 2,
        FocusGroup::Grid => 3,
    }
}

fn look(v: &Visual) -> Look {
    Look {
        background: v.background.0,
        border_color: v.border_color.0,
        opacity: v.opacity,
        translate: v.translate,
        scale: v.scale,
        radii: v.radii,
        z_index: v.z_index,
    }
}
