//! The development loop behind `marquee dev`: watches an app's files, rebuilds it when they
//! change and reloads it in the host that is running it, without restarting the host.
//!
//! ```text
//!   editor saves ──inotify──▶ settle (SETTLE) ──▶ esbuild (JSX, TypeScript, React) ──▶ host.reload()
//!                                                      │ fails                        new app fails:
//!                                                      ▼                              the host shows why
//!                                            host.show_problem(why)
//! ```
//!
//! The running app is never stopped for an edit that does not work: a build that fails puts
//! the error on the screen over the app that runs, and a module that fails to load or throws
//! while it starts is reported by the host the same way (see `marquee_host::InputSender`).
//! Changes under `.marquee/` (the compiled app), `node_modules/` and `.git/`, and editors'
//! hidden and backup files, are not the app's and start nothing.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use marquee_bundle::Tools;
use marquee_host::InputSender;
use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

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
    /// Watches `app` and reloads it in the host `host` sends to; `report` hears of each
    /// rebuild, on the loop's thread, before the host is told (whoever sees the screen change
    /// has heard why).
    pub fn start(
        app: &Path,
        tools: Tools,
        host: InputSender,
        report: impl FnMut(&Rebuild) + Send + 'static,
    ) -> Result<Dev, Error> {
        let app = app.canonicalize().map_err(|e| Error::Watch(app.to_owned(), notify::Error::io(e)))?;
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| Error::Watch(app.clone(), e))?;
        watcher.watch(&app, RecursiveMode::Recursive).map_err(|e| Error::Watch(app.clone(), e))?;
        let thread = std::thread::Builder::new()
            .name("marquee-dev".into())
            .spawn(move || watch(&app, &tools, &host, &rx, report))
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
fn watch(
    app: &Path,
    tools: &Tools,
    host: &InputSender,
    rx: &Receiver<notify::Result<Event>>,
    mut report: impl FnMut(&Rebuild),
) {
    loop {
        let Ok(first) = rx.recv() else { return };
        let seen = Instant::now();
        let mut changed = BTreeSet::new();
        note(app, first, &mut changed);
        loop {
            match rx.recv_timeout(SETTLE) {
                Ok(event) => note(app, event, &mut changed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if changed.is_empty() {
            continue;
        }
        let started = Instant::now();
        // Whether the app needs compiling is asked each time: an edit to package.json may
        // change it.
        let built = match marquee_bundle::needs_compile(app) {
            true => marquee_bundle::compile(app, tools).map(drop).map_err(|e| e.to_string()),
            false => Ok(()),
        };
        let build = started.elapsed();
        // An editor's or a tool's temporary files come and go within a save: name the files
        // that are there, unless the change was that files went.
        let mut changed: Vec<PathBuf> = changed.into_iter().collect();
        if changed.iter().any(|p| app.join(p).exists()) {
            changed.retain(|p| app.join(p).exists());
        }
        let failed = built.err();
        // Reported before the host hears of it: whoever sees the screen change has heard why.
        report(&Rebuild { changed, seen, build, failed: failed.clone() });
        let running = match failed {
            None => host.reload(),
            Some(why) => host.show_problem(Some(format!("The app does not build\n\n{why}"))),
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
