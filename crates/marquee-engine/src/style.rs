//! Turns protocol style declarations into the two places style lives: taffy's layout style, and
//! the engine's own [`Visual`] component that paint reads.
//!
//! Defaults follow CSS where Marquee has the property (`display: flex`, `flex-direction: row`,
//! `flex-shrink: 1`, `opacity: 1` …), so app authors' expectations from the web hold.

use marquee_display_list::text::{TextAlign as Align, TextStyle};
use marquee_protocol::{
    AlignItems, Color, Dimension, Direction, Display, EasingName, FlexDirection, FlexWrap, FocusGroup, FocusRestore,
    FontStyle, JustifyContent, Length, LengthPercentage, ObjectFit, Overflow, Position, ScrollAlign, StyleDecl,
    StyleProperty, TextAlign, TextOverflow, Toggle,
};
use taffy::style as ts;

use crate::anim::{self, Channel, Value};

/// CSS's initial `color`: black.
const CSS_TEXT_COLOR: Color = Color(0x0000_00ff);

/// Paint-time style of a node: everything that does not affect layout, plus overflow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Visual {
    pub(crate) display: bool,
    pub(crate) clip: bool,
    /// `overflow: scroll`: clipped, and offset by the engine's scroll position.
    pub(crate) scroll: bool,
    pub(crate) background: Color,
    pub(crate) border_width: f32,
    pub(crate) border_color: Color,
    pub(crate) radii: [f32; 4],
    pub(crate) opacity: f32,
    pub(crate) translate: [f32; 2],
    pub(crate) scale: [f32; 2],
    pub(crate) z_index: i32,
    /// Text colour (text nodes).
    pub(crate) color: Color,
    /// Shown in an image node's content box until its image is (fully) in.
    pub(crate) placeholder: Color,
    pub(crate) fit: ObjectFit,
}

impl Default for Visual {
    fn default() -> Self {
        Visual {
            display: true,
            clip: false,
            scroll: false,
            background: Color::TRANSPARENT,
            border_width: 0.0,
            border_color: Color::TRANSPARENT,
            radii: [0.0; 4],
            opacity: 1.0,
            translate: [0.0; 2],
            scale: [1.0; 2],
            z_index: 0,
            color: CSS_TEXT_COLOR,
            placeholder: Color::TRANSPARENT,
            fit: ObjectFit::Fill,
        }
    }
}

impl Visual {
    /// The current value of an animatable channel (the paint channels only).
    pub(crate) fn get(&self, c: Channel) -> Value {
        match c {
            Channel::Background => anim::color_value(self.background),
            Channel::BorderColor => anim::color_value(self.border_color),
            Channel::TextColor => anim::color_value(self.color),
            Channel::Placeholder => anim::color_value(self.placeholder),
            Channel::Radius(i) => anim::number(self.radii[i as usize & 3]),
            Channel::Opacity => anim::number(self.opacity),
            Channel::TranslateX => anim::number(self.translate[0]),
            Channel::TranslateY => anim::number(self.translate[1]),
            Channel::ScaleX => anim::number(self.scale[0]),
            Channel::ScaleY => anim::number(self.scale[1]),
            _ => anim::number(0.0),
        }
    }

    /// Sets an animatable channel; values are clamped to the property's range, since easings
    /// such as springs and `cubic-bezier` overshoot.
    pub(crate) fn set(&mut self, c: Channel, v: Value) {
        let n = v[0];
        match c {
            Channel::Background => self.background = anim::value_color(v),
            Channel::BorderColor => self.border_color = anim::value_color(v),
            Channel::TextColor => self.color = anim::value_color(v),
            Channel::Placeholder => self.placeholder = anim::value_color(v),
            Channel::Radius(i) => self.radii[i as usize & 3] = n.max(0.0),
            Channel::Opacity => self.opacity = n.clamp(0.0, 1.0),
            Channel::TranslateX => self.translate[0] = n,
            Channel::TranslateY => self.translate[1] = n,
            Channel::ScaleX => self.scale[0] = n.max(0.0),
            Channel::ScaleY => self.scale[1] = n.max(0.0),
            _ => {}
        }
    }
}

/// How a node takes part in focus, scrolling and transitions: the behaviour properties
/// (`0x80..`), which neither lay out nor paint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Behaviour {
    pub(crate) focusable: bool,
    pub(crate) group: FocusGroup,
    pub(crate) trap: bool,
    pub(crate) restore: FocusRestore,
    pub(crate) autofocus: bool,
    /// Explicit targets for up, right, down, left; -1 for none.
    pub(crate) nav: [i32; 4],
    pub(crate) scroll_align: ScrollAlign,
    pub(crate) scroll_duration: f32,
    pub(crate) focus_duration: f32,
    pub(crate) layout_duration: f32,
    pub(crate) easing: EasingName,
    pub(crate) fade_in_duration: f32,
    /// The scroll containers this one scrolls with (`scroll-link`); 0 for none.
    pub(crate) scroll_link: i32,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            focusable: false,
            group: FocusGroup::None,
            trap: false,
            restore: FocusRestore::Last,
            autofocus: false,
            nav: [-1; 4],
            scroll_align: ScrollAlign::Nearest,
            scroll_duration: 200.0,
            focus_duration: 150.0,
            layout_duration: 0.0,
            easing: EasingName::Ease,
            fade_in_duration: 200.0,
            scroll_link: 0,
        }
    }
}

impl Behaviour {
    /// Applies a behaviour declaration; others are ignored.
    pub(crate) fn apply(&mut self, decl: StyleDecl) {
        use StyleDecl as D;
        match decl {
            D::Focusable(t) => self.focusable = t == Toggle::Yes,
            D::FocusGroup(g) => self.group = g,
            D::FocusTrap(t) => self.trap = t == Toggle::Yes,
            D::FocusRestore(r) => self.restore = r,
            D::Autofocus(t) => self.autofocus = t == Toggle::Yes,
            D::NavUp(n) => self.nav[0] = n,
            D::NavRight(n) => self.nav[1] = n,
            D::NavDown(n) => self.nav[2] = n,
            D::NavLeft(n) => self.nav[3] = n,
            D::ScrollAlign(a) => self.scroll_align = a,
            D::ScrollDuration(v) => self.scroll_duration = v,
            D::FocusDuration(v) => self.focus_duration = v,
            D::LayoutDuration(v) => self.layout_duration = v,
            D::TransitionEasing(e) => self.easing = e,
            D::FadeInDuration(v) => self.fade_in_duration = v,
            D::ScrollLink(v) => self.scroll_link = v,
            _ => {}
        }
    }
}

/// The layout style every new node starts with.
pub(crate) fn default_layout() -> ts::Style {
    // Every node is `relative` unless told otherwise, as in React Native: an absolute child is
    // placed in its parent's box. (taffy's default is CSS's `static`, which would place it in
    // the nearest positioned ancestor's — the root's, in a tree that never says `relative`.)
    ts::Style { display: ts::Display::Flex, position: ts::Position::Relative, ..ts::Style::DEFAULT }
}

/// The style of a declaration's property when it is cleared.
pub(crate) fn default_decl(p: StyleProperty) -> StyleDecl {
    use StyleProperty as P;
    let auto = Dimension::Auto;
    let zero = LengthPercentage::Px(0.0);
    match p {
        P::Display => StyleDecl::Display(Display::Flex),
        P::Position => StyleDecl::Position(Position::Relative),
        P::FlexDirection => StyleDecl::FlexDirection(FlexDirection::Row),
        P::FlexWrap => StyleDecl::FlexWrap(FlexWrap::NoWrap),
        P::JustifyContent => StyleDecl::JustifyContent(JustifyContent::FlexStart),
        P::AlignItems => StyleDecl::AlignItems(AlignItems::Stretch),
        // `auto`: there is no keyword for it on the wire; clearing is how an app gets it back.
        P::AlignSelf => StyleDecl::AlignSelf(AlignItems::Stretch),
        P::AlignContent => StyleDecl::AlignContent(JustifyContent::Stretch),
        P::RowGap => StyleDecl::RowGap(zero),
        P::ColumnGap => StyleDecl::ColumnGap(zero),
        P::FlexGrow => StyleDecl::FlexGrow(0.0),
        P::FlexShrink => StyleDecl::FlexShrink(1.0),
        P::FlexBasis => StyleDecl::FlexBasis(auto),
        P::Width => StyleDecl::Width(auto),
        P::Height => StyleDecl::Height(auto),
        P::MinWidth => StyleDecl::MinWidth(auto),
        P::MinHeight => StyleDecl::MinHeight(auto),
        P::MaxWidth => StyleDecl::MaxWidth(auto),
        P::MaxHeight => StyleDecl::MaxHeight(auto),
        P::PaddingTop => StyleDecl::PaddingTop(zero),
        P::PaddingRight => StyleDecl::PaddingRight(zero),
        P::PaddingBottom => StyleDecl::PaddingBottom(zero),
        P::PaddingLeft => StyleDecl::PaddingLeft(zero),
        P::MarginTop => StyleDecl::MarginTop(Dimension::Px(0.0)),
        P::MarginRight => StyleDecl::MarginRight(Dimension::Px(0.0)),
        P::MarginBottom => StyleDecl::MarginBottom(Dimension::Px(0.0)),
        P::MarginLeft => StyleDecl::MarginLeft(Dimension::Px(0.0)),
        P::Top => StyleDecl::Top(auto),
        P::Right => StyleDecl::Right(auto),
        P::Bottom => StyleDecl::Bottom(auto),
        P::Left => StyleDecl::Left(auto),
        P::Overflow => StyleDecl::Overflow(Overflow::Visible),
        P::BorderWidth => StyleDecl::BorderWidth(Length(0.0)),
        // Cleared, a node's direction is its parent's: the scene sees to that (`Scene::set_style`).
        P::Direction => StyleDecl::Direction(Direction::Ltr),
        P::MarginInlineStart => StyleDecl::MarginInlineStart(Dimension::Px(0.0)),
        P::MarginInlineEnd => StyleDecl::MarginInlineEnd(Dimension::Px(0.0)),
        P::PaddingInlineStart => StyleDecl::PaddingInlineStart(zero),
        P::PaddingInlineEnd => StyleDecl::PaddingInlineEnd(zero),
        P::InsetInlineStart => StyleDecl::InsetInlineStart(auto),
        P::InsetInlineEnd => StyleDecl::InsetInlineEnd(auto),
        P::RadiusStartStart => StyleDecl::RadiusStartStart(Length(0.0)),
        P::RadiusStartEnd => StyleDecl::RadiusStartEnd(Length(0.0)),
        P::RadiusEndEnd => StyleDecl::RadiusEndEnd(Length(0.0)),
        P::RadiusEndStart => StyleDecl::RadiusEndStart(Length(0.0)),
        P::BackgroundColor => StyleDecl::BackgroundColor(Color::TRANSPARENT),
        P::BorderColor => StyleDecl::BorderColor(Color::TRANSPARENT),
        P::RadiusTopLeft => StyleDecl::RadiusTopLeft(Length(0.0)),
        P::RadiusTopRight => StyleDecl::RadiusTopRight(Length(0.0)),
        P::RadiusBottomRight => StyleDecl::RadiusBottomRight(Length(0.0)),
        P::RadiusBottomLeft => StyleDecl::RadiusBottomLeft(Length(0.0)),
        P::Opacity => StyleDecl::Opacity(1.0),
        P::TranslateX => StyleDecl::TranslateX(Length(0.0)),
        P::TranslateY => StyleDecl::TranslateY(Length(0.0)),
        P::ScaleX => StyleDecl::ScaleX(1.0),
        P::ScaleY => StyleDecl::ScaleY(1.0),
        P::ZIndex => StyleDecl::ZIndex(0),
        P::Focusable => StyleDecl::Focusable(Toggle::No),
        P::FocusGroup => StyleDecl::FocusGroup(FocusGroup::None),
        P::FocusTrap => StyleDecl::FocusTrap(Toggle::No),
        P::FocusRestore => StyleDecl::FocusRestore(FocusRestore::Last),
        P::Autofocus => StyleDecl::Autofocus(Toggle::No),
        P::NavUp => StyleDecl::NavUp(-1),
        P::NavRight => StyleDecl::NavRight(-1),
        P::NavDown => StyleDecl::NavDown(-1),
        P::NavLeft => StyleDecl::NavLeft(-1),
        P::ScrollAlign => StyleDecl::ScrollAlign(ScrollAlign::Nearest),
        P::ScrollDuration => StyleDecl::ScrollDuration(200.0),
        P::FocusDuration => StyleDecl::FocusDuration(150.0),
        P::LayoutDuration => StyleDecl::LayoutDuration(0.0),
        P::TransitionEasing => StyleDecl::TransitionEasing(EasingName::Ease),
        P::FadeInDuration => StyleDecl::FadeInDuration(200.0),
        P::ScrollLink => StyleDecl::ScrollLink(0),
        P::FontSize => StyleDecl::FontSize(Length(16.0)),
        P::FontWeight => StyleDecl::FontWeight(400),
        P::FontStyle => StyleDecl::FontStyle(FontStyle::Normal),
        P::LineHeight => StyleDecl::LineHeight(1.2),
        P::LetterSpacing => StyleDecl::LetterSpacing(Length(0.0)),
        P::TextAlign => StyleDecl::TextAlign(TextAlign::Start),
        P::MaxLines => StyleDecl::MaxLines(0),
        P::TextOverflow => StyleDecl::TextOverflow(TextOverflow::Clip),
        P::Color => StyleDecl::Color(CSS_TEXT_COLOR),
        P::PlaceholderColor => StyleDecl::PlaceholderColor(Color::TRANSPARENT),
        P::ObjectFit => StyleDecl::ObjectFit(ObjectFit::Fill),
    }
}

/// Whether a property names a side by the node's `direction` (`margin-inline-start`,
/// `border-start-end-radius` …): the scene keeps it as set and lays out and paints the physical
/// property it stands for ([`physical`]), again whenever the node's direction changes.
pub(crate) fn is_logical(p: StyleProperty) -> bool {
    use StyleProperty as P;
    // Every set_style asks, so a match rather than `physical_property(p, false) != p` (a test
    // holds the two to the same answer).
    matches!(
        p,
        P::MarginInlineStart
            | P::MarginInlineEnd
            | P::PaddingInlineStart
            | P::PaddingInlineEnd
            | P::InsetInlineStart
            | P::InsetInlineEnd
            | P::RadiusStartStart
            | P::RadiusStartEnd
            | P::RadiusEndEnd
            | P::RadiusEndStart
    )
}

/// The physical declaration a logical one stands for in a node whose direction is `rtl` (or
/// not); any other declaration as it is.
pub(crate) fn physical(decl: StyleDecl, rtl: bool) -> StyleDecl {
    use StyleDecl as D;
    match (decl, rtl) {
        (D::MarginInlineStart(v), false) | (D::MarginInlineEnd(v), true) => D::MarginLeft(v),
        (D::MarginInlineStart(v), true) | (D::MarginInlineEnd(v), false) => D::MarginRight(v),
        (D::PaddingInlineStart(v), false) | (D::PaddingInlineEnd(v), true) => D::PaddingLeft(v),
        (D::PaddingInlineStart(v), true) | (D::PaddingInlineEnd(v), false) => D::PaddingRight(v),
        (D::InsetInlineStart(v), false) | (D::InsetInlineEnd(v), true) => D::Left(v),
        (D::InsetInlineStart(v), true) | (D::InsetInlineEnd(v), false) => D::Right(v),
        (D::RadiusStartStart(v), false) | (D::RadiusStartEnd(v), true) => D::RadiusTopLeft(v),
        (D::RadiusStartStart(v), true) | (D::RadiusStartEnd(v), false) => D::RadiusTopRight(v),
        (D::RadiusEndEnd(v), false) | (D::RadiusEndStart(v), true) => D::RadiusBottomRight(v),
        (D::RadiusEndEnd(v), true) | (D::RadiusEndStart(v), false) => D::RadiusBottomLeft(v),
        (d, _) => d,
    }
}

/// [`physical`] for a property: the one a logical property stands for in a node whose direction
/// is `rtl`; any other as it is.
pub(crate) fn physical_property(p: StyleProperty, rtl: bool) -> StyleProperty {
    if is_logical(p) { physical(default_decl(p), rtl).property() } else { p }
}

/// Whether a property sets how text is set (and so only means something on text nodes).
pub(crate) fn is_text(p: StyleProperty) -> bool {
    (0x30..0x38).contains(&(p as u16))
}

/// Applies a text declaration to a paragraph's style; returns whether it changed.
pub(crate) fn apply_text(decl: StyleDecl, t: &mut TextStyle) -> bool {
    use StyleDecl as D;
    let before = *t;
    match decl {
        D::FontSize(Length(v)) => t.size = v,
        D::FontWeight(w) => t.weight = w as u16,
        D::FontStyle(s) => t.italic = s == FontStyle::Italic,
        D::LineHeight(v) => t.line_height = v,
        D::LetterSpacing(Length(v)) => t.letter_spacing = v,
        D::TextAlign(a) => {
            t.align = match a {
                TextAlign::Start => Align::Start,
                TextAlign::Center => Align::Center,
                TextAlign::End => Align::End,
                TextAlign::Left => Align::Left,
                TextAlign::Right => Align::Right,
            }
        }
        D::MaxLines(n) => t.max_lines = n as u32,
        D::TextOverflow(o) => t.ellipsis = o == TextOverflow::Ellipsis,
        _ => {}
    }
    *t != before
}

/// Whether the root may have this property set: not the ones that would size or move it, since
/// the root is the viewport.
pub(crate) fn allowed_on_root(p: StyleProperty) -> bool {
    use StyleProperty as P;
    !matches!(
        p,
        P::Display
            | P::Position
            | P::Width
            | P::Height
            | P::MinWidth
            | P::MinHeight
            | P::MaxWidth
            | P::MaxHeight
            | P::MarginTop
            | P::MarginRight
            | P::MarginBottom
            | P::MarginLeft
            | P::Top
            | P::Right
            | P::Bottom
            | P::Left
            | P::MarginInlineStart
            | P::MarginInlineEnd
            | P::InsetInlineStart
            | P::InsetInlineEnd
            | P::FlexBasis
            | P::FlexGrow
            | P::FlexShrink
            | P::AlignSelf
    )
}

fn dim(d: Dimension) -> ts::Dimension {
    match d {
        Dimension::Auto => ts::Dimension::auto(),
        Dimension::Px(v) => ts::Dimension::length(v),
        // Taffy's percent is a fraction; the protocol's is 0–100 like CSS.
        Dimension::Percent(v) => ts::Dimension::percent(v / 100.0),
    }
}

fn lpa(d: Dimension) -> ts::LengthPercentageAuto {
    match d {
        Dimension::Auto => ts::LengthPercentageAuto::auto(),
        Dimension::Px(v) => ts::LengthPercentageAuto::length(v),
        Dimension::Percent(v) => ts::LengthPercentageAuto::percent(v / 100.0),
    }
}

fn lp(d: LengthPercentage) -> ts::LengthPercentage {
    match d {
        LengthPercentage::Px(v) => ts::LengthPercentage::length(v),
        LengthPercentage::Percent(v) => ts::LengthPercentage::percent(v / 100.0),
    }
}

fn justify(j: JustifyContent) -> ts::JustifyContent {
    match j {
        JustifyContent::FlexStart => ts::JustifyContent::FLEX_START,
        JustifyContent::FlexEnd => ts::JustifyContent::FLEX_END,
        JustifyContent::Start => ts::JustifyContent::START,
        JustifyContent::End => ts::JustifyContent::END,
        JustifyContent::Center => ts::JustifyContent::CENTER,
        JustifyContent::Stretch => ts::JustifyContent::STRETCH,
        JustifyContent::SpaceBetween => ts::JustifyContent::SPACE_BETWEEN,
        JustifyContent::SpaceAround => ts::JustifyContent::SPACE_AROUND,
        JustifyContent::SpaceEvenly => ts::JustifyContent::SPACE_EVENLY,
    }
}

fn align(a: AlignItems) -> ts::AlignItems {
    match a {
        AlignItems::Stretch => ts::AlignItems::STRETCH,
        AlignItems::FlexStart => ts::AlignItems::FLEX_START,
        AlignItems::FlexEnd => ts::AlignItems::FLEX_END,
        AlignItems::Start => ts::AlignItems::START,
        AlignItems::End => ts::AlignItems::END,
        AlignItems::Center => ts::AlignItems::CENTER,
        AlignItems::Baseline => ts::AlignItems::BASELINE,
    }
}

/// Applies a declaration. Layout properties change `layout` and return `true`; paint properties
/// change `visual` and return `false`. `cleared` marks a reset to the default, which for
/// `align-self` means `auto` rather than the placeholder keyword.
pub(crate) fn apply(decl: StyleDecl, cleared: bool, layout: &mut ts::Style, visual: &mut Visual) -> bool {
    use StyleDecl as D;
    let l = layout;
    match decl {
        D::Display(d) => {
            visual.display = d == Display::Flex;
            l.display = if visual.display { ts::Display::Flex } else { ts::Display::None };
        }
        D::Position(p) => {
            l.position = match p {
                Position::Relative => ts::Position::Relative,
                Position::Absolute => ts::Position::Absolute,
            }
        }
        D::FlexDirection(d) => {
            l.flex_direction = match d {
                FlexDirection::Row => ts::FlexDirection::Row,
                FlexDirection::Column => ts::FlexDirection::Column,
                FlexDirection::RowReverse => ts::FlexDirection::RowReverse,
                FlexDirection::ColumnReverse => ts::FlexDirection::ColumnReverse,
            }
        }
        D::FlexWrap(w) => {
            l.flex_wrap = match w {
                FlexWrap::NoWrap => ts::FlexWrap::NoWrap,
                FlexWrap::Wrap => ts::FlexWrap::Wrap,
                FlexWrap::WrapReverse => ts::FlexWrap::WrapReverse,
            }
        }
        D::JustifyContent(j) => l.justify_content = justify(j),
        D::AlignItems(a) => l.align_items = align(a),
        D::AlignSelf(a) => l.align_self = if cleared { None } else { Some(align(a)) },
        D::AlignContent(j) => l.align_content = justify(j),
        D::RowGap(v) => l.gap.height = lp(v),
        D::ColumnGap(v) => l.gap.width = lp(v),
        D::FlexGrow(v) => l.flex_grow = v,
        D::FlexShrink(v) => l.flex_shrink = v,
        D::FlexBasis(v) => l.flex_basis = dim(v),
        D::Width(v) => l.size.width = dim(v),
        D::Height(v) => l.size.height = dim(v),
        D::MinWidth(v) => l.min_size.width = lpa(v),
        D::MinHeight(v) => l.min_size.height = lpa(v),
        D::MaxWidth(v) => l.max_size.width = lpa(v),
        D::MaxHeight(v) => l.max_size.height = lpa(v),
        D::PaddingTop(v) => l.padding.top = lp(v),
        D::PaddingRight(v) => l.padding.right = lp(v),
        D::PaddingBottom(v) => l.padding.bottom = lp(v),
        D::PaddingLeft(v) => l.padding.left = lp(v),
        D::MarginTop(v) => l.margin.top = lpa(v),
        D::MarginRight(v) => l.margin.right = lpa(v),
        D::MarginBottom(v) => l.margin.bottom = lpa(v),
        D::MarginLeft(v) => l.margin.left = lpa(v),
        D::Top(v) => l.inset.top = lpa(v),
        D::Right(v) => l.inset.right = lpa(v),
        D::Bottom(v) => l.inset.bottom = lpa(v),
        D::Left(v) => l.inset.left = lpa(v),
        D::Overflow(o) => {
            visual.clip = o != Overflow::Visible;
            visual.scroll = o == Overflow::Scroll;
            let o = match o {
                Overflow::Visible => ts::Overflow::Visible,
                Overflow::Clip => ts::Overflow::Clip,
                Overflow::Scroll => ts::Overflow::Scroll,
            };
            l.overflow = taffy::Point { x: o, y: o };
        }
        D::BorderWidth(Length(v)) => {
            visual.border_width = v;
            let w = ts::LengthPercentage::length(v);
            l.border = taffy::Rect { left: w, right: w, top: w, bottom: w };
        }
        D::BackgroundColor(c) => visual.background = c,
        D::BorderColor(c) => visual.border_color = c,
        D::RadiusTopLeft(Length(v)) => visual.radii[0] = v,
        D::RadiusTopRight(Length(v)) => visual.radii[1] = v,
        D::RadiusBottomRight(Length(v)) => visual.radii[2] = v,
        D::RadiusBottomLeft(Length(v)) => visual.radii[3] = v,
        D::Opacity(v) => visual.opacity = v,
        D::TranslateX(Length(v)) => visual.translate[0] = v,
        D::TranslateY(Length(v)) => visual.translate[1] = v,
        D::ScaleX(v) => visual.scale[0] = v,
        D::ScaleY(v) => visual.scale[1] = v,
        D::ZIndex(z) => visual.z_index = z,
        D::Color(c) => visual.color = c,
        D::PlaceholderColor(c) => visual.placeholder = c,
        D::ObjectFit(f) => visual.fit = f,
        // Behaviour properties live in `Behaviour`; `Scene::set_style` routes them there.
        _ => {}
    }
    decl.property().affects_layout()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_logical`'s list and `physical`'s table name the same properties, and each logical
    /// property stands for a different side in each direction.
    #[test]
    fn the_logical_properties_are_those_physical_maps() {
        for &p in StyleProperty::ALL {
            let maps = physical(default_decl(p), false).property() != p;
            assert_eq!(is_logical(p), maps, "{}", p.name());
            if maps {
                assert_ne!(physical_property(p, false), physical_property(p, true), "{}", p.name());
                assert!(!is_logical(physical_property(p, true)), "{}", p.name());
            }
        }
    }
}
