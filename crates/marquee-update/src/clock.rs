//! The device's clock policy: freeze protection without a lock-out.
//!
//! TUF needs the time twice. Metadata **expiry** is checked against the system clock, so a
//! repository frozen by an attacker (old, validly signed metadata replayed forever) is refused
//! once it expires. And tough remembers the latest time it has seen (`tuf/latest_known_time.json`)
//! and refuses to run when the clock reads earlier, so the clock cannot be wound back to make
//! expired metadata look fresh.
//!
//! tough records that time at the *start* of every check, successful or not. TVs often boot with
//! a wrong clock: one check with the clock at 2040 (which fails, the metadata being expired then)
//! would lock the device out of updates until 2040. So the device keeps its own floor,
//! `verified_time.json`: the time of the last check whose metadata verified — a time the signed
//! metadata vouched for, since nothing verifies once its timestamp has expired, which bounds how
//! far ahead that clock reading can be by the timestamp's lifetime (1 day by default). Before each
//! check, tough's record is replaced by that floor:
//!
//! - a clock that was wrong only during failed checks recovers at the first check after it is
//!   right;
//! - a clock wound back before the last *verified* check is still refused, with a message that
//!   says to set the clock;
//! - a clock that ran ahead during a successful check can delay updates by at most the lifetime
//!   of the timestamp it verified.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Error, io};

/// tough's record of the latest time it saw, in its datastore.
const TOUGH_TIME: &str = "tuf/latest_known_time.json";
/// The device's floor: the time of the last check whose metadata verified.
const VERIFIED_TIME: &str = "verified_time.json";

/// The two time records of one device directory.
pub(crate) struct Clock {
    tough: PathBuf,
    verified: PathBuf,
}

impl Clock {
    pub(crate) fn new(device: &Path) -> Clock {
        Clock { tough: device.join(TOUGH_TIME), verified: device.join(VERIFIED_TIME) }
    }

    /// Puts the verified floor where tough looks (or removes tough's record when there is no
    /// verified check yet).
    pub(crate) fn before_check(&self) -> Result<(), Error> {
        match fs::read(&self.verified) {
            Ok(bytes) => marquee_bundle::write_atomic(&self.tough, &bytes).map_err(Error::Bundle),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match fs::remove_file(&self.tough) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io(self.tough.clone(), e)),
                _ => Ok(()),
            },
            Err(e) => Err(Error::Io(self.verified.clone(), e)),
        }
    }

    /// The metadata verified: the time tough checked it at becomes the floor.
    pub(crate) fn verified(&self) -> Result<(), Error> {
        let bytes = fs::read(&self.tough).map_err(io(&self.tough))?;
        marquee_bundle::write_atomic(&self.verified, &bytes).map_err(Error::Bundle)
    }
}
