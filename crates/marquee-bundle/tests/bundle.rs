//! Bundles are built reproducibly, installed only when every byte matches, and refuse what a
//! hostile store or manifest could throw at a device.

use std::fs;
use std::path::{Path, PathBuf};

use marquee_bundle::{BuildOptions, BundleId, Error, Manifest, Store, build, check_path, install, verify_dir};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/app")
}

/// A scratch directory of its own per test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marquee-bundle-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds the fixture app into a new store, with a stand-in engine (this crate does not look
/// inside it; `marquee bundle` checks the real one).
fn built(name: &str) -> (PathBuf, Store, BundleId, Manifest) {
    let dir = scratch(name);
    fs::write(dir.join("engine.wasm"), b"\0asm not really").unwrap();
    fs::write(dir.join("engine.js"), b"export function instantiate() {}").unwrap();
    let options = BuildOptions {
        engine_wasm: dir.join("engine.wasm"),
        engine_js: Some(dir.join("engine.js")),
        engine_abi: 4,
        protocol: 2,
        min_host: "0.1.0".into(),
        tools: marquee_bundle::Tools { esbuild: None, toolchain: None },
        app_js: None,
    };
    let store = Store::new(dir.join("store"));
    let (id, manifest) = build(&fixture(), &store, &options).unwrap();
    (dir, store, id, manifest)
}

#[test]
fn a_bundle_holds_the_bundled_app_the_engine_and_the_assets() {
    let (dir, store, id, manifest) = built("contents");
    assert_eq!(manifest.app, "bundle-fixture");
    assert_eq!(manifest.version, "1.2.3");
    assert_eq!((manifest.engine_abi, manifest.protocol, manifest.entry.as_str()), (4, 2, "app.js"));
    assert_eq!(
        manifest.files.keys().map(String::as_str).collect::<Vec<_>>(),
        ["app.js", "assets/fonts/face.txt", "assets/poster.txt", "engine.js", "engine.wasm", "package.json"]
    );
    let installed = install(&store, &id, &dir.join("apps")).unwrap();
    assert_eq!(installed, dir.join("apps").join(&id.0));
    // esbuild inlined the import: one module, no import statement left.
    let app = fs::read_to_string(installed.join("app.js")).unwrap();
    assert!(app.contains("hello, ${name}") && !app.contains("import "), "{app}");
    // The host reads the entry and the app's Marquee settings from the bundle's package.json.
    let package: serde_json::Value =
        serde_json::from_slice(&fs::read(installed.join("package.json")).unwrap()).unwrap();
    assert_eq!(package["main"], "app.js");
    assert_eq!(package["marquee"]["wasm"]["percent"], 50);
    assert_eq!(fs::read(installed.join("assets/poster.txt")).unwrap(), b"poster bytes\n");
    assert_eq!(verify_dir(&installed).unwrap(), manifest);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_same_app_builds_to_the_same_bundle() {
    let (a, _, first, _) = built("same-a");
    let (b, _, second, _) = built("same-b");
    assert_eq!(first, second);
    fs::remove_dir_all(a).unwrap();
    fs::remove_dir_all(b).unwrap();
}

#[test]
fn a_corrupted_object_installs_nothing() {
    let (dir, store, id, manifest) = built("corrupt");
    let dest = dir.join("apps");
    let sha = &manifest.files["assets/poster.txt"].sha256;
    let object = store.object_path(sha);
    let good = fs::read(&object).unwrap();
    let cases: [(&str, Vec<u8>); 3] = [
        ("a flipped bit", {
            let mut b = good.clone();
            b[3] ^= 0x08;
            b
        }),
        ("truncated", good[..good.len() - 1].to_vec()),
        ("longer", [good.as_slice(), b"more"].concat()),
    ];
    for (what, bytes) in cases {
        fs::write(&object, &bytes).unwrap();
        let e = install(&store, &id, &dest).unwrap_err();
        assert!(matches!(&e, Error::Corrupt { path, .. } if path == "assets/poster.txt"), "{what}: {e}");
        // Nothing became visible, and no staging directory is left behind.
        assert_eq!(fs::read_dir(&dest).unwrap().count(), 0, "{what}");
    }
    fs::remove_file(&object).unwrap();
    assert!(matches!(install(&store, &id, &dest), Err(Error::Io(..))));
    fs::write(&object, &good).unwrap();
    install(&store, &id, &dest).unwrap();
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_manifest_must_be_the_bundle_it_is_named_for() {
    let (dir, store, id, _) = built("tampered");
    let path = store.manifest_path(&id);
    let text = fs::read_to_string(&path).unwrap().replace("1.2.3", "9.9.9");
    fs::write(&path, text).unwrap();
    assert!(matches!(install(&store, &id, &dir.join("apps")), Err(Error::IdMismatch { .. })));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_manifest_that_names_a_path_outside_the_bundle_is_refused() {
    let (dir, store, _, manifest) = built("escape");
    for path in ["../escape.js", "/etc/passwd", "assets/../../x", "a\\b"] {
        let mut evil = manifest.clone();
        let entry = evil.files["app.js"].clone();
        evil.files.insert(path.to_string(), entry);
        let id = store.put_manifest(&evil).unwrap();
        let e = install(&store, &id, &dir.join("apps")).unwrap_err();
        assert!(matches!(e, Error::Path(_)), "{path}: {e}");
    }
    assert!(!dir.join("escape.js").exists());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_manifest_is_read_strictly() {
    let (dir, store, _, manifest) = built("strict");
    let good = String::from_utf8(manifest.to_bytes()).unwrap();
    let cases = [
        ("not json", "{".to_string()),
        ("an unknown field", good.replacen("{", "{\"extra\":1,", 1)),
        ("another format", good.replacen("\"format\":1", "\"format\":2", 1)),
        ("a missing entry", good.replacen("\"entry\":\"app.js\"", "\"entry\":\"main.js\"", 1)),
        ("a bad hash", good.replacen(&manifest.files["app.js"].sha256, "zz", 1)),
        (
            "a huge file",
            good.replacen(&format!("\"size\":{}", manifest.files["app.js"].size), "\"size\":99999999999", 1),
        ),
    ];
    for (what, text) in cases {
        let path = store.root().join("bundles").join("case.json");
        fs::write(&path, &text).unwrap();
        let id = BundleId::of(text.as_bytes());
        fs::rename(&path, store.manifest_path(&id)).unwrap();
        assert!(matches!(store.manifest(&id), Err(Error::Manifest(_))), "{what}");
    }
    // A manifest larger than the limit is refused before it is parsed.
    let huge = vec![b' '; (marquee_bundle::limits::MAX_MANIFEST_BYTES + 1) as usize];
    let id = BundleId::of(&huge);
    fs::write(store.manifest_path(&id), &huge).unwrap();
    assert!(matches!(store.manifest(&id), Err(Error::Manifest(_))));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_install_interrupted_before_its_rename_is_redone() {
    let (dir, store, id, _) = built("interrupted");
    let dest = dir.join("apps");
    // What a kill during staging leaves: a partial staging directory, nothing installed.
    let staging = dest.join(format!(".{id}.staging"));
    fs::create_dir_all(staging.join("assets")).unwrap();
    fs::write(staging.join("app.js"), b"half").unwrap();
    let installed = install(&store, &id, &dest).unwrap();
    verify_dir(&installed).unwrap();
    assert!(!staging.exists());
    // Installing again finds it there.
    assert_eq!(install(&store, &id, &dest).unwrap(), installed);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_installed_file_changed_later_fails_verification() {
    let (dir, store, id, _) = built("verify");
    let installed = install(&store, &id, &dir.join("apps")).unwrap();
    fs::write(installed.join("engine.js"), b"export function instantiate() { evil() }").unwrap();
    assert!(matches!(verify_dir(&installed), Err(Error::Corrupt { path, .. }) if path == "engine.js"));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn only_plain_relative_paths_are_bundle_paths() {
    let table = [
        ("app.js", true),
        ("assets/fonts/Inter.ttf", true),
        ("assets/posters/tile 1.jpg", true),
        ("", false),
        ("/abs", false),
        ("a//b", false),
        ("a/", false),
        ("./a", false),
        ("a/../b", false),
        ("..", false),
        ("a\\b", false),
        ("c:/x", false),
        ("a\nb", false),
    ];
    for (path, ok) in table {
        assert_eq!(check_path(path).is_ok(), ok, "{path:?}");
    }
    assert!(check_path(&"a".repeat(256)).is_err());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_assets_is_refused() {
    let dir = scratch("symlink");
    let app = dir.join("app");
    fs::create_dir_all(app.join("assets")).unwrap();
    for f in ["package.json", "main.js", "lib.js"] {
        fs::copy(fixture().join(f), app.join(f)).unwrap();
    }
    std::os::unix::fs::symlink("/etc/hostname", app.join("assets/escape")).unwrap();
    fs::write(dir.join("engine.wasm"), b"x").unwrap();
    let options = BuildOptions {
        engine_wasm: dir.join("engine.wasm"),
        engine_js: None,
        engine_abi: 4,
        protocol: 2,
        min_host: "0.1.0".into(),
        // The copy is outside the repository: name the workspace's esbuild.
        tools: marquee_bundle::Tools {
            esbuild: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/.bin/esbuild")),
            toolchain: None,
        },
        app_js: None,
    };
    let e = build(&app, &Store::new(dir.join("store")), &options).unwrap_err();
    assert!(matches!(&e, Error::App(why) if why.contains("symbolic link")), "{e}");
    fs::remove_dir_all(dir).unwrap();
}

/// The workspace's esbuild, for apps copied outside the repository.
fn tools() -> marquee_bundle::Tools {
    let node_modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
    marquee_bundle::Tools { esbuild: Some(node_modules.join(".bin/esbuild")), toolchain: Some(node_modules) }
}

#[test]
fn an_app_in_jsx_is_compiled_to_run_and_a_broken_one_says_where() {
    let dir = scratch("compile");
    let app = dir.join("app");
    fs::create_dir_all(&app).unwrap();
    fs::write(app.join("package.json"), r#"{ "name": "jsx", "version": "1.0.0", "main": "main.jsx" }"#).unwrap();
    fs::write(
        app.join("main.jsx"),
        "const tile = <view style={{ width: 10 }}>{process.env.NODE_ENV}</view>;\n\
         console.log(tile.type, tile.props.children);\n",
    )
    .unwrap();
    assert!(marquee_bundle::needs_compile(&app));
    let out = marquee_bundle::compile(&app, &tools()).unwrap();
    assert_eq!(out, app.canonicalize().unwrap().join(".marquee/app.js"));
    let code = fs::read_to_string(&out).unwrap();
    // The automatic runtime, NODE_ENV replaced: the module runs where there is no `process`.
    assert!(code.contains("\"production\"") && !code.contains("process.env"), "{code}");
    assert!(!code.contains("<view"), "JSX left in:\n{code}");

    fs::write(app.join("main.jsx"), "const broken = <view>;\n").unwrap();
    let e = marquee_bundle::compile(&app, &tools()).unwrap_err().to_string();
    assert!(e.contains("main.jsx:1"), "{e}");

    // Plain modules run as they are, unless the app uses React (CommonJS, which only a bundler
    // turns into modules).
    fs::write(app.join("package.json"), r#"{ "name": "js", "version": "1.0.0", "main": "main.js" }"#).unwrap();
    assert!(!marquee_bundle::needs_compile(&app));
    let react = r#"{ "name": "js", "version": "1.0.0", "dependencies": { "@marquee/react": "0.1.0" } }"#;
    fs::write(app.join("package.json"), react).unwrap();
    assert!(marquee_bundle::needs_compile(&app));
    fs::remove_dir_all(dir).unwrap();
}
