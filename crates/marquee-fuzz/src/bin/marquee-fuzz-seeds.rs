//! Writes every target's seed corpus as files: `marquee-fuzz-seeds DIR` makes `DIR/TARGET/NAME`
//! for each seed (what `cargo xtask fuzz` hands libFuzzer as its read-only corpus).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: marquee-fuzz-seeds DIR");
        return ExitCode::FAILURE;
    };
    for (target, _) in marquee_fuzz::TARGETS {
        let out = dir.join(target);
        let written = std::fs::create_dir_all(&out).and_then(|()| {
            for (name, bytes) in marquee_fuzz::seeds(target) {
                std::fs::write(out.join(name), bytes)?;
            }
            Ok(())
        });
        if let Err(e) = written {
            eprintln!("{}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
