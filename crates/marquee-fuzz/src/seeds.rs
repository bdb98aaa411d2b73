//! Seed corpora: inputs that already reach deep into each target, taken from the repository's
//! golden vectors and fixtures so that the fuzzer starts from valid batches, frames, paragraphs,
//! images and files and mutates from there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use marquee_display_list::text::{Paragraph, TextAlign, TextStyle};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files in `dir` (relative to the repository) ending in `ext`, sorted.
fn files(dir: &str, ext: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| ext.contains(&e)));
    out.sort();
    out
}

fn batches() -> Vec<(String, Vec<u8>)> {
    ["crates/marquee-protocol/tests/vectors", "crates/marquee-protocol/tests/malformed"]
        .iter()
        .flat_map(|dir| files(dir, &["hex"]))
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            Some((name, marquee_protocol::hex_form::read(&std::fs::read_to_string(&p).ok()?).ok()?))
        })
        .collect()
}

/// The named seed inputs of `target` (empty for an unknown target).
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    match target {
        "protocol_engine" => batches(),
        "display_list" => {
            // What the engine writes for each vector: whole frames, and their layer updates.
            let mut out = Vec::new();
            for (name, batch) in batches() {
                let mut engine = marquee_engine::Engine::default();
                engine.apply(&batch);
                let frame = engine.frame(0.0).to_vec();
                if let Ok(parsed) = marquee_display_list::frame::Frame::parse(&frame) {
                    out.push((format!("{name}-layers"), parsed.layers.to_vec()));
                }
                out.push((format!("{name}-frame"), frame));
            }
            out
        }
        "text" => {
            let texts = [
                "Hello world",
                "The quick brown fox jumps over the lazy dog",
                "مرحبا بالعالم",
                "שלום עולם",
                "日本語のテキスト",
                "Mixed עברית and English",
                "\u{202b}embedded\u{202c} \u{2067}isolated\u{2069}",
                "two\nlines",
                "",
            ];
            let styles = [
                TextStyle::default(),
                TextStyle { size: 48.0, line_height: 0.0, max_lines: 1, ellipsis: true, ..TextStyle::default() },
                TextStyle {
                    size: 9.0,
                    letter_spacing: -2.0,
                    align: TextAlign::Center,
                    italic: true,
                    ..TextStyle::default()
                },
            ];
            let mut out = Vec::new();
            for (i, text) in texts.iter().enumerate() {
                for (j, style) in styles.iter().enumerate() {
                    let mut bytes = Vec::new();
                    Paragraph { family: if j == 2 { "DejaVu Sans" } else { "" }, text, style: *style }
                        .encode(&mut bytes);
                    out.push((format!("text-{i}-style-{j}"), bytes));
                }
            }
            out
        }
        "image" => files("crates/marquee-image/tests/fixtures", &["png", "jpg", "jpeg", "bin"])
            .into_iter()
            .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), std::fs::read(&p).ok()?)))
            .collect(),
        "bundle" => {
            let mut files = BTreeMap::new();
            for (path, size) in [("app.js", 1200u64), ("assets/fonts/Inter.otf", 90_000), ("engine.wasm", 250_000)] {
                files.insert(path.to_owned(), marquee_bundle::FileEntry { size, sha256: "ab".repeat(32) });
            }
            let manifest = marquee_bundle::Manifest {
                format: marquee_bundle::MANIFEST_FORMAT,
                app: "demo".into(),
                version: "1.2.3".into(),
                engine_abi: 4,
                protocol: 2,
                min_host: "0.1.0".into(),
                entry: "app.js".into(),
                files,
            };
            let mut channel = marquee_bundle::Channel::new("beta");
            channel.releases.push(marquee_bundle::Release {
                bundle: "cd".repeat(32),
                version: "1.2.3".into(),
                engine_abi: 4,
                min_host: "0.1.0".into(),
                rollout: 12.5,
                status: marquee_bundle::Status::Halted,
            });
            channel.wasm.percent = 50.0;
            vec![("manifest".into(), manifest.to_bytes()), ("channel".into(), channel.to_bytes())]
        }
        _ => Vec::new(),
    }
}
