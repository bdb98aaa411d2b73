//! Where `import` finds its modules: the app's directory and the packages it depends on, and
//! nowhere else.
//!
//! Apps are npm packages, so specifiers follow Node's rules in the small subset apps need:
//! relative paths (`./rail.js`), and bare package names (`@marquee/sdk`, `@marquee/sdk/protocol`)
//! looked up in `node_modules` directories from the importing file upwards, through the package's
//! `exports` map. Every resolved file must lie inside the app's directory or inside a package
//! directory found that way (symlinks are resolved first), must be `.js` or `.mjs`, must be a
//! regular file (not a FIFO or a device) and must be smaller than [`MAX_MODULE_BYTES`]: a bundle
//! cannot make the host read arbitrary files or wait on one forever.

use std::path::{Component, Path, PathBuf};

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Module};

/// The largest module source the loader reads.
pub const MAX_MODULE_BYTES: u64 = 8 << 20;

/// Resolves and loads modules for one app.
#[derive(Debug, Clone)]
pub(crate) struct AppModules {
    /// Directories modules may come from: the app's own, then each package resolved.
    roots: Vec<PathBuf>,
}

impl AppModules {
    pub(crate) fn new(app_dir: &Path) -> std::io::Result<AppModules> {
        Ok(AppModules { roots: vec![app_dir.canonicalize()?] })
    }

    fn resolve_path(&mut self, base: &str, name: &str) -> Result<PathBuf, String> {
        let base_dir = Path::new(base).parent().unwrap_or(Path::new("/"));
        let path = if base.is_empty() {
            // The host importing the entry module; still confined below.
            PathBuf::from(name)
        } else if name.starts_with("./") || name.starts_with("../") {
            base_dir.join(name)
        } else if name.starts_with('/') || name.contains(':') {
            return Err("absolute paths and URLs are not importable".into());
        } else {
            self.package(base_dir, name)?
        };
        let path = path.canonicalize().map_err(|e| format!("{}: {e}", path.display()))?;
        if !self.roots.iter().any(|root| path.starts_with(root)) {
            return Err(format!("{} is outside the app and its packages", path.display()));
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("js" | "mjs") => Ok(path),
            _ => Err(format!("{} is not a JavaScript module (.js or .mjs)", path.display())),
        }
    }

    /// `pkg` or `pkg/sub` (scoped names included) through `node_modules/pkg/package.json`.
    fn package(&mut self, from: &Path, name: &str) -> Result<PathBuf, String> {
        let parts = name.splitn(if name.starts_with('@') { 3 } else { 2 }, '/').collect::<Vec<_>>();
        let (pkg, sub) = match parts.as_slice() {
            [scope, pkg, sub] if scope.starts_with('@') => (format!("{scope}/{pkg}"), Some(*sub)),
            [scope, pkg] if scope.starts_with('@') => (format!("{scope}/{pkg}"), None),
            [pkg, sub] => ((*pkg).to_string(), Some(*sub)),
            [pkg] => ((*pkg).to_string(), None),
            _ => return Err("empty package name".into()),
        };
        if Path::new(&pkg).components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err("malformed package name".into());
        }
        let dir = from
            .ancestors()
            .map(|d| d.join("node_modules").join(&pkg))
            .find(|d| d.join("package.json").is_file())
            .ok_or_else(|| format!("package {pkg} not found in any node_modules above {}", from.display()))?;
        let dir = dir.canonicalize().map_err(|e| format!("{}: {e}", dir.display()))?;
        let manifest = std::fs::read_to_string(dir.join("package.json")).map_err(|e| format!("{pkg}: {e}"))?;
        let key = sub.map_or(".".to_string(), |s| format!("./{s}"));
        let target = export_target(&manifest, &key).ok_or_else(|| format!("{pkg} does not export {key}"))?;
        if !self.roots.contains(&dir) {
            self.roots.push(dir.clone());
        }
        Ok(dir.join(target))
    }
}

/// The file `exports[key]` names in a package.json: a string, or an object whose `import` or
/// `default` condition is a string (`exports` as a bare string stands for "."). A package
/// without `exports` falls back to `main` for ".".
fn export_target(manifest: &str, key: &str) -> Option<String> {
    let manifest: serde_json::Value = serde_json::from_str(manifest).ok()?;
    let target = match manifest.get("exports") {
        None => return manifest.get("main").filter(|_| key == ".")?.as_str().map(String::from),
        Some(serde_json::Value::String(s)) if key == "." => return Some(s.clone()),
        Some(exports) => exports.get(key)?,
    };
    match target {
        serde_json::Value::String(s) => Some(s.clone()),
        conditions => conditions.get("import").or_else(|| conditions.get("default"))?.as_str().map(String::from),
    }
}

impl Resolver for AppModules {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        let path =
            self.resolve_path(base, name).map_err(|why| rquickjs::Error::new_resolving_message(base, name, why))?;
        Ok(path.to_string_lossy().into_owned())
    }
}

impl Loader for AppModules {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        let fail = |why: String| rquickjs::Error::new_loading_message(name, why);
        // A regular file only (a FIFO would block the app thread forever), its size checked
        // before it is read.
        let source = marquee_app_files::read_regular(Path::new(name), MAX_MODULE_BYTES).map_err(|e| match e {
            marquee_app_files::Error::TooLarge { size, max, .. } => {
                fail(format!("{size} bytes is over the {max}-byte module limit"))
            }
            e => fail(e.to_string()),
        })?;
        Module::declare(ctx.clone(), name, source)
    }
}

#[cfg(test)]
mod tests {
    use super::export_target;

    #[test]
    fn exports_maps() {
        let m = r#"{ "name": "x", "exports": { ".": { "types": "./a.d.ts", "default": "./src/index.js" },
            "./protocol": "./src/protocol.js" } }"#;
        assert_eq!(export_target(m, ".").as_deref(), Some("./src/index.js"));
        assert_eq!(export_target(m, "./protocol").as_deref(), Some("./src/protocol.js"));
        assert_eq!(export_target(m, "./secret"), None);
        assert_eq!(export_target(r#"{ "main": "lib.js" }"#, ".").as_deref(), Some("lib.js"));
    }
}
