//! The host's text service: fonts, shaping, bidi, line breaking, ellipsis and glyph rasterization.
//!
//! The engine has no font code (see `marquee_display_list::text`): it hands each text node's
//! paragraph to this service under the node's id, asks for sizes during layout, and paints an
//! `Op::Text` that the backend turns into glyphs through this same service. cosmic-text does the
//! real work — harfrust shaping, the Unicode bidi and line-breaking algorithms, font fallback,
//! swash rasterization with a glyph cache — so Arabic, Hebrew, accented Latin and CJK lay out
//! correctly.
//!
//! **Deterministic by construction.** The service only knows the fonts it is given: two fallback
//! fonts compiled into the host (DejaVu Sans for Latin, Greek, Cyrillic, Arabic and Hebrew;
//! Droid Sans Fallback for CJK, both subset, see `fonts/README.md`) and the app's own fonts
//! (`load_dir` on the bundle's `assets/fonts`). It never reads the system's fonts, so a layout is
//! the same on every device, and the native and Wasm engines get identical answers.
//!
//! Malformed font files are refused with an [`Error`] and change nothing.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use cosmic_text::fontdb;
use cosmic_text::{
    Align, Attrs, Buffer, Ellipsize, EllipsizeHeightLimit, Family, FontSystem, Metrics, Shaping, Style, SwashCache,
    SwashContent, Weight, Wrap,
};
use marquee_display_list::text::{
    GlyphFormat, GlyphMask, Glyphs, Paragraph, TextAlign, TextLayout, TextSize, TextStyle,
};

/// The family used for paragraphs without one, until an app font replaces it.
pub const FALLBACK_FAMILY: &str = "DejaVu Sans";

const FALLBACK_FONTS: [&[u8]; 2] =
    [include_bytes!("../fonts/DejaVuSans-subset.ttf"), include_bytes!("../fonts/DroidSansFallback-subset.ttf")];

/// The largest font file accepted: real UI fonts are well under this, and a font is parsed whole.
pub const MAX_FONT_BYTES: usize = 32 << 20;

/// How many widths each paragraph remembers: layout asks for min-content, max-content and the
/// final width, and a focus animation may alternate between two more.
const SIZE_CACHE: usize = 6;

/// Why a font could not be loaded. The service is unchanged.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    Io(std::path::PathBuf, std::io::Error),
    /// The bytes hold no font face the parser accepts.
    NotAFont(String),
    /// The file is larger than [`MAX_FONT_BYTES`].
    TooLarge(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(path, e) => write!(f, "cannot read font {}: {e}", path.display()),
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
}

/// Fonts, paragraphs by handle, and the glyph cache.
pub struct TextSystem {
    fonts: FontSystem,
    glyphs: SwashCache,
    paragraphs: HashMap<u32, Entry>,
    default_family: String,
    app_family_set: bool,
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
            glyphs: SwashCache::new(),
            paragraphs: HashMap::new(),
            default_family: FALLBACK_FAMILY.to_owned(),
            app_family_set: false,
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
    /// family does not depend on the file system). Files that fail are returned with their error;
    /// the others are loaded.
    pub fn load_dir(&mut self, dir: &Path) -> Result<Vec<Error>, Error> {
        let read = std::fs::read_dir(dir).map_err(|e| Error::Io(dir.to_owned(), e))?;
        let mut paths: Vec<_> = read
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc"))
            })
            .collect();
        paths.sort();
        let mut failed = Vec::new();
        for path in paths {
            let result = std::fs::read(&path)
                .map_err(|e| Error::Io(path.clone(), e))
                .and_then(|bytes| self.load_font(&path.display().to_string(), bytes));
            if let Err(e) = result {
                failed.push(e);
            }
        }
        Ok(failed)
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
        Some(e)
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
            .letter_spacing(s.letter_spacing / s.size);
        let metrics = Metrics::new(s.size, s.size * s.line_height);
        e.buffer.set_metrics(metrics);
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
        e.buffer.set_text(&e.text, &attrs, Shaping::Advanced, align);
        e.laid_out_at = None;
        e.sizes.clear();
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
        let metrics = Metrics::new(p.style.size, p.style.size * p.style.line_height);
        let entry = Entry {
            text: p.text.to_owned(),
            family: p.family.to_owned(),
            style: p.style,
            buffer: Buffer::new(&mut self.fonts, metrics),
            laid_out_at: None,
            sizes: Vec::new(),
        };
        self.paragraphs.insert(run, entry);
        self.reshape(run);
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
        let Some(e) = self.lay_out(run, width) else { return TextSize::default() };
        let mut size = TextSize::default();
        for line in TextSystem::shown_lines(e) {
            size.width = size.width.max(line.line_w);
            size.height = line.line_top + line.line_height;
        }
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
    fn glyphs(
        &mut self,
        run: u32,
        width: f32,
        origin: [f32; 2],
        scale: f32,
        sink: &mut dyn FnMut(GlyphMask<'_>),
    ) -> bool {
        // Lay out exactly as measured: the box's width came from a measurement at this width or
        // wider, so the lines break the same way.
        let width = (width.is_finite() && width >= 0.0).then_some(width);
        if self.lay_out(run, width).is_none() {
            return false;
        }
        let (fonts, cache) = (&mut self.fonts, &mut self.glyphs);
        let e = &self.paragraphs[&run];
        for line in TextSystem::shown_lines(e) {
            let shift = leading_space_shift(e, &line) * scale;
            for g in line.glyphs {
                let p = g.physical((origin[0] - shift, origin[1] + line.line_y * scale), scale);
                let Some(image) = cache.get_image(fonts, p.cache_key) else { continue };
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
        }
        true
    }
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

    /// Locks the service. A panic while it was held (there are none by design) leaves it usable.
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
    fn glyphs(
        &mut self,
        run: u32,
        width: f32,
        origin: [f32; 2],
        scale: f32,
        sink: &mut dyn FnMut(GlyphMask<'_>),
    ) -> bool {
        self.lock().glyphs(run, width, origin, scale, sink)
    }
}
