//! Where an image comes from, and reading its bytes without ever holding more than the limit.
//!
//! A source without a scheme is an asset of the app: a relative path resolved inside the app's
//! directory, which it may not leave — not with `..`, not through a symbolic link. `file:` URLs
//! name any file the host may read (device storage); `http:` and `https:` URLs are fetched with
//! ureq (rustls, the Mozilla root certificates), with a timeout and a body limit. Anything else
//! (`data:`, `ftp:`, …) is `unsupported`.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::os::unix::ffi::OsStringExt;
use std::path::{Component, Path, PathBuf};

use marquee_protocol::ImageError;
use ureq::Agent;

use crate::{Error, Image, Limits, decode};

/// A parsed image source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A path relative to the app's directory, without `..`.
    Asset(PathBuf),
    /// An absolute path from a `file:` URL.
    File(PathBuf),
    /// An `http:` or `https:` URL.
    Http(String),
}

impl Source {
    /// Reads a source string as the app wrote it.
    pub fn parse(src: &str) -> Result<Source, Error> {
        let bad = |why: &str| Error::new(ImageError::BadSource, format!("{src:?}: {why}"));
        if src.trim().is_empty() {
            return Err(bad("empty"));
        }
        let Some((scheme, rest)) = scheme(src) else {
            let path = Path::new(src);
            if path.is_absolute() {
                return Err(bad("an absolute path; assets are relative to the app, other files are file: URLs"));
            }
            if path.components().any(|c| matches!(c, Component::ParentDir)) {
                return Err(bad("`..` would leave the app's directory"));
            }
            return Ok(Source::Asset(path.components().collect()));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => match src.parse::<ureq::http::Uri>() {
                Ok(uri) if uri.host().is_some_and(|h| !h.is_empty()) => Ok(Source::Http(src.to_owned())),
                Ok(_) => Err(bad("no host")),
                Err(e) => Err(bad(&e.to_string())),
            },
            "file" => {
                // file:///path, file://localhost/path or file:/path.
                let path = match rest.strip_prefix("//") {
                    Some(authority_and_path) => {
                        let slash = authority_and_path.find('/').unwrap_or(authority_and_path.len());
                        let (host, path) = authority_and_path.split_at(slash);
                        if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
                            return Err(bad("file: URLs on another host are not supported"));
                        }
                        path
                    }
                    None => rest,
                };
                if !path.starts_with('/') {
                    return Err(bad("a file: URL needs an absolute path"));
                }
                let bytes: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
                Ok(Source::File(PathBuf::from(OsString::from_vec(bytes))))
            }
            other => Err(Error::new(ImageError::Unsupported, format!("{src:?}: the {other}: scheme is not supported"))),
        }
    }
}

/// The URL scheme of `src` and what follows the colon, if it has one (RFC 3986: a letter, then
/// letters, digits, `+`, `-` or `.`).
fn scheme(src: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = src.split_once(':')?;
    let mut chars = scheme.chars();
    let ok =
        chars.next()?.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some((scheme, rest))
}

/// Fetches and decodes images for one app. Cheap to clone: the HTTP connection pool is shared.
#[derive(Debug, Clone)]
pub struct Fetcher {
    root: PathBuf,
    limits: Limits,
    agent: Agent,
}

impl Fetcher {
    /// A fetcher resolving assets in `app_dir`.
    pub fn new(app_dir: impl Into<PathBuf>, limits: Limits) -> Fetcher {
        let agent = Agent::config_builder()
            .timeout_global(Some(limits.timeout))
            .max_redirects(5)
            .user_agent(concat!("marquee/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Fetcher { root: app_dir.into(), limits, agent }
    }

    /// The limits this fetcher applies.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Fetches and decodes `src`.
    pub fn load(&self, src: &str) -> Result<Image, Error> {
        let bytes = self.fetch(&Source::parse(src)?)?;
        decode(&bytes, &self.limits).map_err(|e| Error::new(e.reason, format!("{src:?}: {}", e.detail)))
    }

    /// The encoded bytes of `source`.
    pub fn fetch(&self, source: &Source) -> Result<Vec<u8>, Error> {
        match source {
            Source::Asset(relative) => {
                let shown = relative.display();
                let missing = |e: std::io::Error| Error::new(ImageError::NotFound, format!("asset {shown}: {e}"));
                let root = self.root.canonicalize().map_err(missing)?;
                let path = root.join(relative).canonicalize().map_err(missing)?;
                // A symbolic link may point anywhere; the asset must still be the app's.
                if !path.starts_with(&root) {
                    return Err(Error::new(ImageError::BadSource, format!("asset {shown} leaves the app's directory")));
                }
                self.read_file(&path)
            }
            Source::File(path) => self.read_file(path),
            Source::Http(url) => self.get(url),
        }
    }

    fn read_file(&self, path: &Path) -> Result<Vec<u8>, Error> {
        let shown = path.display();
        let io = |e: std::io::Error| {
            let reason = match e.kind() {
                std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory => ImageError::NotFound,
                _ => ImageError::Unreachable,
            };
            Error::new(reason, format!("{shown}: {e}"))
        };
        let file = File::open(path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        if !meta.is_file() {
            return Err(Error::new(ImageError::NotFound, format!("{shown}: not a file")));
        }
        let max = self.limits.max_encoded_bytes;
        if meta.len() > max {
            return Err(Error::new(ImageError::TooLarge, format!("{shown}: {} bytes, over {max}", meta.len())));
        }
        // The file may grow between the check and the read: never read past the limit.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > max {
            return Err(Error::new(ImageError::TooLarge, format!("{shown}: over {max} bytes")));
        }
        Ok(bytes)
    }

    fn get(&self, url: &str) -> Result<Vec<u8>, Error> {
        let max = self.limits.max_encoded_bytes;
        let fail = |e: ureq::Error| {
            let reason = match e {
                ureq::Error::StatusCode(404 | 410) => ImageError::NotFound,
                ureq::Error::BodyExceedsLimit(_) => ImageError::TooLarge,
                ureq::Error::BadUri(_) => ImageError::BadSource,
                _ => ImageError::Unreachable,
            };
            Error::new(reason, format!("{url}: {e}"))
        };
        let mut response = self.agent.get(url).call().map_err(fail)?;
        if let Some(length) = response.body().content_length()
            && length > max
        {
            return Err(Error::new(ImageError::TooLarge, format!("{url}: {length} bytes, over {max}")));
        }
        response.body_mut().with_config().limit(max).read_to_vec().map_err(fail)
    }
}
