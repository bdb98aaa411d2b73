//! Device profiles: what a class of device is, so that `marquee run --device NAME` simulates it
//! on a developer's machine — the screen (size, refresh rate), the backend that draws and the
//! GPU's limits (the largest texture), the texture and layer budgets, the engine's runtime
//! (engine.wasm compiled, interpreted where there is no JIT, or engine.js where there is no
//! Wasm) and the memory caps of the engine and of the app's JavaScript.
//!
//! A profile is a TOML file (`profiles/*.toml` are the built-in ones, compiled in):
//!
//! ```toml
//! description = "a streaming stick: 720p, OpenGL ES 2.0 limits, little memory, no JIT"
//! [display]
//! size = [1280, 720]       # pixels
//! refresh = 60             # Hz
//! [renderer]
//! backend = "gpu"          # cpu | gpu | auto
//! max_texture_size = 2048  # pixels a side
//! texture_budget_mib = 32  # decoded images
//! layer_budget_mib = 16    # layer pixels the CPU compositor keeps
//! [engine]
//! runtime = "wasmi"        # wasm | wasmi | js | auto
//! memory_mib = 32          # engine.wasm's linear memory
//! [js]
//! heap_mib = 48            # the app's JavaScript heap
//! ```
//!
//! Every key is required and no other is allowed, so a misspelt key is an error naming it, not
//! a setting silently left at a default; values outside what a device can be are refused.

use std::path::Path;

use serde::Deserialize;

/// The built-in profiles, by name.
pub const BUILT_IN: [(&str, &str); 5] = [
    ("desktop", include_str!("../profiles/desktop.toml")),
    ("tv-1080p", include_str!("../profiles/tv-1080p.toml")),
    ("tv-4k", include_str!("../profiles/tv-4k.toml")),
    ("stick-720p", include_str!("../profiles/stick-720p.toml")),
    ("legacy-no-wasm", include_str!("../profiles/legacy-no-wasm.toml")),
];

/// Why a profile cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// A class of device.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Its name: the built-in one's, or the file's stem.
    #[serde(skip)]
    pub name: String,
    /// What it stands for, in words.
    pub description: String,
    /// The screen.
    pub display: Display,
    /// What draws.
    pub renderer: Renderer,
    /// How the engine runs.
    pub engine: Engine,
    /// The app's JavaScript.
    pub js: Js,
}

/// The screen.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Display {
    /// Width and height in pixels.
    pub size: [u32; 2],
    /// Frames a second.
    pub refresh: f64,
}

/// What draws, and within what.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renderer {
    /// The backend.
    pub backend: Backend,
    /// The largest texture the GPU takes, pixels a side.
    pub max_texture_size: u32,
    /// Decoded images, MiB.
    pub texture_budget_mib: f64,
    /// Layer pixels the CPU compositor keeps between frames, MiB.
    pub layer_budget_mib: f64,
}

/// The backend that draws frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The CPU (tiny-skia).
    Cpu,
    /// OpenGL ES 2.0.
    Gpu,
    /// The GPU when a context can be made, else the CPU.
    Auto,
}

/// How the engine runs.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// The runtime.
    pub runtime: Runtime,
    /// engine.wasm's linear memory cap, MiB.
    pub memory_mib: f64,
}

/// The engine's runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// engine.wasm compiled (wasmtime).
    Wasm,
    /// engine.wasm interpreted (wasmi): no JIT on the device.
    Wasmi,
    /// engine.js: no WebAssembly on the device.
    Js,
    /// By capability and the app's Wasm rollout.
    Auto,
}

/// The app's JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Js {
    /// Its heap, MiB.
    pub heap_mib: f64,
}

impl Profile {
    /// Reads a profile from TOML; `name` names it in errors and in the result.
    pub fn parse(name: &str, text: &str) -> Result<Profile, Error> {
        let mut p: Profile = toml::from_str(text).map_err(|e| Error(format!("device profile {name}: {e}")))?;
        p.name = name.to_string();
        p.check().map_err(|why| Error(format!("device profile {name}: {why}")))?;
        Ok(p)
    }

    /// A built-in profile by name, or a profile file (a path, or a name ending in `.toml`).
    pub fn load(name_or_path: &str) -> Result<Profile, Error> {
        if let Some((name, text)) = BUILT_IN.iter().find(|(n, _)| *n == name_or_path) {
            return Profile::parse(name, text);
        }
        let path = Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "toml") || path.components().count() > 1 {
            let text = std::fs::read_to_string(path).map_err(|e| Error(format!("{}: {e}", path.display())))?;
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or(name_or_path);
            return Profile::parse(name, &text).map_err(|e| Error(format!("{} ({})", e.0, path.display())));
        }
        let known: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
        Err(Error(format!(
            "no device profile `{name_or_path}`: the built-in ones are {}, or give a profile file (NAME.toml)",
            known.join(", ")
        )))
    }

    /// Whether the values are ones a device can have.
    fn check(&self) -> Result<(), String> {
        let [w, h] = self.display.size;
        if !(1..=16384).contains(&w) || !(1..=16384).contains(&h) {
            return Err(format!("display.size {w}x{h}: each side must be 1 to 16384 pixels"));
        }
        let refresh = self.display.refresh;
        if !(refresh.is_finite() && (1.0..=240.0).contains(&refresh)) {
            return Err(format!("display.refresh {refresh}: expected 1 to 240 Hz"));
        }
        let side = self.renderer.max_texture_size;
        if !(64..=65536).contains(&side) {
            return Err(format!("renderer.max_texture_size {side}: expected 64 to 65536 pixels"));
        }
        for (key, mib, least) in [
            ("renderer.texture_budget_mib", self.renderer.texture_budget_mib, 0.0),
            ("renderer.layer_budget_mib", self.renderer.layer_budget_mib, 0.0),
            ("engine.memory_mib", self.engine.memory_mib, 1.0),
            ("js.heap_mib", self.js.heap_mib, 1.0),
        ] {
            if !(mib.is_finite() && (least..=65536.0).contains(&mib)) {
                return Err(format!("{key} {mib}: expected {least} to 65536 MiB"));
            }
        }
        Ok(())
    }

    /// `mib` in bytes.
    pub fn bytes(mib: f64) -> u64 {
        (mib * 1048576.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_reads_and_is_what_its_name_says() {
        for (name, _) in BUILT_IN {
            let p = Profile::load(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.name, name);
            assert!(!p.description.is_empty());
        }
        let stick = Profile::load("stick-720p").unwrap();
        assert_eq!((stick.display.size, stick.renderer.max_texture_size), ([1280, 720], 2048));
        assert_eq!((stick.renderer.backend, stick.engine.runtime), (Backend::Gpu, Runtime::Wasmi));
        assert_eq!(Profile::load("legacy-no-wasm").unwrap().engine.runtime, Runtime::Js);
        assert_eq!(Profile::load("tv-4k").unwrap().display.size, [3840, 2160]);
    }

    #[test]
    fn a_profile_file_is_read_and_named_after_itself() {
        let dir = std::env::temp_dir().join(format!("marquee-device-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("my-tv.toml");
        let text = BUILT_IN[1].1.replace("size = [1920, 1080]", "size = [1366, 768]");
        std::fs::write(&path, text).unwrap();
        let p = Profile::load(path.to_str().unwrap()).unwrap();
        assert_eq!((p.name.as_str(), p.display.size), ("my-tv", [1366, 768]));
        let missing = Profile::load(dir.join("none.toml").to_str().unwrap()).unwrap_err();
        assert!(missing.0.contains("none.toml"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_profiles_are_refused_with_what_is_wrong() {
        let stick = BUILT_IN[3].1;
        let cases = [
            (stick.replace("refresh = 60", "refersh = 60"), "refersh"),
            (stick.replace("[js]\nheap_mib = 48\n", ""), "js"),
            (stick.replace("runtime = \"wasmi\"", "runtime = \"jit\""), "jit"),
            (stick.replace("size = [1280, 720]", "size = [0, 720]"), "display.size"),
            (stick.replace("refresh = 60", "refresh = 1000"), "display.refresh"),
            (stick.replace("max_texture_size = 2048", "max_texture_size = 16"), "max_texture_size"),
            (stick.replace("heap_mib = 48", "heap_mib = -1.0"), "js.heap_mib"),
            ("not toml at all [".to_string(), "TOML"),
        ];
        for (text, says) in cases {
            let e = Profile::parse("bad", &text).unwrap_err();
            assert!(e.0.starts_with("device profile bad: "), "{e}");
            assert!(e.0.contains(says) || says == "TOML", "{says}: {e}");
        }
        let unknown = Profile::load("fridge").unwrap_err();
        assert!(unknown.0.contains("stick-720p") && unknown.0.contains("fridge"), "{unknown}");
    }
}
