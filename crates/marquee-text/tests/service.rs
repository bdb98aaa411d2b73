//! The text service on its own: fonts, measuring, wrapping, ellipsis, bidi, bad fonts.

use marquee_display_list::text::{Glyphs, Paragraph, Placement, TextAlign, TextLayout, TextSize, TextStyle};
use marquee_text::{Error, TextSystem};

/// Paragraph `run` laid out at `width`, at the origin, one device pixel per logical pixel.
fn at(run: u32, width: f32) -> Placement {
    Placement { run, width, origin: [0.0, 0.0], scale: 1.0 }
}

fn app_fonts() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../apps/demo/assets/fonts")
}

fn system() -> TextSystem {
    let mut t = TextSystem::new();
    let failed = t.load_dir(&app_fonts()).unwrap();
    assert!(failed.is_empty(), "{failed:?}");
    t
}

fn set(t: &mut TextSystem, run: u32, text: &str, style: TextStyle) {
    t.set(run, &Paragraph { family: "", text, style });
}

fn lines(t: &mut TextSystem, run: u32, width: f32, size: f32, lh: f32) -> f32 {
    let TextSize { height, .. } = t.measure(run, width);
    (height / (size * lh)).round()
}

#[test]
fn app_fonts_load_and_the_first_becomes_the_default() {
    let t = system();
    assert_eq!(t.default_family(), "Inter");
    let families = t.families();
    for f in ["Inter", "DejaVu Sans", "Droid Sans Fallback"] {
        assert!(families.iter().any(|x| x == f), "{f} missing from {families:?}");
    }
}

#[test]
fn bad_fonts_are_refused_and_change_nothing() {
    let mut t = system();
    set(&mut t, 1, "Hello world", TextStyle::default());
    let before = t.measure(1, f32::INFINITY);
    let real = std::fs::read(app_fonts().join("Inter-Regular.otf")).unwrap();
    for (name, bytes) in [
        ("empty", Vec::new()),
        ("garbage", b"not a font at all".repeat(100)),
        ("truncated", real[..real.len() / 3].to_vec()),
    ] {
        let e = t.load_font(name, bytes);
        assert!(matches!(e, Err(Error::NotAFont(_))), "{name}: {e:?}");
    }
    assert_eq!(t.measure(1, f32::INFINITY), before);
    assert_eq!(t.default_family(), "Inter");
}

#[test]
fn wrapping_follows_the_width() {
    let mut t = system();
    set(&mut t, 1, "The quick brown fox jumps over the lazy dog", TextStyle::default());
    let one = t.measure(1, f32::INFINITY);
    assert!(one.width > 200.0 && one.width < 400.0, "{one:?}");
    assert_eq!(lines(&mut t, 1, f32::INFINITY, 16.0, 1.2), 1.0);
    let narrow = t.measure(1, one.width / 2.0 + 10.0);
    assert!(narrow.width <= one.width / 2.0 + 10.0);
    assert!(lines(&mut t, 1, one.width / 2.0 + 10.0, 16.0, 1.2) >= 2.0);
    assert_eq!(lines(&mut t, 1, one.width, 16.0, 1.2), 1.0);
    // Min-content: one word per line; the widest word decides the width.
    assert_eq!(lines(&mut t, 1, 0.0, 16.0, 1.2), 9.0);
}

#[test]
fn max_lines_cuts_and_the_ellipsis_fits() {
    let mut t = system();
    let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
    let style = TextStyle { max_lines: 2, ellipsis: true, ..TextStyle::default() };
    set(&mut t, 1, text, style);
    assert_eq!(lines(&mut t, 1, 120.0, 16.0, 1.2), 2.0);
    assert!(t.measure(1, 120.0).width <= 120.0);
}

#[test]
fn right_to_left_text_is_laid_out_from_the_right() {
    let mut t = system();
    let style = TextStyle { size: 20.0, ..TextStyle::default() };
    set(&mut t, 1, "שלום עולם", style);
    set(&mut t, 2, "مرحبا بالعالم", style);
    set(&mut t, 3, "Hello", style);
    for run in [1, 2] {
        let size = t.measure(run, 400.0);
        assert!(size.width > 40.0, "{run}: {size:?}");
        let mut xs = Vec::new();
        t.glyphs(at(run, 400.0), &mut |g| xs.push(g.x));
        // Start alignment of a right-to-left paragraph: its glyphs hug the right edge.
        assert!(xs.iter().copied().max().unwrap() > 350, "{run}: {xs:?}");
    }
    let mut xs = Vec::new();
    t.glyphs(at(3, 400.0), &mut |g| xs.push(g.x));
    assert!(xs.iter().copied().max().unwrap() < 100, "{xs:?}");
}

#[test]
fn every_script_finds_a_font() {
    let mut t = system();
    for (run, text) in [(1, "Ça été déjà naïve"), (2, "你好世界"), (3, "日本語"), (4, "שלום"), (5, "مرحبا")]
    {
        set(&mut t, run, text, TextStyle::default());
        let mut count = 0;
        t.glyphs(at(run, f32::INFINITY), &mut |g| {
            // A missing glyph draws as an empty box or nothing; a real one has coverage.
            if g.data.iter().any(|&a| a > 0) {
                count += 1;
            }
        });
        assert!(count >= text.chars().filter(|c| !c.is_whitespace()).count() - 1, "{text}: {count} glyphs with ink");
    }
}

#[test]
fn alignment_moves_lines() {
    let mut t = system();
    for (run, align) in [(1, TextAlign::Left), (2, TextAlign::Center), (3, TextAlign::Right)] {
        set(&mut t, run, "Hi", TextStyle { align, ..TextStyle::default() });
    }
    let mut left = Vec::new();
    for run in 1..=3 {
        let mut xs = Vec::new();
        t.glyphs(at(run, 300.0), &mut |g| xs.push(g.x));
        left.push(xs[0]);
    }
    assert!(left[0] < 5 && (130..170).contains(&left[1]) && left[2] > 270, "{left:?}");
}

#[test]
fn an_ellipsized_paragraph_starts_every_line_at_the_left_edge() {
    // The third line begins after the space at "lamp, and": cosmic-text 0.19 would start it a
    // space to the right (see `leading_space_shift`).
    let text = "On a rock at the edge of the charts, a keeper who has not spoken to anyone in eleven years \
                finds a stranger washed up below the lamp, and a logbook in the stranger's hand that records storms.";
    let mut t = system();
    let style = TextStyle { size: 16.0, line_height: 1.35, max_lines: 3, ellipsis: true, ..TextStyle::default() };
    set(&mut t, 1, text, style);
    let mut first_x = std::collections::BTreeMap::new();
    t.glyphs(at(1, 520.0), &mut |g| {
        if g.data.iter().all(|&a| a == 0) {
            return; // a space
        }
        // Glyph tops sit a little below each 21.6 px line's top.
        let line = ((g.y as f32 + 4.0) / 21.6) as i32;
        let x = first_x.entry(line).or_insert(g.x);
        *x = (*x).min(g.x);
    });
    assert_eq!(first_x.len(), 3, "{first_x:?}");
    assert!(first_x.values().all(|&x| x <= 2), "a line starts away from the edge: {first_x:?}");
}

/// Paragraphs that catalogue data could carry and that cosmic-text 0.19 asserts on or panics in:
/// each is measured and drawn, the others around it are unchanged, nothing panics.
#[test]
fn hostile_paragraphs_measure_and_draw_without_taking_the_service_down() {
    let rle = "\u{202b}".repeat(63) + "abc def";
    let deep_isolates = "\u{2067}".repeat(200) + "abc" + &"\u{2069}".repeat(200);
    let overrides = "\u{202e}\u{202d}".repeat(100) + "abc";
    let cases: Vec<(&str, String, TextStyle)> = vec![
        ("63 right-to-left embeddings", rle, TextStyle::default()),
        ("200 right-to-left isolates", deep_isolates, TextStyle::default()),
        ("200 overrides", overrides, TextStyle::default()),
        ("line height 0", "two\nlines".into(), TextStyle { line_height: 0.0, ..TextStyle::default() }),
        ("font size 4096", "Huge".into(), TextStyle { size: 4096.0, ..TextStyle::default() }),
    ];
    // With the built-in fonts only, and with the app's (the shaping differs).
    for mut t in [TextSystem::new(), system()] {
        set(&mut t, 1, "Hello world", TextStyle::default());
        let before = t.measure(1, f32::INFINITY);
        for (i, (name, text, style)) in cases.iter().enumerate() {
            let run = 10 + i as u32;
            set(&mut t, run, text, *style);
            // Layout asks for max-content (unbounded) and min-content, then a width.
            for width in [f32::INFINITY, 10.0, 100.0] {
                let _ = t.measure(run, width);
            }
            let size = t.measure(run, 400.0);
            assert!(size.width.is_finite() && size.height.is_finite(), "{name}: {size:?}");
            let mut masks = 0;
            t.glyphs(at(run, size.width), &mut |_| masks += 1);
            if name.starts_with("font size") {
                assert_eq!(masks, 0, "{name}: glyphs over the size limit are not rasterized");
            }
        }
        let failures = t.take_failures();
        assert!(failures.iter().any(|f| f.contains("larger than 1024 px")), "{failures:?}");
        // Checked before the library could fail: no paragraph had to be dropped.
        assert!(!failures.iter().any(|f| f.contains("dropped")), "{failures:?}");
        assert_eq!(t.measure(1, f32::INFINITY), before, "the other paragraphs are unchanged");
        // The embeddings past the limit were dropped: the text is still there to see.
        assert!(t.measure(10, 400.0).width > 10.0);
    }
}

/// Text near the largest size drawn, in many distinct glyphs: the glyph cache stays near its
/// bound instead of keeping every mask.
#[test]
fn the_glyph_cache_is_bounded() {
    let mut t = system();
    let style = TextStyle { size: 900.0, ..TextStyle::default() };
    let text: String = ('A'..='Z').chain('a'..='z').collect();
    set(&mut t, 1, &text, style);
    let mut drawn = 0;
    for scale in [1.0, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07] {
        let place = Placement { scale, ..at(1, f32::INFINITY) };
        t.glyphs(place, &mut |g| drawn += u64::from(g.width) * u64::from(g.height));
    }
    let held = t.glyph_cache_bytes() as u64;
    assert!(drawn > 3 * marquee_text::GLYPH_CACHE_BYTES as u64, "the test must draw past the bound: {drawn}");
    assert!(held <= marquee_text::GLYPH_CACHE_BYTES as u64 + (2 << 20), "{held} bytes of masks held");
}

/// A font directory is read like any other part of a downloaded app: links out of it, FIFOs and
/// oversized files are refused with a reason, the good fonts beside them load.
#[test]
fn font_files_are_read_only_if_they_are_regular_files_inside_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(app_fonts().join("Inter-Regular.otf"), dir.path().join("a.otf")).unwrap();
    std::fs::copy(app_fonts().join("Inter-Regular.otf"), outside.path().join("system.otf")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("system.otf"), dir.path().join("b.otf")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("c.ttf")).unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(dir.path().join("d.ttf")).status().unwrap();
    assert!(fifo.success());
    let big = std::fs::File::create(dir.path().join("e.ttf")).unwrap();
    big.set_len(2 << 30).unwrap(); // sparse: 2 GiB claimed, nothing written
    let mut t = TextSystem::new();
    // Reading the FIFO or the device would block or run out of memory rather than fail.
    let failed = t.load_dir(dir.path()).unwrap();
    let reasons: Vec<String> = failed.iter().map(ToString::to_string).collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].contains("b.otf") && reasons[0].contains("leaves"), "{reasons:?}");
    assert!(reasons[1].contains("c.ttf") && reasons[1].contains("leaves"), "{reasons:?}");
    assert!(reasons[2].contains("d.ttf") && reasons[2].contains("FIFO"), "{reasons:?}");
    assert!(matches!(failed[3], Error::TooLarge(_)), "{reasons:?}");
    assert_eq!(t.default_family(), "Inter", "the good font beside them loaded");
}

/// Ink (coverage summed over every glyph) and width of `text` at `weight`, with the built-in
/// fonts only.
fn ink_and_width(t: &mut TextSystem, run: u32, text: &str, weight: u16) -> (u64, f32) {
    set(t, run, text, TextStyle { size: 24.0, weight, ..TextStyle::default() });
    let width = t.measure(run, f32::INFINITY).width;
    let mut ink = 0u64;
    t.glyphs(at(run, f32::INFINITY), &mut |g| ink += g.data.iter().map(|&a| u64::from(a)).sum::<u64>());
    (ink, width)
}

#[test]
fn bold_text_in_the_built_in_fonts_is_bold_in_every_script() {
    // The demo's Inter has no Arabic or Hebrew: those fall back to the built-in DejaVu Sans,
    // which must then give its bold face to a bold paragraph, as Latin gets Inter's.
    let mut t = system();
    for (run, text) in [(1, "مرحبا بالعالم"), (3, "שלום עולם"), (5, "Ça été déjà naïve")] {
        let (regular, regular_width) = ink_and_width(&mut t, run, text, 400);
        let (bold, bold_width) = ink_and_width(&mut t, run + 1, text, 700);
        assert!(bold as f64 > regular as f64 * 1.15, "{text}: ink {bold} at 700, {regular} at 400");
        assert!(bold_width > regular_width, "{text}: {bold_width} px at 700, {regular_width} px at 400");
    }
    assert!(t.take_failures().is_empty());
}

#[test]
fn common_ui_symbols_have_glyphs() {
    let mut t = system();
    let symbols = "✓ ✕ ✔ ✖ ★ ☆ ▶ ◀ ■ ● ♥ ♪ ☰ ← → ↑ ↓ ⏎ ⌘ € ™";
    for (run, weight) in [(1, 400), (2, 700)] {
        set(&mut t, run, symbols, TextStyle { weight, ..TextStyle::default() });
        let mut inked = 0;
        t.glyphs(at(run, f32::INFINITY), &mut |g| inked += usize::from(g.data.iter().any(|&a| a > 0)));
        let wanted = symbols.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(inked, wanted, "weight {weight}: {inked} of {wanted} symbols drawn");
    }
    assert_eq!(t.take_failures(), Vec::<String>::new());
}

#[test]
fn a_character_no_font_has_is_logged_once() {
    let mut t = system();
    // Thai and an emoji: in no built-in font nor the demo's. A variation selector and a zero-width
    // joiner are invisible, never "missing".
    set(&mut t, 1, "สวัสดี 😀\u{fe0f}\u{200d}", TextStyle::default());
    t.measure(1, f32::INFINITY);
    let failures = t.take_failures();
    for c in ['ส', 'ว', 'ั', 'ด', 'ี', '😀'] {
        let line = format!("U+{:04X} {c:?} (first in text 1)", c as u32);
        assert_eq!(failures.iter().filter(|f| f.contains(&line)).count(), 1, "{c:?}: {failures:?}");
    }
    assert_eq!(failures.len(), 6, "{failures:?}");
    // Measured again, drawn, and in another paragraph: nothing new.
    t.measure(1, 100.0);
    t.glyphs(at(1, 100.0), &mut |_| {});
    set(&mut t, 2, "😀 ok", TextStyle::default());
    t.measure(2, f32::INFINITY);
    assert_eq!(t.take_failures(), Vec::<String>::new());
}

#[test]
fn missing_characters_are_reported_up_to_a_bound() {
    let mut t = TextSystem::new();
    // Hangul syllables: none in the built-in fonts (their CJK face is a subset of Han and kana).
    let max = marquee_text::MAX_MISSING_REPORTED as u32;
    let hangul =
        |from: u32, n: u32| -> String { (from..from + n).filter_map(|i| char::from_u32(0xac00 + i)).collect() };
    set(&mut t, 1, &hangul(0, max + 40), TextStyle::default());
    t.measure(1, f32::INFINITY);
    // The log takes 16 lines at a time and counts the rest: the bound's worth, then one line
    // saying no more are reported.
    let lines = t.take_failures();
    assert_eq!(lines.len(), 17, "{lines:?}");
    assert_eq!(lines[16], format!("… and {} more text failures", max + 1 - 16));
    set(&mut t, 2, &hangul(max + 40, 10), TextStyle::default());
    t.measure(2, f32::INFINITY);
    assert_eq!(t.take_failures(), Vec::<String>::new());
}
