//! Building a bundle from an app directory.
//!
//! The app's entry module and everything it imports (the SDK from `node_modules` included) become
//! one ES module, `app.js`, through esbuild — the host then loads a single file with no module
//! resolution at launch. Beside it go engine.wasm, engine.js when there is one, every file under
//! the app's `assets/`, and a `package.json` the host reads (name, version, entry, and the app's
//! `marquee` settings such as the Wasm rollout). Nothing time- or machine-dependent goes in, so
//! the same inputs give the same bundle id.
//!
//! An app written in JSX or TypeScript, or with React, cannot run from its directory as plain
//! modules do; [`compile`] gives it the same single module, in the app's `.marquee/` directory,
//! for `marquee run` and `marquee dev`. JSX uses React's automatic runtime, and
//! `process.env.NODE_ENV` is `"production"`: libraries such as React choose their build by it and
//! a host has no `process`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{BundleId, Error, FileEntry, MANIFEST_FORMAT, Manifest, Store, check_path, io, limits};

/// What goes into a bundle besides the app directory.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// engine.wasm.
    pub engine_wasm: PathBuf,
    /// engine.js, for devices without Wasm (left out when `None`).
    pub engine_js: Option<PathBuf>,
    /// The ABI engine.wasm speaks (the caller checked it by instantiating the module).
    pub engine_abi: u32,
    /// The protocol version the SDK encodes.
    pub protocol: u32,
    /// The oldest host that can run the bundle.
    pub min_host: String,
    /// Where esbuild and the packages the app does not bring come from.
    pub tools: Tools,
    /// The app's module as already compiled (`marquee web --dev` bundles `marquee dev`'s
    /// build), instead of esbuild's bundle of its entry.
    pub app_js: Option<PathBuf>,
}

/// What compiles an app's modules into one.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    /// The esbuild executable; by default `node_modules/.bin/esbuild` in the app directory or
    /// the nearest directory above it that has one, else `esbuild` on the PATH, else the one in
    /// `toolchain`.
    pub esbuild: Option<PathBuf>,
    /// The Marquee installation's own `node_modules` (with esbuild, `@marquee/sdk` and
    /// `@marquee/react`), used for what the app does not bring itself: an app outside the Marquee
    /// checkout bundles with no `npm install` of its own.
    pub toolchain: Option<PathBuf>,
}

/// The directory in an app where [`compile`] writes.
pub const COMPILED_DIR: &str = ".marquee";

/// Whether the app in `app` must be compiled to run from its directory: its entry module is not
/// plain JavaScript (`.jsx`, `.ts`, `.tsx`), or it uses `@marquee/react` (React ships CommonJS,
/// which only a bundler turns into modules).
pub fn needs_compile(app: &Path) -> bool {
    let Some(package) = package(app) else { return false };
    let main = package["main"].as_str().unwrap_or("main.js");
    let plain = Path::new(main).extension().is_some_and(|e| e == "js" || e == "mjs");
    !plain || uses_react(app)
}

/// Whether the app in `app` is written with React: its `package.json` depends on
/// `@marquee/react`.
pub fn uses_react(app: &Path) -> bool {
    package(app)
        .is_some_and(|p| ["dependencies", "devDependencies"].iter().any(|k| p[k].get("@marquee/react").is_some()))
}

/// The app's `package.json`, if it reads.
fn package(app: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(app.join("package.json")).ok()?).ok()
}

/// Compiles the app in `app` (its entry module and everything it imports) into one ES module,
/// `.marquee/app.js` inside it, as a bundle's `app.js` is made; returns its path.
pub fn compile(app: &Path, tools: &Tools) -> Result<PathBuf, Error> {
    let app = &app.canonicalize().map_err(io(app))?;
    let out = app.join(COMPILED_DIR).join("app.js");
    compile_module(app, &entry(app)?, &out, tools, Runs::OnHost)?;
    Ok(out)
}

/// The entry module `main` of the app's `package.json` names (default `main.js`), which must exist.
pub fn entry(app: &Path) -> Result<PathBuf, Error> {
    let package_path = app.join("package.json");
    let package: serde_json::Value = serde_json::from_slice(&std::fs::read(&package_path).map_err(io(&package_path))?)
        .map_err(|e| Error::App(format!("{}: {e}", package_path.display())))?;
    let entry = app.join(package["main"].as_str().unwrap_or("main.js"));
    if !entry.is_file() {
        return Err(Error::App(format!("the entry module {} does not exist", entry.display())));
    }
    Ok(entry)
}

/// Builds the app in `app` into `store`; returns the bundle's id and manifest.
pub fn build(app: &Path, store: &Store, options: &BuildOptions) -> Result<(BundleId, Manifest), Error> {
    // Absolute: esbuild runs in the app's directory.
    let app = &app.canonicalize().map_err(io(app))?;
    let package_path = app.join("package.json");
    let package: serde_json::Value = serde_json::from_slice(&std::fs::read(&package_path).map_err(io(&package_path))?)
        .map_err(|e| Error::App(format!("{}: {e}", package_path.display())))?;
    let field = |name: &str| package[name].as_str().map(str::to_string);
    let name = field("name").ok_or_else(|| Error::App("package.json has no \"name\"".into()))?;
    let version = field("version").ok_or_else(|| Error::App("package.json has no \"version\"".into()))?;
    let entry = entry(app)?;

    let app_js = match &options.app_js {
        Some(path) => std::fs::read(path).map_err(io(path))?,
        None => esbuild(app, &entry, &options.tools)?,
    };
    let mut files: Vec<(String, Vec<u8>)> = vec![("app.js".into(), app_js)];
    let mut bundle_package =
        serde_json::json!({ "name": name, "version": version, "type": "module", "main": "app.js" });
    if let Some(marquee) = package.get("marquee") {
        bundle_package["marquee"] = marquee.clone();
    }
    files.push(("package.json".into(), serde_json::to_vec_pretty(&bundle_package).unwrap_or_default()));
    files.push(("engine.wasm".into(), std::fs::read(&options.engine_wasm).map_err(io(&options.engine_wasm))?));
    if let Some(js) = &options.engine_js {
        files.push(("engine.js".into(), std::fs::read(js).map_err(io(js))?));
    }
    let assets = app.join("assets");
    if assets.is_dir() {
        collect(&assets, "assets", &mut files)?;
    }

    let mut manifest = Manifest {
        format: MANIFEST_FORMAT,
        app: name,
        version,
        engine_abi: options.engine_abi,
        protocol: options.protocol,
        min_host: options.min_host.clone(),
        entry: "app.js".into(),
        files: Default::default(),
    };
    for (path, bytes) in &files {
        check_path(path)?;
        if bytes.len() as u64 > limits::MAX_FILE_BYTES {
            return Err(Error::App(format!("{path}: {} bytes, more than a bundle file may hold", bytes.len())));
        }
        let sha256 = store.put_object(bytes)?;
        manifest.files.insert(path.clone(), FileEntry { size: bytes.len() as u64, sha256 });
    }
    // What is written must read back: the same checks a device makes.
    Manifest::parse(&manifest.to_bytes())?;
    let id = store.put_manifest(&manifest)?;
    Ok((id, manifest))
}

/// Every regular file under `dir`, as `prefix/relative/path`, in sorted order. A symbolic link is
/// refused: it could point outside the app, and a bundle holds bytes, not links.
fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), Error> {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).map_err(io(dir))?.collect::<Result<Vec<_>, _>>().map_err(io(dir))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_str().ok_or_else(|| Error::App(format!("{}: not a UTF-8 name", path.display())))?;
        let kind = entry.file_type().map_err(io(&path))?;
        let inner = format!("{prefix}/{name}");
        if kind.is_symlink() {
            return Err(Error::App(format!("{}: a symbolic link; bundles hold files only", path.display())));
        } else if kind.is_dir() {
            collect(&path, &inner, out)?;
        } else {
            out.push((inner, std::fs::read(&path).map_err(io(&path))?));
        }
    }
    Ok(())
}

/// The esbuild to run: the one asked for, the nearest `node_modules/.bin/esbuild` at or above the
/// app, `esbuild` on the PATH, or the toolchain's. `Err` lists where it looked.
fn esbuild_path(app: &Path, tools: &Tools) -> Result<PathBuf, Error> {
    find_esbuild(app, tools, std::env::var_os("PATH").as_deref())
}

/// [`esbuild_path`] with the PATH given, so tests need not change the process's environment.
fn find_esbuild(app: &Path, tools: &Tools, path_var: Option<&std::ffi::OsStr>) -> Result<PathBuf, Error> {
    if let Some(path) = &tools.esbuild {
        return match path.is_file() {
            true => Ok(path.clone()),
            false => Err(Error::Esbuild(format!("{}: no such file (given with --esbuild)", path.display()))),
        };
    }
    let in_app = app.ancestors().map(|dir| dir.join("node_modules/.bin/esbuild"));
    let on_path = path_var
        .map(|p| std::env::split_paths(p).map(|dir| dir.join("esbuild")).collect::<Vec<_>>())
        .unwrap_or_default();
    let toolchain = tools.toolchain.iter().map(|t| t.join(".bin/esbuild"));
    if let Some(found) = in_app.chain(on_path).chain(toolchain).find(|p| p.is_file()) {
        return Ok(found);
    }
    Err(Error::Esbuild(format!(
        "not found in {}/node_modules/.bin or a directory above it, on the PATH, or beside marquee; \
         install it in the app (`cd {} && npm install --save-dev esbuild`) or pass --esbuild PATH",
        app.display(),
        app.display()
    )))
}

/// Where a compiled module runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// In a Marquee host: QuickJS's ES2022, no Node and no browser APIs.
    OnHost,
    /// In Node, as an app's tests do (`marquee test`): Node's own modules stay imports.
    InNode,
}

/// Bundles `entry` and its imports into one ES module.
fn esbuild(app: &Path, entry: &Path, tools: &Tools) -> Result<Vec<u8>, Error> {
    esbuild_for(app, entry, tools, Runs::OnHost)
}

/// Compiles `entry` (a file in the app in `app`, such as a test) and its imports into one ES
/// module at `out`, for where it `runs`.
pub fn compile_module(app: &Path, entry: &Path, out: &Path, tools: &Tools, runs: Runs) -> Result<(), Error> {
    let app = &app.canonicalize().map_err(io(app))?;
    let code = esbuild_for(app, entry, tools, runs)?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    crate::write_atomic(out, &code)?;
    Ok(())
}

fn esbuild_for(app: &Path, entry: &Path, tools: &Tools, runs: Runs) -> Result<Vec<u8>, Error> {
    let mut command = esbuild_command(app, tools, runs)?;
    command.arg(entry).args(["--bundle", "--format=esm", "--define:process.env.NODE_ENV=\"production\""]);
    output(command)
}

/// Runs esbuild for the app in `app` with the flags every build for a host shares (ES2022 for
/// QuickJS, no Node and no browser, React's automatic JSX runtime) and `args`; returns what it
/// wrote to stdout. `marquee dev` builds with it, in another format and in React's development
/// mode.
pub fn run_esbuild<I: AsRef<std::ffi::OsStr>>(
    app: &Path,
    tools: &Tools,
    args: impl IntoIterator<Item = I>,
) -> Result<Vec<u8>, Error> {
    let mut command = esbuild_command(app, tools, Runs::OnHost)?;
    command.args(args);
    output(command)
}

/// The esbuild `tools` find, in the app's directory, with the flags every build shares.
fn esbuild_command(app: &Path, tools: &Tools, runs: Runs) -> Result<Command, Error> {
    let exe = esbuild_path(app, tools)?;
    let mut command = Command::new(&exe);
    // Hosts run ES2022 in QuickJS; `neutral` assumes no Node and no browser.
    let platform = match runs {
        Runs::OnHost => "--platform=neutral",
        Runs::InNode => "--platform=node",
    };
    command
        .args(["--target=es2022", platform, "--main-fields=module,main"])
        .args(["--charset=utf8", "--legal-comments=none", "--log-level=warning", "--jsx=automatic"])
        .current_dir(app);
    // esbuild looks in NODE_PATH for packages the app's own node_modules lack (`@marquee/sdk`).
    if let Some(toolchain) = &tools.toolchain {
        command.env("NODE_PATH", toolchain);
    }
    Ok(command)
}

/// Runs `command` (an esbuild); its stdout, or its errors.
fn output(mut command: Command) -> Result<Vec<u8>, Error> {
    let out = command.output().map_err(|e| Error::Esbuild(format!("{}: {e}", command.get_program().display())))?;
    if !out.status.success() {
        return Err(Error::Esbuild(String::from_utf8_lossy(&out.stderr).trim().to_string()));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(esbuild: Option<PathBuf>, toolchain: Option<PathBuf>) -> Tools {
        Tools { esbuild, toolchain }
    }

    #[test]
    fn esbuild_is_found_where_users_install_it_or_the_error_says_how_to_get_it() {
        let dir = std::env::temp_dir().join(format!("marquee-esbuild-{}", std::process::id()));
        let (app, bin, tools) = (dir.join("home/me/app"), dir.join("bin"), dir.join("marquee/node_modules"));
        for d in [&app, &bin, &tools.join(".bin")] {
            std::fs::create_dir_all(d).unwrap();
        }
        let none = options(None, None);
        let e = find_esbuild(&app, &none, None).unwrap_err().to_string();
        assert!(e.contains("npm install --save-dev esbuild") && e.contains("--esbuild"), "{e}");
        let e = find_esbuild(&app, &options(Some(dir.join("nope")), None), None).unwrap_err().to_string();
        assert!(e.contains("nope: no such file"), "{e}");

        std::fs::write(tools.join(".bin/esbuild"), "").unwrap();
        let with_tools = options(None, Some(tools.clone()));
        assert_eq!(find_esbuild(&app, &with_tools, None).unwrap(), tools.join(".bin/esbuild"), "beside marquee, last");
        std::fs::write(bin.join("esbuild"), "").unwrap();
        assert_eq!(find_esbuild(&app, &with_tools, Some(bin.as_os_str())).unwrap(), bin.join("esbuild"), "on the PATH");
        let in_home = dir.join("home/me/node_modules/.bin");
        std::fs::create_dir_all(&in_home).unwrap();
        std::fs::write(in_home.join("esbuild"), "").unwrap();
        assert_eq!(
            find_esbuild(&app, &with_tools, Some(bin.as_os_str())).unwrap(),
            in_home.join("esbuild"),
            "the app's own (in a directory above it), first"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
