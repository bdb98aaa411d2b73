//! Reading a downloaded app's files: the one way the host opens a path an app named.
//!
//! An app is code and data nobody on the device controls, and a path is one of the things it
//! sends: an image source, a font in its bundle, a module it imports. Opening such a path the
//! ordinary way can hang a host thread forever (`open` on a FIFO waits for a writer), read a
//! device endlessly (`/dev/zero`), read a 2 GB file whole before a size check, or follow a
//! symbolic link out of the app to a system file. Every read here is therefore:
//!
//! - **confined**: [`Dir::read`] resolves the path with every symbolic link followed and refuses
//!   it unless it is still inside the directory it was named in;
//! - **a regular file**: checked before opening, and again on the open file (the path may have
//!   been swapped in between); the open itself never blocks (`O_NONBLOCK`, which a regular file
//!   ignores);
//! - **bounded**: the size is checked against the caller's limit before a byte is read, and the
//!   read stops one byte past the limit in case the file grows meanwhile.
//!
//! Errors say what was refused without quoting the file's content; [`Error::Outside`] does not
//! say whether the target exists.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The path does not exist (or a directory on the way is missing).
    NotFound(PathBuf),
    /// The path resolves outside the directory it must stay in.
    Outside(PathBuf),
    /// The path is not a regular file: what it is instead ("a FIFO", "a directory", …).
    NotAFile(PathBuf, &'static str),
    /// The file is larger than the caller accepts.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, or the limit plus one if it grew while being read.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// Any other failure of the file system.
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotFound(p) => write!(f, "{}: not found", p.display()),
            Error::Outside(p) => write!(f, "{}: leaves the directory it must stay in", p.display()),
            Error::NotAFile(p, what) => write!(f, "{}: {what}, not a regular file", p.display()),
            Error::TooLarge { path, size, max } => {
                write!(f, "{}: {size} bytes, over the limit of {max}", path.display())
            }
            Error::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for Error {}

/// A directory whose files may be read, and nothing outside it.
#[derive(Debug, Clone)]
pub struct Dir {
    /// Canonical: symbolic links resolved.
    root: PathBuf,
}

impl Dir {
    /// The directory `root` (it must exist; links in its own path are resolved now).
    pub fn new(root: &Path) -> Result<Dir, Error> {
        let canonical = root.canonicalize().map_err(|e| io_error(root, e))?;
        Ok(Dir { root: canonical })
    }

    /// Where this directory really is.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real path of `relative` (or of an absolute path claimed to be inside), refused if it
    /// is not inside this directory once every link is followed.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, Error> {
        let joined = self.root.join(path);
        let real = joined.canonicalize().map_err(|e| match e.kind() {
            // A link out of the directory to a missing target must read like any other link
            // out: whether something exists out there is not the app's business.
            std::io::ErrorKind::NotFound if self.leads_out(&joined) => Error::Outside(path.to_owned()),
            _ => io_error(path, e),
        })?;
        if !real.starts_with(&self.root) {
            return Err(Error::Outside(path.to_owned()));
        }
        Ok(real)
    }

    /// Whether `missing` (a path that does not resolve) would lead out of this directory: its
    /// directory does, or it is a link whose target does.
    fn leads_out(&self, missing: &Path) -> bool {
        let parent = missing.parent().and_then(|p| p.canonicalize().ok());
        if parent.as_ref().is_some_and(|p| !p.starts_with(&self.root)) {
            return true;
        }
        match (std::fs::read_link(missing), parent) {
            (Ok(target), Some(parent)) => {
                let mut lexical = PathBuf::new();
                for c in parent.join(target).components() {
                    match c {
                        std::path::Component::ParentDir => {
                            lexical.pop();
                        }
                        std::path::Component::CurDir => {}
                        other => lexical.push(other),
                    }
                }
                !lexical.starts_with(&self.root)
            }
            _ => false,
        }
    }

    /// Reads `path` (relative to this directory) if it is a regular file inside it of at most
    /// `max` bytes.
    pub fn read(&self, path: &Path, max: u64) -> Result<Vec<u8>, Error> {
        let real = self.resolve(path)?;
        read_regular(&real, max).map_err(|e| e.shown_as(path))
    }

    /// The regular files directly in `sub` (relative to this directory) whose extension, in
    /// lower case, is one of `extensions`; sorted by name, so the order does not depend on the
    /// file system. Entries that are not regular files or leave the directory are skipped.
    pub fn files(&self, sub: &Path, extensions: &[&str]) -> Result<Vec<PathBuf>, Error> {
        let dir = self.resolve(sub)?;
        let entries = std::fs::read_dir(&dir).map_err(|e| io_error(sub, e))?;
        let mut out: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| sub.join(e.file_name()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                ext.is_some_and(|ext| extensions.contains(&ext.as_str()))
            })
            .collect();
        out.sort();
        Ok(out)
    }
}

/// Reads `path` if it is a regular file of at most `max` bytes, whatever directory it is in (for
/// paths the device, not the app, chose).
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let file = open_regular(path)?;
    let size = file.metadata().map_err(|e| io_error(path, e))?.len();
    if size > max {
        return Err(Error::TooLarge { path: path.to_owned(), size, max });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > max {
        return Err(Error::TooLarge { path: path.to_owned(), size: max + 1, max });
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file, without blocking (for callers that stream
/// it, e.g. a module loader that reads it itself).
pub fn open_regular(path: &Path) -> Result<File, Error> {
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    regular(path, &meta)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| io_error(path, e))?;
    // And again on what was opened: the path may have been replaced in between.
    regular(path, &file.metadata().map_err(|e| io_error(path, e))?)?;
    Ok(file)
}

fn regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), Error> {
    let t = meta.file_type();
    let what = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "a special file"
    };
    Err(Error::NotAFile(path.to_owned(), what))
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => Error::NotFound(path.to_owned()),
        _ => Error::Io(path.to_owned(), e),
    }
}

impl Error {
    /// The same error naming `path` (the name the app used) instead of the resolved one.
    fn shown_as(self, path: &Path) -> Error {
        let path = path.to_owned();
        match self {
            Error::NotFound(_) => Error::NotFound(path),
            Error::Outside(_) => Error::Outside(path),
            Error::NotAFile(_, what) => Error::NotAFile(path, what),
            Error::TooLarge { size, max, .. } => Error::TooLarge { path, size, max },
            Error::Io(_, e) => Error::Io(path, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;
    use std::path::Path;

    use super::{Dir, Error, read_regular};

    /// An app directory with one of each kind of entry an app could ship or a device could have.
    fn app() -> (tempfile::TempDir, tempfile::TempDir, Dir) {
        let app = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let a = app.path();
        std::fs::create_dir_all(a.join("assets/fonts")).unwrap();
        std::fs::write(a.join("assets/logo.png"), b"png bytes").unwrap();
        std::fs::write(a.join("assets/fonts/b.ttf"), b"b").unwrap();
        std::fs::write(a.join("assets/fonts/A.TTF"), b"a").unwrap();
        std::fs::write(a.join("assets/fonts/notes.txt"), b"n").unwrap();
        std::fs::write(a.join("big.bin"), vec![0u8; 1000]).unwrap();
        std::fs::write(outside.path().join("secret"), b"secret").unwrap();
        symlink(outside.path().join("secret"), a.join("assets/out.png")).unwrap();
        symlink(outside.path().join("missing"), a.join("assets/dangling.png")).unwrap();
        symlink(a.join("assets/logo.png"), a.join("assets/alias.png")).unwrap();
        symlink("/dev/zero", a.join("assets/fonts/zero.ttf")).unwrap();
        let fifo = std::ffi::CString::new(a.join("assets/pipe.png").to_str().unwrap()).unwrap();
        assert_eq!(mkfifo(&fifo), 0);
        let dir = Dir::new(a).unwrap();
        (app, outside, dir)
    }

    #[allow(unsafe_code, reason = "mkfifo has no safe wrapper in std")]
    fn mkfifo(path: &std::ffi::CStr) -> i32 {
        // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
        unsafe { libc::mkfifo(path.as_ptr(), 0o600) }
    }

    #[test]
    fn reads_what_it_should_and_refuses_the_rest() {
        let (_app, _outside, dir) = app();
        assert_eq!(dir.read(Path::new("assets/logo.png"), 100).unwrap(), b"png bytes");
        // A link that stays inside is fine.
        assert_eq!(dir.read(Path::new("assets/alias.png"), 100).unwrap(), b"png bytes");
        type Expect = fn(&Error) -> bool;
        let cases: &[(&str, Expect)] = &[
            ("assets/out.png", |e| matches!(e, Error::Outside(_))),
            // Whether the target of a link out exists is not told.
            ("assets/dangling.png", |e| matches!(e, Error::Outside(_))),
            ("../secret", |e| matches!(e, Error::Outside(_) | Error::NotFound(_))),
            ("assets/missing.png", |e| matches!(e, Error::NotFound(_))),
            ("assets/pipe.png", |e| matches!(e, Error::NotAFile(_, "a FIFO"))),
            ("assets", |e| matches!(e, Error::NotAFile(_, "a directory"))),
            ("assets/fonts/zero.ttf", |e| matches!(e, Error::Outside(_))),
            ("big.bin", |e| matches!(e, Error::TooLarge { size: 1000, max: 999, .. })),
        ];
        for (path, expected) in cases {
            // A FIFO would block here for good (the test would hang, not fail slowly).
            let e = dir.read(Path::new(path), 999).expect_err(path);
            assert!(expected(&e), "{path}: {e}");
            assert!(e.to_string().starts_with(path), "{path}: the error names the app's path: {e}");
        }
    }

    #[test]
    fn devices_and_fifos_are_refused_wherever_they_are() {
        let (app, _outside, _dir) = app();
        assert!(matches!(read_regular(Path::new("/dev/zero"), 1 << 20), Err(Error::NotAFile(_, "a device"))));
        let fifo = app.path().join("assets/pipe.png");
        assert!(matches!(read_regular(&fifo, 10), Err(Error::NotAFile(_, "a FIFO"))));
    }

    #[test]
    fn lists_files_by_extension_in_name_order() {
        let (_app, _outside, dir) = app();
        let fonts = dir.files(Path::new("assets/fonts"), &["ttf", "otf"]).unwrap();
        let names: Vec<_> = fonts.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(names, ["assets/fonts/A.TTF", "assets/fonts/b.ttf", "assets/fonts/zero.ttf"]);
        // Listed, but reading the device through its link is refused.
        assert!(dir.read(&fonts[2], 1 << 20).is_err());
    }
}
