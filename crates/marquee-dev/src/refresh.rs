//! Fast Refresh's build: a React app as separate modules on `refresh.js`'s runtime, so that an
//! edit reaches the running app as the modules it changed.
//!
//! ```text
//!   esbuild --bundle --packages=external --metafile   the app's modules and what each imports
//!   esbuild --format=cjs (every app module)           one factory each
//!   esbuild --bundle --format=iife (vendor.js)        the packages, React in development mode,
//!                                                     react-refresh's hook before the renderer
//! ```
//!
//! Each build writes the whole app (packages, runtime, every module, the entry started) to
//! `.marquee/dev/app.js`, which the host starts from and reloads from, and compares the modules
//! with the last build's: the ones that differ are the edit, applied in place with
//! `__marquee_dev.update`. A change to the packages the app imports, or to its entry module's
//! name, needs the packages built again and the app started afresh; so does a change to no
//! module at all (an asset, `package.json`), which the app reads as it starts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use marquee_bundle::{COMPILED_DIR, Error, Tools, run_esbuild};
use serde_json::Value;

/// The module runtime (see its header).
const RUNTIME: &str = include_str!("refresh.js");

/// Where the builds go, inside the app's `.marquee/`.
const DIR: &str = "dev";

/// The package the runtime drives React Refresh with; the vendor bundle always has it.
const REFRESH: &str = "react-refresh/runtime";

/// One of the app's modules, built.
#[derive(Debug, Clone, PartialEq)]
struct Module {
    /// Each specifier it imports: the module id it resolves to, or `None` for a package.
    deps: BTreeMap<String, Option<String>>,
    /// Its CommonJS body.
    code: String,
}

/// What an edit needs in the running app.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Edit {
    /// The script that defines the changed modules and applies them (its value says how it went).
    Refresh(String),
    /// Starting afresh from the rebuilt app.
    Reload,
    /// Nothing: the edited modules are as the running app has them (an edit undone after one
    /// that did not build).
    Unchanged,
}

/// The app's last build.
pub(crate) struct Refresh {
    app: PathBuf,
    tools: Tools,
    dir: PathBuf,
    entry: String,
    packages: BTreeSet<String>,
    vendor: String,
    modules: BTreeMap<String, Module>,
}

impl Refresh {
    /// Builds the app in `app` (canonical) for Fast Refresh; returns the build and the file the
    /// host starts from.
    pub(crate) fn start(app: &Path, tools: Tools) -> Result<(Refresh, PathBuf), Error> {
        let dir = app.join(COMPILED_DIR).join(DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::App(format!("{}: {e}", dir.display())))?;
        let (entry, graph) = graph(app, &tools, &dir)?;
        let packages = packages(&graph);
        let vendor = vendor(app, &tools, &dir, &packages)?;
        let modules = modules(app, &tools, &dir, graph)?;
        let refresh = Refresh { app: app.to_owned(), tools, dir, entry, packages, vendor, modules };
        let path = refresh.write()?;
        Ok((refresh, path))
    }

    /// Builds the app again after `files` (relative to the app) changed; on success the build
    /// is the new last one.
    pub(crate) fn rebuild(&mut self, files: &[PathBuf]) -> Result<Edit, Error> {
        let (entry, graph) = graph(&self.app, &self.tools, &self.dir)?;
        let packages = packages(&graph);
        let vendor = match packages == self.packages {
            true => None,
            false => Some(vendor(&self.app, &self.tools, &self.dir, &packages)?),
        };
        let modules = modules(&self.app, &self.tools, &self.dir, graph)?;
        let changed: Vec<&String> =
            modules.iter().filter(|(id, m)| self.modules.get(*id) != Some(m)).map(|(id, _)| id).collect();
        let modules_only =
            files.iter().all(|f| f.to_str().is_some_and(|f| modules.contains_key(&f.replace('\\', "/"))));
        let edit = if vendor.is_some() || entry != self.entry {
            Edit::Reload
        } else if changed.is_empty() && modules_only {
            Edit::Unchanged
        } else if changed.is_empty() {
            // What changed is read as the app starts (an asset, package.json).
            Edit::Reload
        } else {
            let mut script = String::new();
            for id in &changed {
                define(&mut script, id, &modules[*id]);
            }
            script.push_str(&format!("__marquee_dev.update({});\n", json(&changed)));
            Edit::Refresh(script)
        };
        (self.entry, self.packages, self.modules) = (entry, packages, modules);
        if let Some(vendor) = vendor {
            self.vendor = vendor;
        }
        self.write()?;
        Ok(edit)
    }

    /// Writes the whole app, for a start or a reload; returns where.
    fn write(&self) -> Result<PathBuf, Error> {
        let mut script = format!("{}\n{RUNTIME}\n", self.vendor);
        for (id, module) in &self.modules {
            define(&mut script, id, module);
        }
        script.push_str(&format!("__marquee_dev.start({});\n", json(&self.entry)));
        let path = self.dir.join("app.js");
        marquee_bundle::write_atomic(&path, script.as_bytes())?;
        Ok(path)
    }
}

/// Appends the definition of module `id` to `script`. The factory's last statement registers
/// the components the module declares at its top level (see `declared`).
fn define(script: &mut String, id: &str, module: &Module) {
    // `typeof`: a name that only looked declared (a line of a template string) is no error.
    let declared: Vec<String> = declared(&module.code)
        .into_iter()
        .map(|name| format!("{name}: typeof {name} === \"undefined\" ? undefined : {name}"))
        .collect();
    script.push_str(&format!(
        "__marquee_dev.define({}, {}, function (require, module, exports) {{\n\"use strict\";\n{}\n__marquee_dev.declared({}, {{ {} }});\n}});\n",
        json(id),
        json(&module.deps),
        module.code,
        json(id),
        declared.join(", "),
    ));
}

/// The names a module's CommonJS body declares at its top level (esbuild writes them at the
/// start of a line) that may be components: capitalised functions, classes and constants.
fn declared(code: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    for line in code.lines() {
        let rest = ["function ", "async function ", "class ", "const ", "let ", "var "]
            .iter()
            .find_map(|keyword| line.strip_prefix(keyword));
        let Some(rest) = rest else { continue };
        let name = rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')).next().unwrap_or("");
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            names.insert(name);
        }
    }
    names
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// The app's modules and their imports, from esbuild's bundle of them with every package left
/// out; and the entry module's id.
fn graph(app: &Path, tools: &Tools, dir: &Path) -> Result<(String, BTreeMap<String, Value>), Error> {
    let entry = marquee_bundle::entry(app)?;
    let meta = dir.join("graph.json");
    let mut args = vec![entry.into_os_string()];
    for arg in ["--bundle", "--packages=external", "--format=esm"] {
        args.push(arg.into());
    }
    args.push(format!("--metafile={}", meta.display()).into());
    args.push(format!("--outfile={}", dir.join("graph.js").display()).into());
    run_esbuild(app, tools, args)?;
    let meta = read_json(&meta)?;
    let entry = meta["outputs"]
        .as_object()
        .and_then(|outputs| outputs.values().find_map(|o| o["entryPoint"].as_str()))
        .ok_or_else(|| Error::Esbuild("esbuild's metafile names no entry point".into()))?
        .to_string();
    let inputs = meta["inputs"].as_object().cloned().unwrap_or_default().into_iter().collect();
    Ok((entry, inputs))
}

/// The packages the app's modules import.
fn packages(graph: &BTreeMap<String, Value>) -> BTreeSet<String> {
    let mut packages: BTreeSet<String> = imports(graph).filter(|(_, to)| to.is_none()).map(|(spec, _)| spec).collect();
    packages.insert(REFRESH.into());
    packages
}

/// Every import in `graph`: its specifier, and the module it resolves to (`None`: a package).
fn imports(graph: &BTreeMap<String, Value>) -> impl Iterator<Item = (String, Option<String>)> + '_ {
    graph.values().flat_map(|input| input["imports"].as_array().into_iter().flatten()).filter_map(import)
}

fn import(record: &Value) -> Option<(String, Option<String>)> {
    let path = record["path"].as_str()?;
    let spec = record["original"].as_str().unwrap_or(path).to_string();
    match record["external"].as_bool().unwrap_or(false) {
        true => Some((spec, None)),
        false => Some((spec, Some(path.to_string()))),
    }
}

/// Bundles `packages` into one script that sets `globalThis.__marquee_vendor`, in React's
/// development mode (the only one with the refresh hooks), with react-refresh's hook installed
/// before any renderer loads.
fn vendor(app: &Path, tools: &Tools, dir: &Path, packages: &BTreeSet<String>) -> Result<String, Error> {
    let mut entry = format!(
        "const Refresh = require({r});\nRefresh.injectIntoGlobalHook(globalThis);\nglobalThis.__marquee_vendor = {{\n  {r}: Refresh,\n",
        r = json(REFRESH)
    );
    for package in packages.iter().filter(|p| *p != REFRESH) {
        entry.push_str(&format!("  {p}: require({p}),\n", p = json(package)));
    }
    entry.push_str("};\n");
    let path = dir.join("vendor.js");
    marquee_bundle::write_atomic(&path, entry.as_bytes())?;
    let code = run_esbuild(
        app,
        tools,
        [
            path.into_os_string(),
            "--bundle".into(),
            "--format=iife".into(),
            "--define:process.env.NODE_ENV=\"development\"".into(),
        ],
    )?;
    String::from_utf8(code).map_err(|_| Error::Esbuild("esbuild wrote a vendor bundle that is not UTF-8".into()))
}

/// Compiles each of the app's modules in `graph` into a CommonJS body.
fn modules(
    app: &Path,
    tools: &Tools,
    dir: &Path,
    graph: BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Module>, Error> {
    let out = dir.join("modules");
    let meta = dir.join("modules.json");
    let _ = std::fs::remove_dir_all(&out);
    let mut args: Vec<std::ffi::OsString> = graph.keys().map(Into::into).collect();
    args.push("--format=cjs".into());
    args.push("--define:process.env.NODE_ENV=\"development\"".into());
    args.push(format!("--outdir={}", out.display()).into());
    args.push(format!("--metafile={}", meta.display()).into());
    run_esbuild(app, tools, args)?;
    let meta = read_json(&meta)?;
    let mut code = BTreeMap::new();
    for (output, info) in meta["outputs"].as_object().into_iter().flatten() {
        if let Some(input) = info["entryPoint"].as_str() {
            let path = app.join(output);
            let text = std::fs::read_to_string(&path).map_err(|e| Error::App(format!("{}: {e}", path.display())))?;
            code.insert(input.to_string(), text);
        }
    }
    graph
        .into_iter()
        .map(|(id, input)| {
            let deps = input["imports"].as_array().into_iter().flatten().filter_map(import).collect();
            let code = code.remove(&id).ok_or_else(|| Error::Esbuild(format!("esbuild did not compile {id}")))?;
            Ok((id, Module { deps, code }))
        })
        .collect()
}

fn read_json(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read(path).map_err(|e| Error::App(format!("{}: {e}", path.display())))?;
    serde_json::from_slice(&text).map_err(|e| Error::Esbuild(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_components_a_module_declares_are_its_capitalised_top_level_names() {
        let code = "var import_react = require(\"react\");\n\
                    function Nav({ a }) {\n  function Inner() {}\n}\n\
                    const Page = () => null;\nconst RELEASED = 1;\nconst useLook = () => 1;\n\
                    class Board extends import_react.Component {}\nasync function Load() {}\nlet $x = 1;\n";
        assert_eq!(declared(code).into_iter().collect::<Vec<_>>(), ["Board", "Load", "Nav", "Page", "RELEASED"]);
    }

    #[test]
    fn an_import_resolves_to_a_module_or_a_package() {
        let graph: BTreeMap<String, Value> = serde_json::from_str(
            r#"{ "main.jsx": { "imports": [
                 { "path": "react", "kind": "import-statement", "external": true },
                 { "path": "src/page.jsx", "kind": "import-statement", "original": "./src/page.jsx" } ] },
                 "src/page.jsx": { "imports": [ { "path": "@marquee/react", "kind": "import-statement", "external": true } ] } }"#,
        )
        .unwrap();
        let all: Vec<_> = imports(&graph).collect();
        assert_eq!(
            all,
            [
                ("react".into(), None),
                ("./src/page.jsx".into(), Some("src/page.jsx".into())),
                ("@marquee/react".into(), None),
            ]
        );
        assert_eq!(packages(&graph).into_iter().collect::<Vec<_>>(), ["@marquee/react", "react", REFRESH]);
    }
}
