//! The development loop behind `marquee dev`: watches an app's files, rebuilds it when they
//! change and applies the edit to the host that is running it, without restarting the host.
//!
//! ```text
//!   save ──inotify──▶ settle (SETTLE) ──▶ esbuild ──▶ host.refresh(changed modules)   React
//!                                            │          or host.reload()              others
//!                                            ▼ fails      (a new app that fails: the host
//!                                  host.show_problem(why)   shows why)
//! ```
//!
//! A React app is built as separate modules on a small runtime (`refresh.rs`, `refresh.js`),
//! and an edit reaches it as the modules that changed: React Refresh swaps the edited
//! components in place and their state survives (Fast Refresh). Any other app, and an edit
//! that cannot be applied in place (to the entry module, or to the packages imported), starts
//! the app afresh from its entry module ([`InputSender::reload`]). The host is a [`Target`]:
//! the native host, or a page under `marquee web --dev`.
//!
//! The running app is never stopped for an edit that does not work: a build that fails puts
//! the error on the screen over the app that runs, and a module that fails to load or throws
//! while it starts is reported by the host the same way (see `marquee_host::InputSender`).
//! Changes under `.marquee/` (the compiled app), `node_modules/` and `.git/`, and editors'
//! hidden and backup files, are not the app's and start nothing.

mod refresh;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use marquee_bundle::Tools;
use marquee_host::InputSender;
use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use refresh::{Edit, Refresh};

/// How long after a change the loop waits for more before it rebuilds: one save is several
/// events (a temporary file written and renamed over the original, its times set), and a
/// formatter run on save writes again at once.
pub const SETTLE: Duration = Duration::from_millis(15);

/// What one rebuild did, for the front end to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebuild {
    /// The changed files that started it, relative to the app's directory (those still there,
    /// unless none is).
    pub changed: Vec<PathBuf>,
    /// When the first of them was seen.
    pub seen: Instant,
    /// How long the build took (zero for an app that runs as it is written).
    pub build: Duration,
    /// Why the build failed, if it did: the screen shows it and the running app stays.
    pub failed: Option<String>,
    /// Whether the edit went to the running app to be taken in place, its state kept: the
    /// modules it changed (Fast Refresh; the app reloads when one of them is its entry), or none
    /// (it undid an edit that did not build). False: a reload.
    pub hot: bool,
}

/// The host an edit goes to: the native host ([`InputSender`]), or a browser host's page
/// (`marquee web --dev`). Each says false once the run has ended, and the loop stops.
pub trait Target: Send + 'static {
    /// Applies an edit in the running app: a script of the app's changed modules (see
    /// [`InputSender::refresh`]).
    fn refresh(&self, update: String) -> bool;
    /// Starts the app again from its build as it is now.
    fn reload(&self) -> bool;
    /// Shows `problem` over the running app, or takes the one shown away.
    fn show_problem(&self, problem: Option<String>) -> bool;
}

impl Target for InputSender {
    fn refresh(&self, update: String) -> bool {
        InputSender::refresh(self, update)
    }

    fn reload(&self) -> bool {
        InputSender::reload(self)
    }

    fn show_problem(&self, problem: Option<String>) -> bool {
        InputSender::show_problem(self, problem)
    }
}

/// The app as `marquee dev` builds it: what the host starts from, and each rebuild.
pub struct Build {
    app: PathBuf,
    tools: Tools,
    refresh: Option<Refresh>,
    entry: Option<PathBuf>,
    /// Why Fast Refresh is off for a React app, if it is (the app is built whole and each edit
    /// reloads it).
    pub without_refresh: Option<String>,
}

impl Build {
    /// Builds the app in `app` for the host to start: a React app for Fast Refresh (or whole
    /// when it cannot be built so), JSX and TypeScript whole, plain modules not at all.
    pub fn new(app: &Path, tools: Tools) -> Result<Build, marquee_bundle::Error> {
        let app = app.canonicalize().map_err(|e| marquee_bundle::Error::App(format!("{}: {e}", app.display())))?;
        let mut build = Build { app, tools, refresh: None, entry: None, without_refresh: None };
        if marquee_bundle::uses_react(&build.app) {
            match Refresh::start(&build.app, build.tools.clone()) {
                Ok((refresh, entry)) => (build.refresh, build.entry) = (Some(refresh), Some(entry)),
                // A whole build may work where modules apart do not (top-level await).
                Err(e) => build.without_refresh = Some(e.to_string()),
            }
        }
        if build.entry.is_none() && marquee_bundle::needs_compile(&build.app) {
            build.entry = Some(marquee_bundle::compile(&build.app, &build.tools)?);
        }
        Ok(build)
    }

    /// The file the host starts the app from (`Options::entry`); `None`: the app's own entry
    /// module.
    pub fn entry(&self) -> Option<PathBuf> {
        self.entry.clone()
    }

    /// The app's directory, canonical.
    pub fn app(&self) -> &Path {
        &self.app
    }

    /// Builds the app again, as the host started it, after `files` changed.
    fn rebuild(&mut self, files: &[PathBuf]) -> Result<Edit, marquee_bundle::Error> {
        if let Some(refresh) = &mut self.refresh {
            return refresh.rebuild(files);
        }
        // Whether the app needs compiling is asked each time: an edit to package.json may
        // change it.
        if marquee_bundle::needs_compile(&self.app) {
            marquee_bundle::compile(&self.app, &self.tools)?;
        }
        Ok(Edit::Reload)
    }
}

/// Why the loop could not start.
#[derive(Debug)]
pub enum Error {
    /// The app's directory cannot be watched.
    Watch(PathBuf, notify::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Watch(dir, e) => write!(f, "cannot watch {}: {e}", dir.display()),
        }
    }
}

impl std::error::Error for Error {}

/// The loop, running on its own thread until it is dropped or the host's run ends.
pub struct Dev {
    // Dropped first: its channel closes and the thread ends.
    watcher: Option<RecommendedWatcher>,
    thread: Option<JoinHandle<()>>,
}

impl Dev {
    /// Watches the app `build` built and applies each edit to `host`; `report` hears of each
    /// rebuild, on the loop's thread, before the host is told (whoever sees the screen change
    /// has heard why).
    pub fn start(build: Build, host: impl Target, report: impl FnMut(&Rebuild) + Send + 'static) -> Result<Dev, Error> {
        let app = build.app.clone();
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| Error::Watch(app.clone(), e))?;
        watcher.watch(&app, RecursiveMode::Recursive).map_err(|e| Error::Watch(app.clone(), e))?;
        let thread = std::thread::Builder::new()
            .name("marquee-dev".into())
            .spawn(move || watch(build, &host, &rx, report))
            .map_err(|e| Error::Watch(PathBuf::new(), notify::Error::io(e)))?;
        Ok(Dev { watcher: Some(watcher), thread: Some(thread) })
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        self.watcher.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The loop: a change, the changes that follow it within [`SETTLE`], one rebuild.
fn watch(mut build: Build, host: &impl Target, rx: &Receiver<notify::Result<Event>>, mut report: impl FnMut(&Rebuild)) {
    let app = build.app.clone();
    loop {
        let Ok(first) = rx.recv() else { return };
        let seen = Instant::now();
        let mut changed = BTreeSet::new();
        note(&app, first, &mut changed);
        loop {
            match rx.recv_timeout(SETTLE) {
                Ok(event) => note(&app, event, &mut changed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if changed.is_empty() {
            continue;
        }
        // An editor's or a tool's temporary files come and go within a save: name the files
        // that are there, unless the change was that files went.
        let mut changed: Vec<PathBuf> = changed.into_iter().collect();
        if changed.iter().any(|p| app.join(p).exists()) {
            changed.retain(|p| app.join(p).exists());
        }
        let started = Instant::now();
        let built = build.rebuild(&changed).map_err(|e| e.to_string());
        let took = started.elapsed();
        let hot = matches!(built, Ok(Edit::Refresh(_) | Edit::Unchanged));
        // Reported before the host hears of it: whoever sees the screen change has heard why.
        report(&Rebuild { changed, seen, build: took, failed: built.as_ref().err().cloned(), hot });
        let running = match built {
            Ok(Edit::Refresh(update)) => host.refresh(update),
            Ok(Edit::Reload) => host.reload(),
            // The app runs as built: only a problem shown (the edit's that did not build) goes.
            Ok(Edit::Unchanged) => host.show_problem(None),
            Err(why) => host.show_problem(Some(format!("The app does not build\n\n{why}"))),
        };
        if !running {
            return;
        }
    }
}

/// Adds the app's files that `event` changed to `changed`.
fn note(app: &Path, event: notify::Result<Event>, changed: &mut BTreeSet<PathBuf>) {
    let Ok(event) = event else { return };
    let changes = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(kind) => !matches!(kind, ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    };
    if changes {
        changed.extend(
            event.paths.iter().filter_map(|p| p.strip_prefix(app).ok()).filter(|p| is_source(p)).map(Path::to_path_buf),
        );
    }
}

/// Whether a changed path (relative to the app) is the app's: not its build output, its
/// packages or its history, nor an editor's hidden, swap or backup file.
fn is_source(path: &Path) -> bool {
    let hidden = |name: &str| name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp");
    !path.as_os_str().is_empty()
        && path.components().all(|c| match c {
            Component::Normal(name) => {
                let name = name.to_string_lossy();
                !hidden(&name) && name != "node_modules"
            }
            _ => true,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_files_start_a_rebuild() {
        for (path, source) in [
            ("main.js", true),
            ("src/page.tsx", true),
            ("assets/posters/1.jpg", true),
            ("package.json", true),
            (".marquee/app.js", false),
            ("node_modules/react/index.js", false),
            (".git/index", false),
            ("src/.page.tsx.swp", false),
            ("src/page.tsx.swp", false),
            ("src/page.tsx~", false),
            ("", false),
        ] {
            assert_eq!(is_source(Path::new(path)), source, "{path}");
        }
    }

    #[test]
    fn metadata_and_reads_are_not_changes() {
        use notify::event::{AccessKind, CreateKind, DataChange, MetadataKind};
        let app = Path::new("/app");
        let event = |kind| Ok(Event::new(kind).add_path(PathBuf::from("/app/main.js")));
        let mut changed = BTreeSet::new();
        note(app, event(EventKind::Access(AccessKind::Any)), &mut changed);
        note(app, event(EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime))), &mut changed);
        assert!(changed.is_empty());
        note(app, event(EventKind::Modify(ModifyKind::Data(DataChange::Content))), &mut changed);
        note(app, event(EventKind::Create(CreateKind::File)), &mut changed);
        assert_eq!(changed.into_iter().collect::<Vec<_>>(), [PathBuf::from("main.js")]);
        // A path outside the app (a watcher's rename from elsewhere) is not the app's.
        let mut changed = BTreeSet::new();
        let outside = Ok(Event::new(EventKind::Create(CreateKind::File)).add_path(PathBuf::from("/tmp/x.js")));
        note(app, outside, &mut changed);
        assert!(changed.is_empty());
    }
}
