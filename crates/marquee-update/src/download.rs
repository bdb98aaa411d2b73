//! Downloading a bundle's objects so that no byte is fetched twice.
//!
//! An object is appended to `DEVICE/partial/<sha256>` as it arrives. When the connection drops,
//! the server answers 5xx, or a read stalls, the download waits (5, 20, 80, 320 ms… up to 2 s) and
//! asks again for the rest with `Range: bytes=N-`; a server that ignores the range starts the
//! file over. The partial file survives the end of the check and a kill, so the next check
//! resumes it too. Only once the file holds exactly the signed size is it hashed; a mismatch
//! deletes it, and nothing unverified reaches the store.
//!
//! The metadata goes through tough's own transport; objects come here because they are large
//! and tough's transport gives up on a body cut by a dropped connection and restarts a later
//! check from byte 0.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use url::Url;

use crate::{Error, io};

/// How downloads retry and time out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Requests per object before the check gives up.
    pub(crate) tries: u32,
    /// A connection or read that stalls this long counts as cut.
    pub(crate) timeout: Duration,
}

/// The first wait between tries, and the longest.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(5), Duration::from_secs(2));

/// Fetches `url` into `partial` (resuming what is there) until it holds `size` bytes, then checks
/// them against `sha256`; returns the verified bytes.
pub(crate) fn object(url: &Url, partial: &Path, size: u64, sha256: &str, policy: Policy) -> Result<Vec<u8>, Error> {
    let agent = ureq::Agent::config_builder()
        .timeout_connect(Some(policy.timeout))
        .timeout_recv_response(Some(policy.timeout))
        .timeout_recv_body(Some(policy.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("marquee-update/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent();
    if let Some(dir) = partial.parent() {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let held = || fs::metadata(partial).map_or(0, |m| m.len());
    let mut wait = BACKOFF.0;
    // Tries that brought no new byte: a slow link that keeps making progress is not given up on
    // (within a bound on all tries, so a hostile server cannot keep the device busy forever).
    let mut barren = 0;
    for _ in 0..policy.tries.max(1).saturating_mul(16) {
        let before = held();
        let why = match fetch_rest(&agent, url, partial, size) {
            Ok(()) => return verified(partial, size, sha256, url),
            Err(Attempt::Retry(why)) => why,
            Err(Attempt::Fatal(e)) => return Err(e),
        };
        if held() > before {
            barren = 0;
            wait = BACKOFF.0;
        } else {
            barren += 1;
        }
        if barren >= policy.tries.max(1) {
            return Err(Error::Download(format!("{url}: gave up after {barren} tries without progress: {why}")));
        }
        std::thread::sleep(wait);
        wait = (wait * 4).min(BACKOFF.1);
    }
    Err(Error::Download(format!("{url}: gave up after {} tries", policy.tries.max(1).saturating_mul(16))))
}

/// Why one request did not finish the file.
enum Attempt {
    /// Worth asking again: a cut, a stall, a 5xx.
    Retry(String),
    /// Asking again cannot help.
    Fatal(Error),
}

/// One request for what `partial` lacks, appended to it.
fn fetch_rest(agent: &ureq::Agent, url: &Url, partial: &Path, size: u64) -> Result<(), Attempt> {
    let have = match fs::metadata(partial) {
        Ok(m) if m.len() <= size => m.len(),
        // Longer than signed: it cannot be a prefix of the object.
        Ok(_) => {
            fs::remove_file(partial).map_err(|e| Attempt::Fatal(Error::Io(partial.to_path_buf(), e)))?;
            0
        }
        Err(_) => 0,
    };
    if have == size {
        return Ok(());
    }
    let mut request = agent.get(url.as_str());
    if have > 0 {
        request = request.header("Range", format!("bytes={have}-"));
    }
    let mut response = request.call().map_err(|e| Attempt::Retry(e.to_string()))?;
    let status = response.status().as_u16();
    let start = match status {
        206 if have > 0 => have,
        // The whole file: the server ignored the range (or there was none).
        200 => 0,
        // The range starts at or past the end: what we have is no prefix of this file.
        416 => {
            fs::remove_file(partial).map_err(|e| Attempt::Fatal(Error::Io(partial.to_path_buf(), e)))?;
            return Err(Attempt::Retry(format!("HTTP 416 for bytes {have}-")));
        }
        500..=599 | 408 | 429 => return Err(Attempt::Retry(format!("HTTP {status}"))),
        _ => return Err(Attempt::Fatal(Error::Download(format!("{url}: HTTP {status}")))),
    };
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .append(start > 0)
        .truncate(start == 0)
        .open(partial)
        .map_err(|e| Attempt::Fatal(Error::Io(partial.to_path_buf(), e)))?;
    // Never read past the signed size (endless-data attacks); one byte more tells it was longer.
    let mut body = response.body_mut().with_config().limit(size - start + 1).reader();
    let mut written = start;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                // Keep what arrived: the next request asks for the rest.
                let _ = file.sync_data();
                return Err(Attempt::Retry(format!("cut after {written} of {size} bytes: {e}")));
            }
        };
        if written + n as u64 > size {
            drop(file);
            let _ = fs::remove_file(partial);
            return Err(Attempt::Fatal(Error::Download(format!(
                "{url}: longer than the {size} bytes its manifest signs for"
            ))));
        }
        file.write_all(&buf[..n]).map_err(|e| Attempt::Fatal(Error::Io(partial.to_path_buf(), e)))?;
        written += n as u64;
    }
    file.sync_data().map_err(|e| Attempt::Fatal(Error::Io(partial.to_path_buf(), e)))?;
    match written == size {
        true => Ok(()),
        false => Err(Attempt::Retry(format!("the response ended after {written} of {size} bytes"))),
    }
}

/// The finished partial file's bytes if they hash to `sha256`; otherwise it is deleted.
fn verified(partial: &Path, size: u64, sha256: &str, url: &Url) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::with_capacity(size as usize);
    File::open(partial).and_then(|f| f.take(size).read_to_end(&mut bytes)).map_err(io(partial))?;
    let found = hex::encode(Sha256::digest(&bytes));
    if bytes.len() as u64 != size || found != sha256 {
        let _ = fs::remove_file(partial);
        return Err(Error::Download(format!(
            "{url}: hash mismatch: got {} bytes with SHA-256 {found}, the signed manifest says {size} bytes with {sha256}",
            bytes.len()
        )));
    }
    Ok(bytes)
}

/// Where the partial download of object `sha256` is kept in device directory `dir`.
pub(crate) fn partial_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join("partial").join(sha256)
}
