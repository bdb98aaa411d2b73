//! The hostile-app suite: every app in `tests/hostile/` once ended the host or grew it without
//! bound; each is run by the real `marquee` command and held to the checks in its `expect` file
//! (the format is in `tests/hostile/README.md`): exit status, peak memory, the longest gap
//! between frames, and what the app and the log were told.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use marquee_test_support::servers::Hanging;

const MARQUEE: &str = env!("CARGO_BIN_EXE_marquee");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One case's `expect` file, read.
#[derive(Debug, Default)]
struct Case {
    engines: Vec<String>,
    args: Vec<String>,
    setup: Vec<Vec<String>>,
    exit: i32,
    ended: Option<String>,
    max_rss_mib: Option<f64>,
    max_gap_ms: Option<f64>,
    max_seconds: Option<f64>,
    not_drawn: Option<u64>,
    resets: Option<u64>,
    min_batch_frames: Option<u64>,
    said: Vec<String>,
    not_said: Vec<String>,
}

fn parse(text: &str) -> Result<Case, String> {
    let mut case = Case { engines: vec!["wasm".into()], ..Case::default() };
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        let words = || rest.split_whitespace().map(String::from).collect::<Vec<_>>();
        let number = || rest.parse::<f64>().map_err(|_| format!("`{line}`: not a number"));
        match key {
            "engines" => case.engines = words(),
            "args" => case.args = words(),
            "setup" => case.setup.push(words()),
            "exit" => case.exit = number()? as i32,
            "ended" => case.ended = Some(rest.to_owned()),
            "max-rss-mib" => case.max_rss_mib = Some(number()?),
            "max-gap-ms" => case.max_gap_ms = Some(number()?),
            "max-seconds" => case.max_seconds = Some(number()?),
            "not-drawn" => case.not_drawn = Some(number()? as u64),
            "resets" => case.resets = Some(number()? as u64),
            "min-batch-frames" => case.min_batch_frames = Some(number()? as u64),
            "said" => case.said.push(rest.to_owned()),
            "not-said" => case.not_said.push(rest.to_owned()),
            _ => return Err(format!("`{line}`: unknown check")),
        }
    }
    Ok(case)
}

/// A `side × side` PNG: black (a few KB however large: a decompression bomb) or noise.
fn png(path: &Path, side: u32, noise: bool) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, side, side);
    encoder.set_color(if noise { png::ColorType::Rgb } else { png::ColorType::Grayscale });
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    let bytes = if noise { 3 } else { 1 } * (side as usize) * (side as usize);
    let data = if noise { marquee_test_support::guest::noise(0x2545_f491, bytes) } else { vec![0; bytes] };
    writer.write_image_data(&data).unwrap();
}

/// Copies the case's files into `dir`, makes it an app and carries out the setup lines; returns
/// the servers it started.
fn prepare(source: &Path, dir: &Path, case: &Case) -> Vec<Hanging> {
    let mut servers = Vec::new();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("assets/fonts")).unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let name = format!("hostile-{}", source.file_name().unwrap().to_string_lossy());
    std::fs::write(dir.join("package.json"), format!(r#"{{ "name": "{name}", "private": true, "main": "main.js" }}"#))
        .unwrap();
    // The workspace's packages, @marquee/sdk among them, as an installed app has them.
    std::os::unix::fs::symlink(root().join("node_modules").canonicalize().unwrap(), dir.join("node_modules")).unwrap();
    for words in &case.setup {
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let at = |p: &str| dir.join(p);
        match w.as_slice() {
            ["fifo", path] => {
                assert!(Command::new("mkfifo").arg(at(path)).status().unwrap().success());
            }
            ["symlink", path, target] => std::os::unix::fs::symlink(target, at(path)).unwrap(),
            ["sparse", path, bytes] => {
                std::fs::File::create(at(path)).unwrap().set_len(bytes.parse().unwrap()).unwrap();
            }
            ["png", path, side] => png(&at(path), side.parse().unwrap(), false),
            ["noise-png", path, side] => png(&at(path), side.parse().unwrap(), true),
            ["links", prefix, target, count] => {
                for i in 0..count.parse::<usize>().unwrap() {
                    std::os::unix::fs::symlink(at(target), at(&format!("{prefix}{i}.png"))).unwrap();
                }
            }
            ["hanging-server"] => {
                let server = Hanging::start(Duration::from_secs(120));
                std::fs::write(at("server.js"), format!("export const HANGING = '{}';\n", server.url)).unwrap();
                servers.push(server);
            }
            other => panic!("unknown setup {other:?}"),
        }
    }
    servers
}

/// Runs one case on one engine build; returns what failed.
fn run_case(name: &str, case: &Case, engine: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("marquee-hostile-{}-{name}-{engine}", std::process::id()));
    // The case's servers live until the run is over.
    let _servers = prepare(&root().join("tests/hostile").join(name), &dir, case);
    let report = dir.join("report.json");
    let started = Instant::now();
    let out = Command::new(MARQUEE)
        .arg("run")
        .arg(&dir)
        .args(["--headless", "--no-cache", "--size", "640x360", "--engine", engine, "--report"])
        .arg(&report)
        .args(&case.args)
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let mut failures = Vec::new();
    let mut fail = |what: String| failures.push(format!("{name} ({engine}): {what}"));
    let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.code() != Some(case.exit) {
        fail(format!("exit {:?}, expected {}; output:\n{}", out.status, case.exit, tail(&output)));
    }
    let json: serde_json::Value = match std::fs::read_to_string(&report) {
        Ok(text) => serde_json::from_str(&text).unwrap(),
        Err(e) => {
            fail(format!("no report ({e}); output:\n{}", tail(&output)));
            return failures;
        }
    };
    let log: Vec<&str> = json["log"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect();
    let number = |key: &str| json[key].as_f64().unwrap_or(f64::NAN);
    let rss = number("peak_rss_bytes") / 1048576.0;
    let gap = number("longest_frame_gap_ms");
    // A missing figure (NaN) fails the check too.
    if let Some(max) = case.max_rss_mib
        && rss.partial_cmp(&max) != Some(std::cmp::Ordering::Less)
    {
        fail(format!("peak memory {rss:.0} MiB, over {max} MiB"));
    }
    if let Some(max) = case.max_gap_ms
        && gap.partial_cmp(&max) != Some(std::cmp::Ordering::Less)
    {
        fail(format!("a {gap:.0} ms gap between frames, over {max} ms"));
    }
    if let Some(max) = case.max_seconds
        && seconds > max
    {
        fail(format!("ran {seconds:.1} s, over {max} s"));
    }
    if let Some(want) = &case.ended
        && json["ended"].as_str() != Some(want.as_str())
    {
        fail(format!("ended {}, expected {want}", json["ended"]));
    }
    for (key, want) in [("frames_not_drawn", case.not_drawn), ("engine_resets", case.resets)] {
        if let Some(want) = want
            && json[key].as_u64() != Some(want)
        {
            fail(format!("{key} {}, expected {want}", json[key]));
        }
    }
    let frames = json["frames"].as_array().cloned().unwrap_or_default();
    let batch_frames = frames.iter().filter(|f| f["batches"].as_u64().is_some_and(|b| b > 0)).count() as u64;
    if let Some(min) = case.min_batch_frames
        && batch_frames < min
    {
        fail(format!("the app's batches were applied in {batch_frames} frames, fewer than {min}"));
    }
    for needle in &case.said {
        if !log.iter().any(|l| l.contains(needle.as_str())) && !output.contains(needle.as_str()) {
            fail(format!("nothing said `{needle}`; log:\n{}", tail(&log.join("\n"))));
        }
    }
    for needle in &case.not_said {
        if log.iter().any(|l| l.contains(needle.as_str())) || output.contains(needle.as_str()) {
            fail(format!("`{needle}` was said"));
        }
    }
    eprintln!(
        "{name} ({engine}): {seconds:.1} s, peak {rss:.0} MiB, longest gap {gap:.0} ms, {} frames, {} log lines ({} dropped)",
        json["frames"].as_array().map_or(0, Vec::len),
        log.len(),
        json["log_dropped"]
    );
    if failures.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    failures
}

/// The end of a long text, for a failure message.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn run_named(names: &[&str]) {
    // One case at a time: the memory and frame-gap bounds are about one host on the machine.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut failures = Vec::new();
    for name in names {
        let path = root().join("tests/hostile").join(name).join("expect");
        let case =
            parse(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for engine in &case.engines {
            failures.extend(run_case(name, &case, engine));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every case directory is run by one of the tests below.
#[test]
fn every_case_is_run() {
    let mut found: Vec<String> = std::fs::read_dir(root().join("tests/hostile"))
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            e.path().is_dir().then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    found.sort();
    let mut listed: Vec<&str> = [TEXT, FLOODS, IMAGES, FILES, ENGINE].concat();
    listed.sort();
    assert_eq!(found, listed);
}

const TEXT: &[&str] = &["bidi-embeddings", "line-height-zero", "huge-text", "deep-layers", "extreme-spring"];
const FLOODS: &[&str] = &["batch-flood", "slow-batches", "console-flood", "rejection-storm", "timer-bomb"];
const IMAGES: &[&str] = &["png-bombs", "many-images", "hanging-urls", "virtual-time-hang"];
const FILES: &[&str] = &["special-files", "file-urls"];
const ENGINE: &[&str] = &["engine-out-of-memory"];

#[test]
fn text_and_paint() {
    run_named(TEXT);
}

#[test]
fn floods() {
    run_named(FLOODS);
}

#[test]
fn images() {
    run_named(IMAGES);
}

#[test]
fn files() {
    run_named(FILES);
}

#[test]
fn engine_memory() {
    run_named(ENGINE);
}
