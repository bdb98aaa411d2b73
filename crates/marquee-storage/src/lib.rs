//! An app's Web Storage: the string map behind `localStorage` and `sessionStorage`.
//!
//! A [`Storage`] holds keys and values within a quota; one opened on a file persists every
//! change before it returns, so an app that writes a setting and is killed a moment later finds
//! it at the next launch. The file is replaced atomically (written beside it, flushed, renamed
//! over it, the directory flushed), so a `kill -9` or a power cut at any moment leaves the
//! previous contents or the new ones, never a torn file: at most the write in flight is lost. A
//! change that fails to persist is taken back, so memory and disk agree.
//!
//! The file is a JSON object of strings. One that cannot be read as that (damaged by hand, or
//! by a disk) is moved aside to `<name>.corrupt` and the storage starts empty: the app keeps
//! working and nothing is deleted. Sizes count UTF-16 code units, two bytes each, of every key
//! and value, as browsers count them.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The quota browsers give an origin, and the default here: 5 MiB.
pub const DEFAULT_QUOTA: usize = 5 << 20;

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The change would take the storage past its quota.
    Quota {
        /// The bytes the storage would hold after the change.
        needed: usize,
        /// The bytes it may hold.
        quota: usize,
    },
    /// The change could not be persisted (it was taken back).
    Io(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Quota { needed, quota } => {
                write!(f, "the storage quota of {quota} bytes is exceeded ({needed} bytes needed)")
            }
            Error::Io(why) => write!(f, "the storage could not be saved: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// A string map within a quota, persisted to a file or kept in memory.
#[derive(Debug)]
pub struct Storage {
    items: BTreeMap<String, String>,
    /// Bytes used, as [`weight`] counts them.
    used: usize,
    quota: usize,
    file: Option<PathBuf>,
}

/// What a key or value weighs against the quota: its UTF-16 code units, two bytes each.
fn weight(s: &str) -> usize {
    2 * s.encode_utf16().count()
}

impl Storage {
    /// A storage kept in memory only (`sessionStorage`).
    pub fn in_memory(quota: usize) -> Storage {
        Storage { items: BTreeMap::new(), used: 0, quota, file: None }
    }

    /// The storage persisted in `file` (created with its directory on the first change). Returns
    /// it and, when the file was unreadable and moved aside, a line saying so.
    pub fn open(file: &Path, quota: usize) -> Result<(Storage, Option<String>), Error> {
        let mut storage = Storage { file: Some(file.to_path_buf()), ..Storage::in_memory(quota) };
        let text = match fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((storage, None)),
            Err(e) => return Err(Error::Io(format!("{}: {e}", file.display()))),
        };
        let parsed = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&text)
            .map_err(|e| e.to_string())
            .and_then(|map| {
                map.into_iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(v) => Ok((k, v)),
                        other => Err(format!("the value of {k:?} is not a string: {other}")),
                    })
                    .collect::<Result<BTreeMap<_, _>, _>>()
            });
        match parsed {
            Ok(items) => {
                storage.used = items.iter().map(|(k, v)| weight(k) + weight(v)).sum();
                storage.items = items;
                Ok((storage, None))
            }
            Err(why) => {
                let aside = file.with_extension("corrupt");
                fs::rename(file, &aside).map_err(|e| Error::Io(format!("{}: {e}", file.display())))?;
                let line =
                    format!("{} was unreadable ({why}); moved to {}, starting empty", file.display(), aside.display());
                Ok((storage, Some(line)))
            }
        }
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.items.get(key).map(String::as_str)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The `n`-th key, in the storage's order (sorted).
    pub fn key(&self, n: usize) -> Option<&str> {
        self.items.keys().nth(n).map(String::as_str)
    }

    /// Bytes used against the quota.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Stores `value` under `key`, persisted before it returns; past the quota nothing changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), Error> {
        let old = self.items.get(key);
        if old.is_some_and(|v| v == value) {
            return Ok(());
        }
        let freed = old.map_or(0, |v| weight(key) + weight(v));
        let needed = self.used - freed + weight(key) + weight(value);
        if needed > self.quota {
            return Err(Error::Quota { needed, quota: self.quota });
        }
        let previous = self.items.insert(key.to_string(), value.to_string());
        let before = std::mem::replace(&mut self.used, needed);
        self.persist().inspect_err(|_| {
            match previous {
                Some(v) => self.items.insert(key.to_string(), v),
                None => self.items.remove(key),
            };
            self.used = before;
        })
    }

    /// Removes `key`, persisted before it returns.
    pub fn remove(&mut self, key: &str) -> Result<(), Error> {
        let Some(value) = self.items.remove(key) else { return Ok(()) };
        let before = self.used;
        self.used -= weight(key) + weight(&value);
        self.persist().inspect_err(|_| {
            self.items.insert(key.to_string(), value);
            self.used = before;
        })
    }

    /// Removes every key, persisted before it returns.
    pub fn clear(&mut self) -> Result<(), Error> {
        if self.items.is_empty() {
            return Ok(());
        }
        let items = std::mem::take(&mut self.items);
        let before = std::mem::replace(&mut self.used, 0);
        self.persist().inspect_err(|_| {
            self.items = items;
            self.used = before;
        })
    }

    /// Replaces the file with the current items: written beside it, flushed, renamed over it,
    /// and the directory flushed so the rename itself survives a power cut.
    fn persist(&self) -> Result<(), Error> {
        let Some(file) = &self.file else { return Ok(()) };
        let io = |e: std::io::Error| Error::Io(format!("{}: {e}", file.display()));
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(io)?;
        let bytes = serde_json::to_vec(&self.items).map_err(|e| Error::Io(e.to_string()))?;
        let temporary = file.with_extension("tmp");
        let mut out = File::create(&temporary).map_err(io)?;
        out.write_all(&bytes).and_then(|()| out.sync_all()).map_err(io)?;
        drop(out);
        fs::rename(&temporary, file).map_err(io)?;
        File::open(dir).and_then(|d| d.sync_all()).map_err(io)
    }
}
