//! The host's text service: fonts, shaping, bidi, line breaking, ellipsis and glyph rasterization.
//!
//! The engine has no font code (see `marquee_display_list::text`): it hands each text node's
//! paragraph to this service under the node's id, asks for sizes during layout, and paints an
//! `Op::Text` that the backend turns into glyphs through this same service. cosmic-text does the
//! real work — harfrust shaping, the Unicode bidi and line-breaking algorithms, font fallback,
//! swash rasterization with a glyph cache — so Arabic, Hebrew, accented Latin and CJK lay out
//! correctly.
//!
//! **Deterministic by construction.** The service only knows the fonts it is given: fallback
//! fonts compiled into the host (DejaVu Sans, regular and bold, for Latin, Arabic, Hebrew and
//! common UI symbols; Droid Sans Fallback for CJK; all subset, see `fonts/README.md`) and the
//! app's own fonts (`load_dir` on the bundle's `assets/fonts`). It never reads the system's
//! fonts, so a layout is the same on every device, and the native and Wasm engines get identical
//! answers.
//!
//! Malformed font files are refused with an [`Error`] and change nothing.
//!
//! **Bounded, whatever the app sends.** Paragraphs come from catalogue data nobody on the device
//! controls, so the service checks what cosmic-text asserts on before calling it (bidi nesting
//! past [`MAX_BIDI_DEPTH`], paragraph separators inside a line, zero sizes, positions past any
//! screen) and contains a panic in it
//! anyway: the paragraph that caused it is dropped (it measures as empty and draws nothing), the
//! failure is kept for the host's log ([`TextSystem::take_failures`]) and every other paragraph
//! goes on. Glyph masks live in a cache of at most [`GLYPH_CACHE_BYTES`], and a glyph larger
//! than [`MAX_GLYPH_PX`] on screen is not rasterized at all. A character no font has a glyph
//! for is reported to the log once per code point (at most [`MAX_MISSING_REPORTED`] of them).

use std::borrow::Cow;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};

use cosmic_text::fontdb;
use cosmic_text::{
    Align, Attrs, Buffer, Ellipsize, EllipsizeHeightLimit, Family, FontSystem, Metrics, Shaping, Style, SwashContent,
    Weight, Wrap,
};
use marquee_display_list::text::{
    GlyphFormat, GlyphMask, Glyphs, Paragraph, Placement, TextAlign, TextLayout, TextSize, TextStyle,
};

mod raster;

use raster::{GlyphCache, Rasterizer};

/// The family used for paragraphs without one, until an app font replaces it.
pub const FALLBACK_FAMILY: &str = "DejaVu Sans";

/// The built-in faces: [`FALLBACK_FAMILY`] regular and bold (a paragraph at weight 600 or more in
/// a script the app's fonts lack falls back to the bold face, not the regular one), then CJK.
const FALLBACK_FONTS: [&[u8]; 3] = [
    FALLBACK_FONT,
    include_bytes!("../fonts/DejaVuSans-Bold-subset.ttf"),
    include_bytes!("../fonts/DroidSansFallback-subset.ttf"),
];

/// The regular face of [`FALLBACK_FAMILY`] (a subset of DejaVu Sans: Latin, Hebrew, Arabic,
/// punctuation and common UI symbols; `fonts/README.md`), for the host's own UI (the debug
/// overlay), which then needs no font of its own.
pub const FALLBACK_FONT: &[u8] = include_bytes!("../fonts/DejaVuSans-subset.ttf");

/// The largest font file accepted: real UI fonts are well under this, and a font is parsed whole.
pub const MAX_FONT_BYTES: usize = 32 << 20;

/// The most bytes of glyph masks kept. A 1080p UI's glyphs at a few sizes take a few MiB; the
/// cache drops its least recently used half when it reaches this.
pub const GLYPH_CACHE_BYTES: usize = 32 << 20;

/// The largest glyph rasterized, in pixels on screen (font size × scale). A bigger one would
/// cost megabytes and a long raster for one character; it is not drawn.
pub const MAX_GLYPH_PX: f32 = 1024.0;

/// How deep explicit bidi embeddings, overrides and isolates may nest in one paragraph; deeper
/// ones are dropped. Unicode allows 125 levels, and cosmic-text 0.19 panics near that limit
/// (63 × U+202B is enough); real text nests two or three.
pub const MAX_BIDI_DEPTH: usize = 16;

/// The farthest from the origin a paragraph is drawn, in pixels: beyond any screen.
const MAX_POSITION: f32 = 1e6;

/// The smallest font size and line height passed to cosmic-text, which asserts both are not
/// zero; the protocol allows a zero line height (lines on top of each other).
const MIN_METRIC: f32 = 1.0 / 64.0;

/// Failures kept for the host until it takes them.
const MAX_FAILURES_KEPT: usize = 16;

/// The most code points reported as missing from every font: each once, so a catalogue in a
/// script nothing covers logs a line per character it uses, up to this many, and then one more.
pub const MAX_MISSING_REPORTED: usize = 256;

/// How many widths each paragraph remembers: layout asks for min-content, max-content and the
/// final width, and a focus animation may alternate between two more.
const SIZE_CACHE: usize = 6;

/// Why a font could not be loaded. The service is unchanged.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read, or was refused (outside the font directory, not a regular
    /// file).
    #[cfg(not(target_arch = "wasm32"))]
    File(String, marquee_app_files::Error),
    /// The bytes hold no font face the parser accepts.
    NotAFont(String),
    /// The file is larger than [`MAX_FONT_BYTES`].
    TooLarge(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Error::File(_, e) => write!(f, "cannot read font {e}"),
            Error::NotAFont(name) => write!(f, "{name} is not a font (no face could be parsed)"),
            Error::TooLarge(name) => write!(f, "{name} is larger than {MAX_FONT_BYTES} bytes"),
        }
    }
}

impl std::error::Error for Error {}

/// One paragraph and its layout.
struct Entry {
    text: String,
    family: String,
    style: TextStyle,
    buffer: Buffer,
    /// The width the buffer is laid out at (`None`: unbounded), so drawing at the measured width
    /// does not lay out again.
    laid_out_at: Option<Option<u32>>,
    sizes: Vec<(u32, TextSize)>,
    /// Its revision (see `Glyphs::revision`): from [`REVISIONS`], new with every `set` that
    /// changes it.
    revision: u64,
    /// Whether its glyphs were looked through for characters no font has since it was shaped.
    glyphs_checked: bool,
}

/// The last paragraph revision handed out: one counter for the process, so that a paragraph
/// set anew under a handle another engine instance used never shares its revision.
static REVISIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Entry {
    /// The paragraph's text as cosmic-text can take it: Unicode's other paragraph separators
    /// (U+001C–U+001E, U+0085, U+2029) become line breaks, since cosmic-text splits lines at
    /// `\r` and `\n` only and asserts that a line holds one bidi paragraph; and explicit bidi
    /// controls nested deeper than [`MAX_BIDI_DEPTH`] are removed (with the pops that close them).
    fn sanitized(text: &str) -> Cow<'_, str> {
        let push = |c: char| matches!(c, '\u{202a}' | '\u{202b}' | '\u{202d}' | '\u{202e}' | '\u{2066}'..='\u{2068}');
        let pop = |c: char| matches!(c, '\u{202c}' | '\u{2069}');
        let separator = |c: char| matches!(c, '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2029}');
        let pushes = text.chars().filter(|&c| push(c)).count();
        if pushes <= MAX_BIDI_DEPTH && !text.chars().any(separator) {
            return Cow::Borrowed(text);
        }
        let (mut depth, mut dropped) = (0usize, 0usize);
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if push(c) {
                if depth >= MAX_BIDI_DEPTH {
                    dropped += 1;
                    continue;
                }
                depth += 1;
            } else if pop(c) {
                if dropped > 0 {
                    dropped -= 1;
                    continue;
                }
                depth = depth.saturating_sub(1);
            } else if c == '\n' || c == '\r' || separator(c) {
                // A paragraph separator ends every embedding.
                (depth, dropped) = (0, 0);
                if separator(c) {
                    out.push('\n');
                    continue;
                }
            }
            out.push(c);
        }
        Cow::Owned(out)
    }
}

/// Fonts, paragraphs by handle, and the glyph cache.
pub struct TextSystem {
    fonts: FontSystem,
    raster: Rasterizer,
    glyphs: GlyphCache,
    paragraphs: HashMap<u32, Entry>,
    default_family: String,
    app_family_set: bool,
    /// Paragraphs dropped after a panic, and glyphs not drawn for their size, for the host's log.
    failures: Vec<String>,
    /// Failures past what `failures` keeps.
    more_failures: usize,
    /// Whether an oversized glyph has been reported (once is enough).
    oversized_reported: bool,
    /// Characters reported as missing from every font, each once.
    missing_reported: std::collections::HashSet<char>,
}

impl Default for TextSystem {
    fn default() -> Self {
        TextSystem::new()
    }
}

impl TextSystem {
    /// A service with the built-in fallback fonts only.
    pub fn new() -> TextSystem {
        let mut db = fontdb::Database::new();
        for font in FALLBACK_FONTS {
            db.load_font_data(font.to_vec());
        }
        db.set_sans_serif_family(FALLBACK_FAMILY);
        let fonts = FontSystem::new_with_locale_and_db_and_fallback("en-US".into(), db, BuiltInFallback);
        TextSystem {
            fonts,
            raster: Rasterizer::default(),
            glyphs: GlyphCache::new(GLYPH_CACHE_BYTES),
            paragraphs: HashMap::new(),
            default_family: FALLBACK_FAMILY.to_owned(),
            app_family_set: false,
            failures: Vec::new(),
            more_failures: 0,
            oversized_reported: false,
            missing_reported: std::collections::HashSet::new(),
        }
    }

    /// What went wrong since the last call: paragraphs dropped because the text library failed
    /// on them, glyphs too large to draw. At most 16 lines, the last one counting the rest.
    pub fn take_failures(&mut self) -> Vec<String> {
        let mut out = std::mem::take(&mut self.failures);
        let more = std::mem::take(&mut self.more_failures);
        if more > 0 {
            out.push(format!("… and {more} more text failures"));
        }
        out
    }

    /// Bytes of glyph masks in the cache (at most about [`GLYPH_CACHE_BYTES`]).
    pub fn glyph_cache_bytes(&self) -> usize {
        self.glyphs.bytes()
    }

    fn fail(&mut self, message: String) {
        if self.failures.len() < MAX_FAILURES_KEPT {
            self.failures.push(message);
        } else {
            self.more_failures += 1;
        }
    }

    /// Runs `f` on paragraph `run`; if the text library panics in it, drops the paragraph,
    /// keeps the failure for the log and returns `fallback`.
    fn contained<T>(&mut self, run: u32, what: &str, fallback: T, f: impl FnOnce(&mut Self) -> T) -> T {
        match std::panic::catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(value) => value,
            Err(panic) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                // The paragraph's buffer may be half-updated: it goes, and only it.
                let shown = self.paragraphs.remove(&run).map(|e| e.text.chars().take(40).collect::<String>());
                self.fail(format!("text {run} dropped: the text library failed {what} it ({why}); text {shown:?}"));
                fallback
            }
        }
    }

    /// Adds the faces in `bytes` (TrueType, OpenType or a collection); `name` is for errors.
    /// Returns the families added. The first app font loaded becomes the default family.
    pub fn load_font(&mut self, name: &str, bytes: Vec<u8>) -> Result<Vec<String>, Error> {
        if bytes.len() > MAX_FONT_BYTES {
            return Err(Error::TooLarge(name.to_owned()));
        }
        // Parse into a scratch database first: fontdb skips faces it cannot parse silently, and a
        // bad file must be reported, not half-loaded.
        let mut probe = fontdb::Database::new();
        probe.load_font_data(bytes.clone());
        let mut families: Vec<String> =
            probe.faces().flat_map(|f| f.families.iter().map(|(name, _)| name.clone())).collect();
        if families.is_empty() {
            return Err(Error::NotAFont(name.to_owned()));
        }
        families.dedup();
        self.fonts.db_mut().load_font_data(bytes);
        if !self.app_family_set {
            self.default_family = families[0].clone();
            self.fonts.db_mut().set_sans_serif_family(families[0].clone());
            self.app_family_set = true;
        }
        // Families changed: every measurement may change.
        for e in self.paragraphs.values_mut() {
            e.sizes.clear();
            e.laid_out_at = None;
        }
        Ok(families)
    }

    /// Loads every `.ttf`, `.otf`, `.ttc` and `.otc` file in `dir`, in name order (so the default
    /// family does not depend on the file system). Only regular files inside `dir` of at most
    /// [`MAX_FONT_BYTES`] are read (no links out, no FIFOs or devices, the size checked before
    /// reading). Files that fail are returned with their error; the others are loaded.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load_dir(&mut self, dir: &std::path::Path) -> Result<Vec<Error>, Error> {
        let fonts = marquee_app_files::Dir::new(dir).map_err(|e| Error::File(dir.display().to_string(), e))?;
        let here = std::path::Path::new("");
        let paths =
            fonts.files(here, &["ttf", "otf", "ttc", "otc"]).map_err(|e| Error::File(dir.display().to_string(), e))?;
        let mut failed = Vec::new();
        for path in paths {
            let name = dir.join(&path).display().to_string();
            let result = match fonts.read(&path, MAX_FONT_BYTES as u64) {
                Ok(bytes) => self.load_font(&name, bytes),
                Err(marquee_app_files::Error::TooLarge { .. }) => Err(Error::TooLarge(name)),
                Err(e) => Err(Error::File(name, e)),
            };
            if let Err(e) = result {
                failed.push(e);
            }
        }
        Ok(failed)
    }

    /// The built-in fonts and every font in `dir` that loads (see [`load_dir`](Self::load_dir)),
    /// and what went wrong with the others, in words: how a host loads an app's
    /// `assets/fonts`. A missing `dir` is no fonts and no error.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_fonts_in(dir: &std::path::Path) -> (TextSystem, Vec<String>) {
        let mut text = TextSystem::new();
        let errors = match dir.is_dir().then(|| text.load_dir(dir)) {
            None => Vec::new(),
            Some(Ok(failed)) => failed.iter().map(ToString::to_string).collect(),
            Some(Err(e)) => vec![e.to_string()],
        };
        (text, errors)
    }

    /// The family paragraphs without one use.
    pub fn default_family(&self) -> &str {
        &self.default_family
    }

    /// Every family the service can use, sorted.
    pub fn families(&self) -> Vec<String> {
        let mut out: Vec<String> =
            self.fonts.db().faces().flat_map(|f| f.families.iter().map(|(n, _)| n.clone())).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Lays `run` out at `width` (`None`: unbounded) unless it already is.
    fn lay_out(&mut self, run: u32, width: Option<f32>) -> Option<&Entry> {
        let fonts = &mut self.fonts;
        let e = self.paragraphs.get_mut(&run)?;
        let key = width.map(f32::to_bits);
        if e.laid_out_at != Some(key) {
            e.buffer.set_size(width, None);
            e.buffer.shape_until_scroll(fonts, false);
            e.laid_out_at = Some(key);
        }
        if !e.glyphs_checked {
            e.glyphs_checked = true;
            let missing = Self::missing_glyphs(e);
            for c in missing {
                self.report_missing(run, c);
            }
        }
        self.paragraphs.get(&run)
    }

    /// The characters of `e` shaped to glyph 0, the font's "missing" box: no font given to the
    /// service, built-in or the app's, has them. Controls, spaces and the invisible format
    /// characters are left out (a shaper may give them glyph 0 and draw nothing, as it should).
    fn missing_glyphs(e: &Entry) -> Vec<char> {
        let invisible = |c: char| {
            c.is_control()
                || c.is_whitespace()
                || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}')
                || matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{e0100}'..='\u{e01ef}')
        };
        let mut out = Vec::new();
        for line in e.buffer.layout_runs() {
            for g in line.glyphs.iter().filter(|g| g.glyph_id == 0) {
                let cluster = line.text.get(g.start..g.end).unwrap_or_default();
                out.extend(cluster.chars().filter(|&c| !invisible(c)));
            }
        }
        out
    }

    /// Logs that no font has a glyph for `c` (met first in paragraph `run`), once per character.
    fn report_missing(&mut self, run: u32, c: char) {
        let known = self.missing_reported.len();
        if known > MAX_MISSING_REPORTED || !self.missing_reported.insert(c) {
            return;
        }
        if known == MAX_MISSING_REPORTED {
            self.fail(format!("more than {MAX_MISSING_REPORTED} characters have no glyph; no more are reported"));
        } else {
            self.fail(format!(
                "no font has a glyph for U+{:04X} {c:?} (first in text {run}); it draws as a box",
                c as u32
            ));
        }
    }

    /// Lays out and reshapes paragraph `run` from its stored text and style.
    fn reshape(&mut self, run: u32) {
        let default_family = self.default_family.clone();
        let fonts = &mut self.fonts;
        let Some(e) = self.paragraphs.get_mut(&run) else { return };
        let s = e.style;
        let family = if e.family.is_empty() { default_family.as_str() } else { e.family.as_str() };
        let known = fonts.db().faces().any(|f| f.families.iter().any(|(n, _)| n == family));
        let attrs = Attrs::new()
            .family(if known { Family::Name(family) } else { Family::SansSerif })
            .weight(Weight(s.weight))
            .style(if s.italic { Style::Italic } else { Style::Normal })
            // In ems of the size cosmic-text is given (a size near zero would make it infinite).
            .letter_spacing(s.letter_spacing / s.size.max(MIN_METRIC));
        e.buffer.set_metrics(metrics(&s));
        // CSS `overflow-wrap: normal`: lines break between words only, so min-content is the widest word.
        e.buffer.set_wrap(Wrap::Word);
        let limit = (s.max_lines > 0 && s.ellipsis)
            .then_some(Ellipsize::End(EllipsizeHeightLimit::Lines(s.max_lines as usize)));
        e.buffer.set_ellipsize(limit.unwrap_or(Ellipsize::None));
        let align = match s.align {
            TextAlign::Start => None,
            TextAlign::Center => Some(Align::Center),
            TextAlign::End => Some(Align::End),
            TextAlign::Left => Some(Align::Left),
            TextAlign::Right => Some(Align::Right),
        };
        e.buffer.set_text(&Entry::sanitized(&e.text), &attrs, Shaping::Advanced, align);
        e.laid_out_at = None;
        e.sizes.clear();
        e.glyphs_checked = false;
    }

    /// Runs `f` over the lines of `run` that are shown (at most `max_lines`).
    fn shown_lines(e: &Entry) -> impl Iterator<Item = cosmic_text::LayoutRun<'_>> {
        let max = if e.style.max_lines == 0 { usize::MAX } else { e.style.max_lines as usize };
        e.buffer.layout_runs().take(max)
    }
}

impl TextLayout for TextSystem {
    fn set(&mut self, run: u32, p: &Paragraph<'_>) {
        if let Some(e) = self.paragraphs.get(&run)
            && e.text == p.text
            && e.family == p.family
            && e.style == p.style
        {
            return;
        }
        let entry = Entry {
            text: p.text.to_owned(),
            family: p.family.to_owned(),
            style: p.style,
            buffer: Buffer::new(&mut self.fonts, metrics(&p.style)),
            laid_out_at: None,
            sizes: Vec::new(),
            revision: REVISIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
            glyphs_checked: false,
        };
        self.paragraphs.insert(run, entry);
        self.contained(run, "shaping", (), |t| t.reshape(run));
    }

    fn remove(&mut self, run: u32) {
        self.paragraphs.remove(&run);
    }

    fn measure(&mut self, run: u32, max_width: f32) -> TextSize {
        let key = max_width.to_bits();
        match self.paragraphs.get(&run) {
            None => return TextSize::default(),
            Some(e) => {
                if let Some(&(_, size)) = e.sizes.iter().find(|(k, _)| *k == key) {
                    return size;
                }
            }
        }
        let width = (max_width.is_finite() && max_width >= 0.0).then_some(max_width);
        let size = self.contained(run, "measuring", None, |t| {
            let e = t.lay_out(run, width)?;
            let mut size = TextSize::default();
            for line in TextSystem::shown_lines(e) {
                size.width = size.width.max(line.line_w);
                size.height = line.line_top + line.line_height;
            }
            Some(size)
        });
        let Some(size) = size else { return TextSize::default() };
        // Layout works in whole and fractional pixels; the engine rounds boxes itself.
        let Some(e) = self.paragraphs.get_mut(&run) else { return size };
        if e.sizes.len() == SIZE_CACHE {
            e.sizes.remove(0);
        }
        e.sizes.push((key, size));
        size
    }
}

impl Glyphs for TextSystem {
    fn revision(&self, run: u32) -> u64 {
        self.paragraphs.get(&run).map_or(0, |e| e.revision)
    }

    fn glyphs(&mut self, at: Placement, sink: &mut dyn FnMut(GlyphMask<'_>)) -> bool {
        let Placement { run, width, origin, scale } = at;
        // Lay out exactly as measured: the box's width came from a measurement at this width or
        // wider, so the lines break the same way.
        let width = (width.is_finite() && width >= 0.0).then_some(width);
        // Positions come from the frame's transforms (downloaded code): past any screen, glyph
        // positions would overflow cosmic-text's integer pixel grid.
        let sane = |v: f32| v.is_finite() && v.abs() <= MAX_POSITION;
        if !(sane(origin[0]) && sane(origin[1]) && sane(scale) && scale > 0.0) {
            return false;
        }
        let mut oversized = false;
        let drawn = self.contained(run, "drawing", false, |t| {
            if t.lay_out(run, width).is_none() {
                return false;
            }
            let (fonts, raster, cache) = (&mut t.fonts, &mut t.raster, &mut t.glyphs);
            let e = &t.paragraphs[&run];
            // Where each glyph lands, and the masks not held yet: rasterized first, together,
            // so a run of one font and size shares a scaler.
            let mut placed = Vec::new();
            let (mut missing, mut wanted) = (Vec::new(), rustc_hash::FxHashSet::default());
            for line in TextSystem::shown_lines(e) {
                let shift = leading_space_shift(e, &line) * scale;
                for g in line.glyphs {
                    let p = g.physical((origin[0] - shift, origin[1] + line.line_y * scale), scale);
                    if f32::from_bits(p.cache_key.font_size_bits) > MAX_GLYPH_PX {
                        oversized = true;
                        continue;
                    }
                    if !cache.holds(&p.cache_key) && wanted.insert(p.cache_key) {
                        missing.push(p.cache_key);
                    }
                    placed.push(p);
                }
            }
            raster.rasterize(fonts, &missing, &mut |key, mask| cache.put(key, mask));
            for p in placed {
                // (Rasterized just now unless the cache has since let it go.)
                let Some(image) = cache.get(p.cache_key, || raster.one(fonts, p.cache_key)) else { continue };
                let format = match image.content {
                    SwashContent::Mask => GlyphFormat::Alpha,
                    SwashContent::Color => GlyphFormat::Rgba,
                    // Subpixel (LCD) masks are never requested: TVs scale the frame.
                    SwashContent::SubpixelMask => continue,
                };
                let pl = image.placement;
                sink(GlyphMask {
                    x: p.x + pl.left,
                    y: p.y - pl.top,
                    width: pl.width,
                    height: pl.height,
                    format,
                    data: &image.data,
                });
            }
            true
        });
        if oversized && !self.oversized_reported {
            self.oversized_reported = true;
            self.fail(format!("text {run}: glyphs larger than {MAX_GLYPH_PX} px on screen are not drawn"));
        }
        drawn
    }
}

/// cosmic-text's metrics for `style`, never zero (it asserts on that).
fn metrics(style: &TextStyle) -> Metrics {
    let size = style.size.max(MIN_METRIC);
    Metrics::new(size, (size * style.line_height).max(MIN_METRIC))
}

/// How far to move a line left to undo cosmic-text 0.19 keeping, when it ellipsizes, the space a
/// line broke at in front of the next line (pop-os/cosmic-text#535, open): such a line starts a
/// space to the right of the others. Left-to-right lines only; an end-aligned line is already
/// where it belongs.
fn leading_space_shift(e: &Entry, line: &cosmic_text::LayoutRun<'_>) -> f32 {
    if !e.style.ellipsis || line.rtl {
        return 0.0;
    }
    let blank = |g: &&cosmic_text::LayoutGlyph| {
        line.text.get(g.start..g.end).is_some_and(|t| t.chars().all(char::is_whitespace))
    };
    let lead: f32 = line.glyphs.iter().take_while(blank).map(|g| g.w).sum();
    match e.style.align {
        TextAlign::Start | TextAlign::Left => lead,
        TextAlign::Center => lead / 2.0,
        TextAlign::End | TextAlign::Right => 0.0,
    }
}

/// Fallback by script, over the built-in fonts only: never the platform's.
struct BuiltInFallback;

impl cosmic_text::Fallback for BuiltInFallback {
    fn common_fallback(&self) -> &[&'static str] {
        &[FALLBACK_FAMILY, "Droid Sans Fallback"]
    }

    fn forbidden_fallback(&self) -> &[&'static str] {
        &[]
    }

    fn script_fallback(&self, _script: unicode_script::Script, _locale: &str) -> &[&'static str] {
        &[]
    }
}

/// A [`TextSystem`] shared between the engine (which measures) and the backend (which draws):
/// both run on the engine thread, but the Wasm runtime keeps its copy inside its store.
#[derive(Clone, Default)]
pub struct SharedText(Arc<Mutex<TextSystem>>);

impl SharedText {
    /// Shares `system`.
    pub fn new(system: TextSystem) -> SharedText {
        SharedText(Arc::new(Mutex::new(system)))
    }

    /// Locks the service. A panic while it was held (contained inside: see the crate docs) leaves
    /// it usable.
    pub fn lock(&self) -> MutexGuard<'_, TextSystem> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl TextLayout for SharedText {
    fn set(&mut self, run: u32, paragraph: &Paragraph<'_>) {
        self.lock().set(run, paragraph);
    }
    fn remove(&mut self, run: u32) {
        self.lock().remove(run);
    }
    fn measure(&mut self, run: u32, max_width: f32) -> TextSize {
        self.lock().measure(run, max_width)
    }
}

impl Glyphs for SharedText {
    fn glyphs(&mut self, at: Placement, sink: &mut dyn FnMut(GlyphMask<'_>)) -> bool {
        self.lock().glyphs(at, sink)
    }

    fn revision(&self, run: u32) -> u64 {
        self.lock().revision(run)
    }
}
