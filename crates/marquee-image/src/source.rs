//! Where an image comes from, and reading its bytes without ever holding more than the limit.
//!
//! A source without a scheme is an asset of the app: a relative path resolved inside the app's
//! directory, which it may not leave — not with `..`, not through a symbolic link. `file:` URLs
//! are off unless the device allows directories for them ([`Fetcher::allow_file_dirs`], e.g.
//! its own storage of downloaded artwork), and then name files inside those only; a refused
//! `file:` URL is refused before the file system is asked, so the answer does not tell whether
//! the path exists. Every file is read through [`marquee_app_files`]: a regular file (never a
//! FIFO or a device), its size checked before reading. `http:` and `https:` URLs are fetched
//! with ureq (rustls, the Mozilla root certificates), with a timeout and a body limit. Anything
//! else (`data:`, `ftp:`, …) is `unsupported`.

use std::ffi::OsString;
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
    /// Where a load of this source waits: local files in one lane, each HTTP origin (scheme,
    /// host and port) in its own.
    pub fn origin(&self) -> Option<String> {
        match self {
            Source::Asset(_) | Source::File(_) => None,
            Source::Http(url) => {
                let uri = url.parse::<ureq::http::Uri>().ok()?;
                let scheme = uri.scheme_str().unwrap_or("http").to_ascii_lowercase();
                Some(format!("{scheme}://{}", uri.authority()?.as_str().to_ascii_lowercase()))
            }
        }
    }
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

/// The image reason for a file that was not read.
fn file_error(e: marquee_app_files::Error) -> Error {
    use marquee_app_files::Error as E;
    let reason = match &e {
        E::NotFound(_) | E::NotAFile(..) => ImageError::NotFound,
        E::Outside(_) => ImageError::BadSource,
        E::TooLarge { .. } => ImageError::TooLarge,
        _ => ImageError::Unreachable,
    };
    Error::new(reason, e.to_string())
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
    /// Directories `file:` URLs may name files in; none by default.
    file_dirs: Vec<PathBuf>,
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
        Fetcher { root: app_dir.into(), file_dirs: Vec::new(), limits, agent }
    }

    /// Allows `file:` URLs naming regular files inside `dirs` (the device's configuration, never
    /// the app's). Without this every `file:` URL is refused.
    pub fn allow_file_dirs(mut self, dirs: Vec<PathBuf>) -> Fetcher {
        self.file_dirs = dirs;
        self
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
        let max = self.limits.max_encoded_bytes;
        match source {
            Source::Asset(relative) => {
                let app = marquee_app_files::Dir::new(&self.root).map_err(file_error)?;
                app.read(relative, max).map_err(|e| file_error(e).prefixed("asset "))
            }
            Source::File(path) => {
                let dir = self.file_dirs.iter().find_map(|d| Some((d, path.strip_prefix(d).ok()?)));
                let Some((dir, inside)) = dir else {
                    return Err(Error::new(
                        ImageError::BadSource,
                        format!(
                            "file:{}: file: URLs are not allowed outside the device's image directories",
                            path.display()
                        ),
                    ));
                };
                let allowed = marquee_app_files::Dir::new(dir).map_err(file_error)?;
                allowed.read(inside, max).map_err(|e| file_error(e).prefixed(&format!("file:{}/", dir.display())))
            }
            Source::Http(url) => self.get(url),
        }
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
