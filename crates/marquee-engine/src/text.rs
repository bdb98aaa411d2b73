//! Text nodes: their paragraphs, and measuring them for layout through the host's text service.
//!
//! The engine never shapes text. A text node's content and style go to the service (a
//! [`TextLayout`]: the host's, through Wasm imports, or a native one) under the node's id before
//! the next layout; taffy's measure callback asks the service for sizes, and each node caches the
//! last few answers so a relayout that leaves a paragraph's width alone costs no call across the
//! Wasm boundary.

use marquee_display_list::text::{Paragraph, TextLayout, TextSize, TextStyle};
use taffy::{AvailableSpace, Size};

/// Answers a node keeps: min-content, max-content, the final width, and one or two more while
/// an animation or a focus change moves a container's width.
const CACHED: usize = 4;

/// One text node's content.
#[derive(Debug, Clone, Default)]
pub(crate) struct TextNode {
    pub(crate) text: String,
    pub(crate) family: String,
    pub(crate) style: TextStyle,
    /// The node's `direction` is `rtl`: its `start` is the right, and it orders mixed text from
    /// the right.
    pub(crate) rtl: bool,
    /// Bumped on every change, and hashed into the node's paint record: a new text in the same
    /// box must still count as damage.
    pub(crate) revision: u32,
    /// Listed in `Scene::unsent`.
    pub(crate) queued: bool,
    cache: Vec<(u32, TextSize)>,
}

impl TextNode {
    /// Notes a change: the service must get the paragraph again, cached sizes are stale.
    pub(crate) fn changed(&mut self) {
        self.revision = self.revision.wrapping_add(1);
        self.cache.clear();
    }

    /// Hands the paragraph to the service under `run`, in the node's direction. The service
    /// takes a paragraph's base direction, which `start` and `end` follow, from its first strong
    /// character; a text in `rtl`, or one with right-to-left letters, leads with a zero-width
    /// mark of the node's direction (U+200F RLM, U+200E LRM), so the base direction is the
    /// node's, as CSS's `direction` makes it, and hosts need no new field to know it.
    pub(crate) fn send(&self, run: u32, service: &mut dyn TextLayout) {
        let mut marked = String::new();
        let text = if self.rtl || self.text.chars().any(right_to_left) {
            marked.push(if self.rtl { '\u{200f}' } else { '\u{200e}' });
            marked.push_str(&self.text);
            &marked
        } else {
            &self.text
        };
        service.set(run, &Paragraph { family: &self.family, text, style: self.style });
    }

    /// Taffy's measure callback for this node: the paragraph's size under the given constraints,
    /// rounded up to whole pixels so that the box taffy gives it (which is rounded) never makes
    /// the lines break differently from the measurement.
    pub(crate) fn measure(
        &mut self,
        run: u32,
        known: Size<Option<f32>>,
        available: Size<AvailableSpace>,
        service: &mut dyn TextLayout,
    ) -> Size<f32> {
        if let Size { width: Some(width), height: Some(height) } = known {
            return Size { width, height };
        }
        let max_width = known.width.unwrap_or(match available.width {
            AvailableSpace::Definite(w) => w,
            AvailableSpace::MinContent => 0.0,
            AvailableSpace::MaxContent => f32::INFINITY,
        });
        let key = max_width.to_bits();
        let size = match self.cache.iter().find(|(k, _)| *k == key) {
            Some(&(_, size)) => size,
            None => {
                let size = if self.text.is_empty() { TextSize::default() } else { service.measure(run, max_width) };
                if self.cache.len() == CACHED {
                    self.cache.remove(0);
                }
                self.cache.push((key, size));
                size
            }
        };
        Size { width: known.width.unwrap_or(size.width.ceil()), height: known.height.unwrap_or(size.height.ceil()) }
    }
}

/// Whether `c` may make a paragraph right to left: the right-to-left letters' blocks (Hebrew,
/// Arabic, Syriac, Thaana, NKo …; their presentation forms; the historic and Adlam planes' blocks)
/// and the right-to-left mark.
fn right_to_left(c: char) -> bool {
    matches!(
        c,
        '\u{590}'..='\u{8ff}'
            | '\u{200f}'
            | '\u{fb1d}'..='\u{fdff}'
            | '\u{fe70}'..='\u{feff}'
            | '\u{10800}'..='\u{10fff}'
            | '\u{1e800}'..='\u{1efff}'
    )
}
