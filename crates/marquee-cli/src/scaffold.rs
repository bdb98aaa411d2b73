//! `marquee new` and `marquee test`: starting an app, and running its tests.
//!
//! `marquee new NAME` writes a TypeScript app from a template compiled into this binary
//! (`templates/react`, or `templates/plain` for the SDK's proxy nodes): it runs at once with
//! `marquee run` and `marquee web`, and passes its own test with `marquee test`, with no
//! `npm install` (esbuild, React and the SDK come from this checkout when the app has none).
//! `marquee test APP` compiles each `test/*.test.{js,mjs,jsx,ts,tsx}` for Node with esbuild, as
//! `marquee run` compiles the app, into `APP/.marquee/test/`, and runs them with `node --test`.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Args, ValueEnum};

#[derive(Args)]
pub(crate) struct NewArgs {
    /// The directory to create; its name is the app's (an npm package name).
    dir: PathBuf,
    /// React components, or the SDK's proxy nodes.
    #[arg(long, value_enum, default_value = "react")]
    template: Template,
}

#[derive(Clone, Copy, ValueEnum)]
enum Template {
    React,
    Plain,
}

/// Each template's files: path in the app, content (`{{name}}` stands for the app's name).
const REACT: &[(&str, &str)] = &[
    ("package.json", include_str!("../templates/react/package.json")),
    ("tsconfig.json", include_str!("../templates/react/tsconfig.json")),
    ("README.md", include_str!("../templates/react/README.md")),
    (".gitignore", include_str!("../templates/react/.gitignore")),
    ("src/main.tsx", include_str!("../templates/react/src/main.tsx")),
    ("src/App.tsx", include_str!("../templates/react/src/App.tsx")),
    ("test/App.test.tsx", include_str!("../templates/react/test/App.test.tsx")),
];
const PLAIN: &[(&str, &str)] = &[
    ("package.json", include_str!("../templates/plain/package.json")),
    ("tsconfig.json", include_str!("../templates/plain/tsconfig.json")),
    ("README.md", include_str!("../templates/plain/README.md")),
    (".gitignore", include_str!("../templates/plain/.gitignore")),
    ("src/main.ts", include_str!("../templates/plain/src/main.ts")),
    ("src/page.ts", include_str!("../templates/plain/src/page.ts")),
    ("test/page.test.ts", include_str!("../templates/plain/test/page.test.ts")),
];

/// Whether `name` may name an npm package (unscoped): lowercase letters, digits, `-`, `_` and
/// `.`, starting with a letter or digit, at most 214 characters.
fn package_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && name.len() <= 214
}

pub(crate) fn new(args: NewArgs) -> Result<(), String> {
    let dir = &args.dir;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if !package_name(name) {
        return Err(format!(
            "{}: `{name}` cannot name an app (lowercase letters, digits, `-`, `_`, `.`)",
            dir.display()
        ));
    }
    if dir.read_dir().is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(format!("{}: exists and is not empty", dir.display()));
    }
    let files = match args.template {
        Template::React => REACT,
        Template::Plain => PLAIN,
    };
    for (path, content) in files {
        let to = dir.join(path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&to, content.replace("{{name}}", name)).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    println!("created {} ({} files)", dir.display(), files.len());
    println!("  marquee run {}     # run it", dir.display());
    println!("  marquee test {}    # its tests", dir.display());
    Ok(())
}

#[derive(Args)]
pub(crate) struct TestArgs {
    /// The app's directory (default: the current one).
    app: Option<PathBuf>,
    /// The esbuild executable (default: as `marquee bundle` finds it).
    #[arg(long, value_name = "PATH")]
    esbuild: Option<PathBuf>,
}

/// Test files are these, directly in `test/`.
const TEST_SUFFIXES: &[&str] = &[".test.js", ".test.mjs", ".test.jsx", ".test.ts", ".test.tsx"];

pub(crate) fn test(args: TestArgs) -> Result<(), String> {
    let app = args.app.unwrap_or_else(|| PathBuf::from("."));
    let app = app.canonicalize().map_err(|e| format!("{}: {e}", app.display()))?;
    let tests = test_files(&app)?;
    if tests.is_empty() {
        return Err(format!("{}: no test files (test/*.test.{{js,mjs,jsx,ts,tsx}})", app.join("test").display()));
    }
    let tools = crate::tools(args.esbuild);
    let out_dir = app.join(marquee_bundle::COMPILED_DIR).join("test");
    let mut compiled = Vec::new();
    for test in &tests {
        let stem = test.file_name().and_then(|n| n.to_str()).unwrap_or("test");
        let stem = TEST_SUFFIXES.iter().find_map(|s| stem.strip_suffix(s)).unwrap_or(stem);
        let out = out_dir.join(format!("{stem}.test.mjs"));
        marquee_bundle::compile_module(&app, test, &out, &tools, marquee_bundle::Runs::InNode)
            .map_err(|e| format!("{}: {e}", test.display()))?;
        compiled.push(out);
    }
    let status = Command::new("node")
        .arg("--test")
        .args(&compiled)
        .current_dir(&app)
        .status()
        .map_err(|e| format!("node: {e} (Node.js 20 or later runs the tests)"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("{} of {}: tests failed", tests.len(), app.display())),
    }
}

/// The app's test files, sorted.
fn test_files(app: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = app.join("test");
    let Ok(entries) = dir.read_dir() else { return Ok(Vec::new()) };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_file() && TEST_SUFFIXES.iter().any(|s| name.ends_with(s)) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
