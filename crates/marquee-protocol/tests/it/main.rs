//! Tests of the wire format: golden vectors, malformed batches, and properties that must hold for
//! any input.

mod events;
mod malformed;
mod props;
mod sdk_agreement;
mod vectors;

use std::path::{Path, PathBuf};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(name)
}
