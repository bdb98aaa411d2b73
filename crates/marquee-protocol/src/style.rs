//! Style properties and their values, as they travel on the wire.
//!
//! One table ([`style_properties!`] below) lists every property: its wire code, its CSS-like
//! name, its value type, any range, its default and a note for the document. Everything else —
//! the typed [`StyleDecl`], the binary and text codecs, the SDK's property table
//! (`sdk/src/wire.js`) and docs/protocol.md's — is derived from that table (the last two by
//! `cargo xtask codegen`), so a property cannot exist in one place and be missing in another.
//!
//! A value travels as `tag:u8 bits:u32`. The tag says how to read the bits; each property accepts
//! only the tags of its value type, so `width: #ff0000ff` is rejected at decode time rather than
//! discovered during layout.

use std::fmt;

/// Value tags on the wire: how a style value's 32 bits are read.
pub mod tag {
    /// `auto` (the bits are 0).
    pub const AUTO: u8 = 0;
    /// Logical pixels, `f32`.
    pub const PX: u8 = 1;
    /// Percent of the parent's content box, `f32`.
    pub const PERCENT: u8 = 2;
    /// A number, `f32`.
    pub const NUMBER: u8 = 3;
    /// A colour, `0xRRGGBBAA`.
    pub const COLOR: u8 = 4;
    /// An index in the property's keyword list.
    pub const KEYWORD: u8 = 5;
    /// An integer, `i32`.
    pub const INT: u8 = 6;
    /// Every tag with its name in the SDK, in code order.
    pub const ALL: [(&str, u8); 7] = [
        ("auto", AUTO),
        ("px", PX),
        ("percent", PERCENT),
        ("number", NUMBER),
        ("color", COLOR),
        ("keyword", KEYWORD),
        ("int", INT),
    ];
}

/// What a style property's value is, as the SDK and the protocol document describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `auto`, px or percent ([`Dimension`]).
    Dimension,
    /// px or percent ([`LengthPercentage`]).
    LengthPercentage,
    /// px ([`Length`]).
    Length,
    /// A number (`f32`).
    Number,
    /// A [`Color`].
    Color,
    /// An integer (`i32`).
    Integer,
    /// One of these keywords, sent as its index.
    Keyword(&'static [&'static str]),
}

/// The range a numeric style value must lie in (the engine rejects others with `BadValue`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The least value, if any.
    pub min: Option<f64>,
    /// Whether `min` itself is excluded.
    pub above_min: bool,
    /// The greatest value, if any (included).
    pub max: Option<f64>,
}

impl Bounds {
    const fn between(min: f64, max: f64) -> Bounds {
        Bounds { min: Some(min), above_min: false, max: Some(max) }
    }

    /// Whether `v` lies within.
    pub fn admits(&self, v: f64) -> bool {
        let low = match self.min {
            Some(min) if self.above_min => v > min,
            Some(min) => v >= min,
            None => true,
        };
        low && self.max.is_none_or(|max| v <= max)
    }
}

/// A numeric style value as the number [`Bounds`] check.
pub(crate) trait Numeric {
    fn number(self) -> f64;
}

impl Numeric for f32 {
    fn number(self) -> f64 {
        f64::from(self)
    }
}

impl Numeric for i32 {
    fn number(self) -> f64 {
        f64::from(self)
    }
}

impl Numeric for Length {
    fn number(self) -> f64 {
        f64::from(self.0)
    }
}

/// How a value type reads and writes itself, in binary and in text.
pub(crate) trait Value: Sized + Copy {
    const KIND: ValueKind;
    fn to_wire(self) -> (u8, u32);
    fn from_wire(tag: u8, bits: u32) -> Result<Self, &'static str>;
    fn parse(s: &str) -> Result<Self, String>;
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

fn finite(bits: u32) -> Result<f32, &'static str> {
    let v = f32::from_bits(bits);
    if v.is_finite() { Ok(v) } else { Err("not a finite number") }
}

fn parse_f32(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("`{s}` is not a finite number")),
    }
}

/// A length in pixels, percent of the containing block, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dimension {
    /// Decided by the layout algorithm.
    Auto,
    /// Logical pixels.
    Px(f32),
    /// Percent (0–100) of the parent's content box.
    Percent(f32),
}

/// A length in pixels or percent, without `auto`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LengthPercentage {
    /// Logical pixels.
    Px(f32),
    /// Percent (0–100) of the parent's content box.
    Percent(f32),
}

/// A length in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Length(pub f32);

/// An sRGB colour with straight (not premultiplied) alpha, packed `0xRRGGBBAA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Color(pub u32);

impl Color {
    /// Fully transparent black.
    pub const TRANSPARENT: Color = Color(0);
    /// The red, green, blue and alpha channels.
    pub fn rgba(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }
    /// Whether drawing this colour changes nothing.
    pub fn is_transparent(self) -> bool {
        self.0 & 0xff == 0
    }
}

impl Value for Dimension {
    const KIND: ValueKind = ValueKind::Dimension;
    fn to_wire(self) -> (u8, u32) {
        match self {
            Dimension::Auto => (tag::AUTO, 0),
            Dimension::Px(v) => (tag::PX, v.to_bits()),
            Dimension::Percent(v) => (tag::PERCENT, v.to_bits()),
        }
    }
    fn from_wire(t: u8, bits: u32) -> Result<Self, &'static str> {
        match t {
            tag::AUTO => Ok(Dimension::Auto),
            tag::PX => Ok(Dimension::Px(finite(bits)?)),
            tag::PERCENT => Ok(Dimension::Percent(finite(bits)?)),
            _ => Err("expected auto, px or percent"),
        }
    }
    fn parse(s: &str) -> Result<Self, String> {
        if s == "auto" {
            return Ok(Dimension::Auto);
        }
        match LengthPercentage::parse(s)? {
            LengthPercentage::Px(v) => Ok(Dimension::Px(v)),
            LengthPercentage::Percent(v) => Ok(Dimension::Percent(v)),
        }
    }
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dimension::Auto => f.write_str("auto"),
            Dimension::Px(v) => write!(f, "{v}px"),
            Dimension::Percent(v) => write!(f, "{v}%"),
        }
    }
}

impl Value for LengthPercentage {
    const KIND: ValueKind = ValueKind::LengthPercentage;
    fn to_wire(self) -> (u8, u32) {
        match self {
            LengthPercentage::Px(v) => (tag::PX, v.to_bits()),
            LengthPercentage::Percent(v) => (tag::PERCENT, v.to_bits()),
        }
    }
    fn from_wire(t: u8, bits: u32) -> Result<Self, &'static str> {
        match t {
            tag::PX => Ok(LengthPercentage::Px(finite(bits)?)),
            tag::PERCENT => Ok(LengthPercentage::Percent(finite(bits)?)),
            _ => Err("expected px or percent"),
        }
    }
    fn parse(s: &str) -> Result<Self, String> {
        if let Some(n) = s.strip_suffix("px") {
            Ok(LengthPercentage::Px(parse_f32(n)?))
        } else if let Some(n) = s.strip_suffix('%') {
            Ok(LengthPercentage::Percent(parse_f32(n)?))
        } else {
            Err(format!("`{s}` needs a unit (px or %)"))
        }
    }
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LengthPercentage::Px(v) => write!(f, "{v}px"),
            LengthPercentage::Percent(v) => write!(f, "{v}%"),
        }
    }
}

impl Value for Length {
    const KIND: ValueKind = ValueKind::Length;
    fn to_wire(self) -> (u8, u32) {
        (tag::PX, self.0.to_bits())
    }
    fn from_wire(t: u8, bits: u32) -> Result<Self, &'static str> {
        if t == tag::PX { Ok(Length(finite(bits)?)) } else { Err("expected px") }
    }
    fn parse(s: &str) -> Result<Self, String> {
        match s.strip_suffix("px") {
            Some(n) => Ok(Length(parse_f32(n)?)),
            None => Err(format!("`{s}` needs the px unit")),
        }
    }
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}px", self.0)
    }
}

impl Value for f32 {
    const KIND: ValueKind = ValueKind::Number;
    fn to_wire(self) -> (u8, u32) {
        (tag::NUMBER, self.to_bits())
    }
    fn from_wire(t: u8, bits: u32) -> Result<Self, &'static str> {
        if t == tag::NUMBER { finite(bits) } else { Err("expected a number") }
    }
    fn parse(s: &str) -> Result<Self, String> {
        parse_f32(s)
    }
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl Value for i32 {
    const KIND: ValueKind = ValueKind::Integer;
    fn to_wire(self) -> (u8, u32) {
        (tag::INT, self as u32)
    }
    fn from_wire(t: u8, bits: u32) -> Result<Self, &'static str> {
        if t == tag::INT { Ok(bits as i32) } else { Err("expected an integer") }
    }
    fn parse(s: &str) -> Result<Self, String> {
        s.parse().map_err(|_| format!("`{s}` is not an integer"))
    }
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl Value for Color {
    const KIND: ValueKind = ValueKind::Color;
    fn to_wire(self) -> (u8, u32) {
        (tag::COLOR, self.0)
    }
    fn from_wire(t: u8, bits: u32) -> Result<Self, &'static str> {
        if t == tag::COLOR { Ok(Color(bits)) } else { Err("expected a colour") }
    }
    fn parse(s: &str) -> Result<Self, String> {
        let hex = s.strip_prefix('#').ok_or_else(|| format!("`{s}` is not a #rrggbb[aa] colour"))?;
        let v = u32::from_str_radix(hex, 16).map_err(|_| format!("`{s}` is not a #rrggbb[aa] colour"))?;
        match hex.len() {
            6 => Ok(Color(v << 8 | 0xff)),
            8 => Ok(Color(v)),
            _ => Err(format!("`{s}` is not a #rrggbb[aa] colour")),
        }
    }
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:08x}", self.0)
    }
}

/// Defines a keyword enum whose values travel as their index.
macro_rules! keywords {
    ($(#[$meta:meta])* $Name:ident { $($(#[$vmeta:meta])* $Variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(u32)]
        pub enum $Name {
            #[default]
            $($(#[$vmeta])* $Variant,)*
        }

        impl $Name {
            /// Every keyword, in wire order.
            pub const ALL: &'static [$Name] = &[$($Name::$Variant,)*];
            /// The keyword as written in the text form and in the SDK.
            pub fn name(self) -> &'static str {
                match self { $($Name::$Variant => $text,)* }
            }

            /// Looks a keyword up by name.
            pub fn from_name(s: &str) -> Option<$Name> {
                $Name::ALL.iter().copied().find(|k| k.name() == s)
            }

            #[allow(dead_code, reason = "only some keyword sets travel outside style values")]
            pub(crate) fn from_index(i: u8) -> Option<$Name> {
                $Name::ALL.get(i as usize).copied()
            }
        }

        impl Value for $Name {
            const KIND: ValueKind = ValueKind::Keyword(&[$($text),*]);
            fn to_wire(self) -> (u8, u32) {
                (tag::KEYWORD, self as u32)
            }
            fn from_wire(t: u8, bits: u32) -> Result<Self, &'static str> {
                if t != tag::KEYWORD {
                    return Err("expected a keyword");
                }
                $Name::ALL.get(bits as usize).copied().ok_or("unknown keyword")
            }
            fn parse(s: &str) -> Result<Self, String> {
                $Name::ALL.iter().copied().find(|k| k.name() == s)
                    .ok_or_else(|| format!("`{s}` is not one of: {}", [$($text),*].join(", ")))
            }
            fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

keywords! {
    /// Whether a node takes part in layout and paint.
    Display { /** A flex container. */ Flex = "flex", /** Removed from layout and paint. */ None = "none", }
}
keywords! {
    /// How a node is positioned.
    Position { /** In flow. */ Relative = "relative", /** Out of flow, placed by insets. */ Absolute = "absolute", }
}
keywords! {
    /// The main axis of a flex container.
    FlexDirection {
        /** Left to right. */ Row = "row",
        /** Top to bottom. */ Column = "column",
        /** Right to left. */ RowReverse = "row-reverse",
        /** Bottom to top. */ ColumnReverse = "column-reverse",
    }
}
keywords! {
    /// Whether flex items wrap onto new lines.
    FlexWrap { /** One line. */ NoWrap = "nowrap", /** Wrap forwards. */ Wrap = "wrap", /** Wrap backwards. */ WrapReverse = "wrap-reverse", }
}
keywords! {
    /// Distribution of space on an axis (justify-content, align-content).
    JustifyContent {
        /** Packed at the start. */ FlexStart = "flex-start",
        /** Packed at the end. */ FlexEnd = "flex-end",
        /** Packed at the logical start. */ Start = "start",
        /** Packed at the logical end. */ End = "end",
        /** Centred. */ Center = "center",
        /** Stretched. */ Stretch = "stretch",
        /** Even gaps, none at the edges. */ SpaceBetween = "space-between",
        /** Even gaps, half at the edges. */ SpaceAround = "space-around",
        /** Even gaps everywhere. */ SpaceEvenly = "space-evenly",
    }
}
keywords! {
    /// Alignment on the cross axis (align-items, align-self).
    AlignItems {
        /** Stretched to fill the line. */ Stretch = "stretch",
        /** At the start. */ FlexStart = "flex-start",
        /** At the end. */ FlexEnd = "flex-end",
        /** At the logical start. */ Start = "start",
        /** At the logical end. */ End = "end",
        /** Centred. */ Center = "center",
        /** On the first baseline. */ Baseline = "baseline",
    }
}
keywords! {
    /// Whether content outside the node's box is painted.
    Overflow {
        /** Painted. */ Visible = "visible",
        /** Clipped to the padding box, with the corner radii. */ Clip = "clip",
        /** Clipped, and scrolled by the engine to keep the focused descendant in view. */ Scroll = "scroll",
    }
}
keywords! {
    /// A yes/no switch.
    Toggle { /** Off. */ No = "no", /** On. */ Yes = "yes", }
}
keywords! {
    /// How a focus group moves focus among its members with the arrow keys.
    FocusGroup {
        /** Not a group: the node's focusable descendants belong to the enclosing group. */ None = "none",
        /** Left and right move within the group; up and down leave it. */ Row = "row",
        /** Up and down move within the group; left and right leave it. */ Column = "column",
        /** All four arrows move within the group, by geometry. */ Grid = "grid",
    }
}
keywords! {
    /// Which member gets focus when focus enters a group from outside.
    FocusRestore {
        /** The member focused last, if any; else the nearest. */ Last = "last",
        /** The member nearest to where focus came from. */ Nearest = "nearest",
    }
}
keywords! {
    /// Where a scroll container puts a newly focused descendant.
    ScrollAlign {
        /** The least scrolling that brings it fully into view. */ Nearest = "nearest",
        /** At the start of the container's content box. */ Start = "start",
        /** In the middle of the container. */ Center = "center",
    }
}
keywords! {
    /// Upright or slanted letters.
    FontStyle { /** Upright. */ Normal = "normal", /** Italic (or oblique, if the family has no italic). */ Italic = "italic", }
}
keywords! {
    /// Where lines sit in a text node's box.
    TextAlign {
        /** At the start of the node's `direction`: left in `ltr`, right in `rtl`. */ Start = "start",
        /** Centred. */ Center = "center",
        /** At the end of the node's `direction`. */ End = "end",
        /** At the left. */ Left = "left",
        /** At the right. */ Right = "right",
    }
}
keywords! {
    /// Which way a node's inline axis runs: rows, `start` and `end`, and the `inline` properties.
    Direction {
        /** Left to right. */ Ltr = "ltr",
        /** Right to left: rows start at the right, `start` is the right side. */ Rtl = "rtl",
    }
}
keywords! {
    /// What happens to text beyond `max-lines`.
    TextOverflow { /** The lines are cut. */ Clip = "clip", /** The last shown line ends in "…". */ Ellipsis = "ellipsis", }
}
keywords! {
    /// How an image fills its node's content box.
    ObjectFit {
        /** Stretched to the box. */ Fill = "fill",
        /** Scaled to cover the box, cropped to its aspect. */ Cover = "cover",
        /** Scaled to fit inside the box, letterboxed. */ Contain = "contain",
    }
}
keywords! {
    /// The named timing curves, as CSS defines them.
    EasingName {
        /** `cubic-bezier(0.25, 0.1, 0.25, 1)` */ Ease = "ease",
        /** Constant speed. */ Linear = "linear",
        /** `cubic-bezier(0.42, 0, 1, 1)` */ EaseIn = "ease-in",
        /** `cubic-bezier(0, 0, 0.58, 1)` */ EaseOut = "ease-out",
        /** `cubic-bezier(0.42, 0, 0.58, 1)` */ EaseInOut = "ease-in-out",
    }
}

const NON_NEGATIVE: Bounds = Bounds { min: Some(0.0), above_min: false, max: None };

const FONT_SIZE: Bounds = Bounds { min: Some(0.0), above_min: true, max: Some(4096.0) };

/// CSS weights are 1–1000; 400 is regular, 700 bold.
const FONT_WEIGHT: Bounds = Bounds::between(1.0, 1000.0);

const LINE_HEIGHT: Bounds = Bounds::between(0.0, 100.0);

const LETTER_SPACING: Bounds = Bounds::between(-4096.0, 4096.0);

const MAX_LINES: Bounds = Bounds::between(0.0, 10_000.0);

const UNIT_INTERVAL: Bounds = Bounds::between(0.0, 1.0);

/// A node reference in a style value: an id the SDK could have made, or -1 for none.
const NODE_REF: Bounds = Bounds::between(-1.0, crate::limits::MAX_NODE_ID as f64);

/// A scroll link: 0 for none, else a number the app picks for each set of linked containers.
const SCROLL_LINK: Bounds = Bounds::between(0.0, 65_535.0);

/// A duration in milliseconds: up to ten minutes, which is longer than any UI transition.
const DURATION_MS: Bounds = Bounds::between(0.0, 600_000.0);

macro_rules! style_properties {
    ($($code:literal $Variant:ident $name:literal: $Ty:ty $(where $check:path)? = $default:literal $(, $note:literal)?;)*) => {
        /// A style property, as named by the `SetStyle` and `ClearStyle` commands.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum StyleProperty {
            $(#[doc = concat!("`", $name, "`")] $Variant = $code,)*
        }

        /// A style property with its value: one `SetStyle` command.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum StyleDecl {
            $(#[doc = concat!("`", $name, "`")] $Variant($Ty),)*
        }

        impl StyleProperty {
            /// Every property, in wire-code order.
            pub const ALL: &'static [StyleProperty] = &[$(StyleProperty::$Variant,)*];

            /// Maps a wire code to a property.
            pub fn from_u16(code: u16) -> Option<StyleProperty> {
                match code { $($code => Some(StyleProperty::$Variant),)* _ => None }
            }

            /// The property's name in the text form and in the SDK.
            pub fn name(self) -> &'static str {
                match self { $(StyleProperty::$Variant => $name,)* }
            }

            /// Looks a property up by name.
            pub fn from_name(name: &str) -> Option<StyleProperty> {
                match name { $($name => Some(StyleProperty::$Variant),)* _ => None }
            }

            /// What the property's value is.
            pub fn kind(self) -> ValueKind {
                match self { $(StyleProperty::$Variant => <$Ty as Value>::KIND,)* }
            }

            /// The range a numeric value must lie in, if the property has one.
            pub fn bounds(self) -> Option<Bounds> {
                match self { $(StyleProperty::$Variant => None $(.or(Some($check)))?,)* }
            }

            /// The value a node has until the property is set (or after it is cleared), as the
            /// protocol document shows it (Markdown).
            pub fn default_text(self) -> &'static str {
                match self { $(StyleProperty::$Variant => $default,)* }
            }

            /// What the protocol document adds about the value, if anything (Markdown).
            pub fn note(self) -> Option<&'static str> {
                match self { $(StyleProperty::$Variant => None $(.or(Some($note)))?,)* }
            }
        }

        impl StyleDecl {
            /// The property this declaration sets.
            pub fn property(&self) -> StyleProperty {
                match self { $(StyleDecl::$Variant(_) => StyleProperty::$Variant,)* }
            }

            /// The value as the wire carries it after the property: its type tag and 32 bits.
            pub fn to_wire(self) -> (u8, u32) {
                match self { $(StyleDecl::$Variant(v) => v.to_wire(),)* }
            }

            /// The declaration of `p` with the wire's type tag and bits, checked as the decoder
            /// checks it (type, range).
            pub fn from_wire(p: StyleProperty, t: u8, bits: u32) -> Result<StyleDecl, &'static str> {
                match p {
                    $(StyleProperty::$Variant => {
                        let v = <$Ty as Value>::from_wire(t, bits)?;
                        $(if !$check.admits(Numeric::number(v)) { return Err(concat!($name, " out of range")); })?
                        Ok(StyleDecl::$Variant(v))
                    })*
                }
            }

            /// Parses the value half of `NAME VALUE` in the text form.
            pub(crate) fn parse(p: StyleProperty, s: &str) -> Result<StyleDecl, String> {
                match p {
                    $(StyleProperty::$Variant => {
                        let v = <$Ty as Value>::parse(s)?;
                        $(if !$check.admits(Numeric::number(v)) { return Err(format!("{} out of range: {s}", $name)); })?
                        Ok(StyleDecl::$Variant(v))
                    })*
                }
            }

            pub(crate) fn write_value(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(StyleDecl::$Variant(v) => v.write(f),)* }
            }
        }
    };
}

style_properties! {
    0x01 Display "display": Display = "`flex`";
    0x02 Position "position": Position = "`relative`";
    0x03 FlexDirection "flex-direction": FlexDirection = "`row`";
    0x04 FlexWrap "flex-wrap": FlexWrap = "`nowrap`";
    0x05 JustifyContent "justify-content": JustifyContent = "`flex-start`";
    0x06 AlignItems "align-items": AlignItems = "`stretch`";
    0x07 AlignSelf "align-self": AlignItems = "`auto` (clear to get it back)", "unset, the parent's `align-items` applies";
    0x08 AlignContent "align-content": JustifyContent = "`stretch`";
    0x09 RowGap "row-gap": LengthPercentage = "`0px`";
    0x0a ColumnGap "column-gap": LengthPercentage = "`0px`";
    0x0b FlexGrow "flex-grow": f32 where NON_NEGATIVE = "`0`";
    0x0c FlexShrink "flex-shrink": f32 where NON_NEGATIVE = "`1`";
    0x0d FlexBasis "flex-basis": Dimension = "`auto`";
    0x0e Width "width": Dimension = "`auto`";
    0x0f Height "height": Dimension = "`auto`";
    0x10 MinWidth "min-width": Dimension = "`auto`";
    0x11 MinHeight "min-height": Dimension = "`auto`";
    0x12 MaxWidth "max-width": Dimension = "`auto`";
    0x13 MaxHeight "max-height": Dimension = "`auto`";
    0x14 PaddingTop "padding-top": LengthPercentage = "`0px`";
    0x15 PaddingRight "padding-right": LengthPercentage = "`0px`";
    0x16 PaddingBottom "padding-bottom": LengthPercentage = "`0px`";
    0x17 PaddingLeft "padding-left": LengthPercentage = "`0px`";
    0x18 MarginTop "margin-top": Dimension = "`0px`";
    0x19 MarginRight "margin-right": Dimension = "`0px`";
    0x1a MarginBottom "margin-bottom": Dimension = "`0px`";
    0x1b MarginLeft "margin-left": Dimension = "`0px`";
    0x1c Top "top": Dimension = "`auto`", "an inset";
    0x1d Right "right": Dimension = "`auto`", "an inset";
    0x1e Bottom "bottom": Dimension = "`auto`", "an inset";
    0x1f Left "left": Dimension = "`auto`", "an inset";
    0x20 Overflow "overflow": Overflow = "`visible`", "`clip` clips children to the padding box, with the corner radii; `scroll` clips, and the engine scrolls the content to keep the focused descendant in view";
    0x21 BorderWidth "border-width": Length where NON_NEGATIVE = "`0px`", "all four sides; takes layout space";
    0x22 Direction "direction": Direction = "the parent's (`ltr` at the root)", "inherited; `rtl` lays rows out from the right, puts `start` and `end` (justify, align, text-align) and the `inline` properties on the other side";
    0x23 MarginInlineStart "margin-inline-start": Dimension = "`0px`", "`margin-left` in `ltr`, `margin-right` in `rtl`";
    0x24 MarginInlineEnd "margin-inline-end": Dimension = "`0px`", "`margin-right` in `ltr`, `margin-left` in `rtl`";
    0x25 PaddingInlineStart "padding-inline-start": LengthPercentage = "`0px`", "`padding-left` in `ltr`, `padding-right` in `rtl`";
    0x26 PaddingInlineEnd "padding-inline-end": LengthPercentage = "`0px`", "`padding-right` in `ltr`, `padding-left` in `rtl`";
    0x27 InsetInlineStart "inset-inline-start": Dimension = "`auto`", "`left` in `ltr`, `right` in `rtl`";
    0x28 InsetInlineEnd "inset-inline-end": Dimension = "`auto`", "`right` in `ltr`, `left` in `rtl`";
    0x30 FontSize "font-size": Length where FONT_SIZE = "`16px`";
    0x31 FontWeight "font-weight": i32 where FONT_WEIGHT = "`400`", "400 regular, 700 bold";
    0x32 FontStyle "font-style": FontStyle = "`normal`";
    0x33 LineHeight "line-height": f32 where LINE_HEIGHT = "`1.2`", "a multiple of the font size";
    0x34 LetterSpacing "letter-spacing": Length where LETTER_SPACING = "`0px`";
    0x35 TextAlign "text-align": TextAlign = "`start`", "`start` and `end` follow the node's `direction`";
    0x36 MaxLines "max-lines": i32 where MAX_LINES = "`0`", "0 for no limit";
    0x37 TextOverflow "text-overflow": TextOverflow = "`clip`", "`ellipsis`: the last shown line ends in \"…\"";
    0x40 BackgroundColor "background-color": Color = "transparent";
    0x41 BorderColor "border-color": Color = "transparent";
    0x42 RadiusTopLeft "border-top-left-radius": Length where NON_NEGATIVE = "`0px`";
    0x43 RadiusTopRight "border-top-right-radius": Length where NON_NEGATIVE = "`0px`";
    0x44 RadiusBottomRight "border-bottom-right-radius": Length where NON_NEGATIVE = "`0px`";
    0x45 RadiusBottomLeft "border-bottom-left-radius": Length where NON_NEGATIVE = "`0px`";
    0x46 Opacity "opacity": f32 where UNIT_INTERVAL = "`1`";
    0x47 TranslateX "translate-x": Length = "`0px`";
    0x48 TranslateY "translate-y": Length = "`0px`";
    0x49 ScaleX "scale-x": f32 where NON_NEGATIVE = "`1`", "about the box centre";
    0x4a ScaleY "scale-y": f32 where NON_NEGATIVE = "`1`", "about the box centre";
    0x4b ZIndex "z-index": i32 = "`0`", "orders siblings, stable";
    0x4c Color "color": Color = "`#000000ff`", "a text node's glyphs";
    0x4d PlaceholderColor "placeholder-color": Color = "transparent", "what an image node shows until its image is in (and for good if it fails)";
    0x4e ObjectFit "object-fit": ObjectFit = "`fill`", "`fill` stretches; `cover` fills the box, cropped centred; `contain` fits inside, the placeholder around";
    0x4f RadiusStartStart "border-start-start-radius": Length where NON_NEGATIVE = "`0px`", "top left in `ltr`, top right in `rtl`";
    0x50 RadiusStartEnd "border-start-end-radius": Length where NON_NEGATIVE = "`0px`", "top right in `ltr`, top left in `rtl`";
    0x51 RadiusEndEnd "border-end-end-radius": Length where NON_NEGATIVE = "`0px`", "bottom right in `ltr`, bottom left in `rtl`";
    0x52 RadiusEndStart "border-end-start-radius": Length where NON_NEGATIVE = "`0px`", "bottom left in `ltr`, bottom right in `rtl`";
    0x80 Focusable "focusable": Toggle = "`no`";
    0x81 FocusGroup "focus-group": FocusGroup = "`none`";
    0x82 FocusTrap "focus-trap": Toggle = "`no`", "`yes`: arrows never leave the group";
    0x83 FocusRestore "focus-restore": FocusRestore = "`last`", "`last`: the member focused last";
    0x84 Autofocus "autofocus": Toggle = "`no`", "`yes`: first choice at start and when entering its group";
    0x85 NavUp "nav-up": i32 where NODE_REF = "`-1`", "a node id, or -1 for none";
    0x86 NavRight "nav-right": i32 where NODE_REF = "`-1`", "a node id, or -1 for none";
    0x87 NavDown "nav-down": i32 where NODE_REF = "`-1`", "a node id, or -1 for none";
    0x88 NavLeft "nav-left": i32 where NODE_REF = "`-1`", "a node id, or -1 for none";
    0x89 ScrollAlign "scroll-align": ScrollAlign = "`nearest`";
    0x8a ScrollDuration "scroll-duration": f32 where DURATION_MS = "`200`", "ms";
    0x8b FocusDuration "focus-duration": f32 where DURATION_MS = "`150`", "ms: the transition between plain and state styles";
    0x8c LayoutDuration "layout-duration": f32 where DURATION_MS = "`0`", "ms; above 0, the node glides to a new laid-out box";
    0x8d TransitionEasing "transition-easing": EasingName = "`ease`";
    0x8e FadeInDuration "fade-in-duration": f32 where DURATION_MS = "`200`", "ms: how long a loaded image takes to fade in over its placeholder";
    0x8f ScrollLink "scroll-link": i32 where SCROLL_LINK = "`0`", "above 0, scroll containers with the same link scroll as one: when focus scrolls one, the others take its offset, as far as their content reaches";
}

impl StyleProperty {
    /// Whether the property feeds layout (as opposed to paint only). Changing a layout property
    /// dirties the node's layout; changing a paint property only repaints.
    pub fn affects_layout(self) -> bool {
        (self as u16) < 0x40
    }

    /// Whether the property decides how the node looks (`0x40..0x80`); the others are layout
    /// (`< 0x40`) and behaviour: focus, scrolling, transitions (`>= 0x80`).
    pub fn is_paint(self) -> bool {
        (0x40..0x80).contains(&(self as u16))
    }

    /// Whether [`Command::Animate`](crate::Command::Animate) and focus-state transitions can move
    /// the property smoothly: the paint properties with a number, length or colour value.
    pub fn is_animatable(self) -> bool {
        self.is_paint() && self != StyleProperty::ZIndex
    }
}

impl fmt::Display for StyleDecl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.property().name())?;
        f.write_str(" ")?;
        self.write_value(f)
    }
}
