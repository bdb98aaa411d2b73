//! The loader against real files and a real HTTP server: every fixture decodes to what
//! `fixtures/expected.txt` says (pixels or a reason), sources stay where they belong, and network
//! faults are reasons, not crashes.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use marquee_image::{Fetcher, ImageError, Limits, Loader, Source, decode};
use marquee_test_support::servers::Hanging;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A stable fingerprint of decoded pixels (FNV-1a), so the expectation pins every byte.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

#[test]
fn decoder_fixtures() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("py" | "txt")))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "fixtures missing: {names:?}");
    let mut out = String::new();
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy();
        let bytes = std::fs::read(path).unwrap();
        match decode(&bytes, &Limits::default()) {
            Ok(image) => {
                assert_eq!(image.pixels.len(), image.width as usize * image.height as usize * 4, "{name}");
                for p in image.pixels.chunks_exact(4) {
                    assert!(p[0] <= p[3] && p[1] <= p[3] && p[2] <= p[3], "{name}: not premultiplied: {p:?}");
                }
                let corner = &image.pixels[..4];
                out += &format!(
                    "{name}: {}x{} first {:?} pixels {:016x}\n",
                    image.width,
                    image.height,
                    corner,
                    fingerprint(&image.pixels)
                );
            }
            Err(e) => out += &format!("{name}: {}\n", e.reason.name()),
        }
    }
    marquee_test_support::check_expect(&fixtures().join("expected.txt"), &out).unwrap();
}

#[test]
fn same_picture_in_every_png_layout_decodes_to_the_same_pixels() {
    let load = |name: &str| decode(&std::fs::read(fixtures().join(name)).unwrap(), &Limits::default()).unwrap();
    assert_eq!(load("rgba.png"), load("interlaced.png"));
    let opaque = load("rgb.png");
    assert!(opaque.pixels.chunks_exact(4).all(|p| p[3] == 255));
    for name in ["gray.png", "gray.jpg"] {
        assert!(load(name).pixels.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]), "{name} is not gray");
    }
    // Baseline and progressive JPEG of the same picture differ only by lossy coding.
    let (a, b) = (load("photo.jpg"), load("progressive.jpg"));
    let worst = a.pixels.iter().zip(&b.pixels).map(|(x, y)| x.abs_diff(*y)).max().unwrap();
    assert!(worst < 40, "baseline and progressive differ by {worst}");
}

#[test]
fn limits_are_checked_from_the_header() {
    let photo = std::fs::read(fixtures().join("photo.jpg")).unwrap();
    let rgba = std::fs::read(fixtures().join("rgba.png")).unwrap();
    let small = Limits { max_pixels: 100, ..Limits::default() };
    assert_eq!(decode(&photo, &small).unwrap_err().reason, ImageError::TooManyPixels);
    assert_eq!(decode(&rgba, &small).unwrap_err().reason, ImageError::TooManyPixels);
    let narrow = Limits { max_dimension: 20, ..Limits::default() };
    assert_eq!(decode(&rgba, &narrow).unwrap_err().reason, ImageError::TooManyPixels);
    let tiny = Limits { max_encoded_bytes: 100, ..Limits::default() };
    assert_eq!(decode(&photo, &tiny).unwrap_err().reason, ImageError::TooLarge);
}

#[test]
fn sources_parse() {
    use Source::*;
    let cases: &[(&str, Result<Source, ImageError>)] = &[
        ("posters/a.png", Ok(Asset("posters/a.png".into()))),
        ("./posters/a.png", Ok(Asset("./posters/a.png".into()))),
        ("file:///tmp/a%20b.png", Ok(File("/tmp/a b.png".into()))),
        ("file://localhost/tmp/a.png", Ok(File("/tmp/a.png".into()))),
        ("file:/tmp/a.png", Ok(File("/tmp/a.png".into()))),
        ("http://127.0.0.1:8080/a.png", Ok(Http("http://127.0.0.1:8080/a.png".into()))),
        ("HTTPS://cdn.example/a.jpg?w=300", Ok(Http("HTTPS://cdn.example/a.jpg?w=300".into()))),
        ("", Err(ImageError::BadSource)),
        ("  ", Err(ImageError::BadSource)),
        ("../secrets.png", Err(ImageError::BadSource)),
        ("posters/../../x.png", Err(ImageError::BadSource)),
        ("/etc/passwd", Err(ImageError::BadSource)),
        ("file://example.com/a.png", Err(ImageError::BadSource)),
        ("file:relative.png", Err(ImageError::BadSource)),
        ("http://", Err(ImageError::BadSource)),
        ("http://exa mple.com/", Err(ImageError::BadSource)),
        ("data:image/png;base64,AAAA", Err(ImageError::Unsupported)),
        ("ftp://example.com/a.png", Err(ImageError::Unsupported)),
    ];
    for (src, expected) in cases {
        let got = Source::parse(src).map_err(|e| e.reason);
        assert_eq!(&got, expected, "{src:?}");
    }
}

/// An app directory with one poster, and a file outside it reachable through a symbolic link.
fn app_dir() -> (PathBuf, PathBuf) {
    let base = std::env::temp_dir().join(format!("marquee-image-{}-{:?}", std::process::id(), Instant::now()));
    let app = base.join("app");
    std::fs::create_dir_all(app.join("posters")).unwrap();
    std::fs::copy(fixtures().join("photo.jpg"), app.join("posters/photo.jpg")).unwrap();
    std::fs::copy(fixtures().join("rgba.png"), base.join("outside.png")).unwrap();
    std::os::unix::fs::symlink(base.join("outside.png"), app.join("posters/escape.png")).unwrap();
    (base, app)
}

#[test]
fn files_and_assets() {
    let (base, app) = app_dir();
    let fetcher = Fetcher::new(&app, Limits::default());
    let reason = |src: &str| fetcher.load(src).map(|i| (i.width, i.height)).map_err(|e| e.reason);
    assert_eq!(reason("posters/photo.jpg"), Ok((32, 24)));
    assert_eq!(reason("./posters/photo.jpg"), Ok((32, 24)));
    assert_eq!(reason("posters/missing.jpg"), Err(ImageError::NotFound));
    assert_eq!(reason("posters"), Err(ImageError::NotFound));
    assert_eq!(reason("posters/escape.png"), Err(ImageError::BadSource));
    // file: URLs are off unless the device allows a directory, and then only inside it.
    let outside = format!("file://{}", base.join("outside.png").display());
    assert_eq!(reason(&outside), Err(ImageError::BadSource));
    let device = Fetcher::new(&app, Limits::default()).allow_file_dirs(vec![base.clone()]);
    assert_eq!(device.load(&outside).map(|i| i.width).map_err(|e| e.reason), Ok(24));
    assert_eq!(device.load("file:///etc/hostname").unwrap_err().reason, ImageError::BadSource);
    // Refused without looking: a missing path and an existing one read the same.
    let refused = |src: &str| fetcher.load(src).unwrap_err().to_string().replace(src, "SRC");
    assert_eq!(refused("file:///etc/passwd"), refused("file:///etc/no-such-file").replace("no-such-file", "passwd"));
    // A FIFO among the assets is refused at once instead of blocking a worker forever.
    assert!(std::process::Command::new("mkfifo").arg(app.join("posters/pipe.png")).status().unwrap().success());
    assert_eq!(reason("posters/pipe.png"), Err(ImageError::NotFound));
    let small = Fetcher::new(&app, Limits { max_encoded_bytes: 100, ..Limits::default() });
    assert_eq!(small.load("posters/photo.jpg").unwrap_err().reason, ImageError::TooLarge);
    std::fs::remove_dir_all(base).unwrap();
}

/// A one-thread HTTP server on 127.0.0.1 answering `/photo.jpg`, `/truncated.jpg` and
/// `/huge` (claims 1 GB), 404 for anything else, and never answering `/stall`. It serves
/// `requests` connections and stops by itself after ten seconds.
fn serve(requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    std::thread::Builder::new()
        .name("test-server".into())
        .spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut served = 0;
            let mut stalled = Vec::new();
            while served < requests && Instant::now() < deadline {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                served += 1;
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                let mut stream = reader.into_inner();
                let file = |name: &str| std::fs::read(fixtures().join(name)).unwrap();
                let (status, body, length) = match path.as_str() {
                    "/photo.jpg" => ("200 OK", file("photo.jpg"), None),
                    "/truncated.jpg" => ("200 OK", file("truncated.jpg"), None),
                    "/huge" => ("200 OK", Vec::new(), Some(1u64 << 30)),
                    "/stall" => {
                        stalled.push(stream);
                        continue;
                    }
                    _ => ("404 Not Found", b"no".to_vec(), None),
                };
                let length = length.unwrap_or(body.len() as u64);
                let head = format!("HTTP/1.1 {status}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        })
        .unwrap();
    address
}

#[test]
fn http_sources_and_their_faults() {
    let server = serve(6);
    let limits = Limits { timeout: Duration::from_millis(800), ..Limits::default() };
    let fetcher = Fetcher::new(std::env::temp_dir(), limits);
    let load = |path: &str| fetcher.load(&format!("{server}{path}")).map(|i| (i.width, i.height)).map_err(|e| e.reason);
    assert_eq!(load("/photo.jpg"), Ok((32, 24)));
    assert_eq!(load("/missing.jpg"), Err(ImageError::NotFound));
    assert_eq!(load("/truncated.jpg"), Err(ImageError::Corrupt));
    assert_eq!(load("/huge"), Err(ImageError::TooLarge));
    let t = Instant::now();
    assert_eq!(load("/stall"), Err(ImageError::Unreachable));
    assert!(t.elapsed() < Duration::from_secs(5), "the timeout did not apply: {:?}", t.elapsed());
    // TLS to a server that does not speak it.
    let https = server.replacen("http:", "https:", 1);
    assert_eq!(fetcher.load(&format!("{https}/photo.jpg")).unwrap_err().reason, ImageError::Unreachable);
    // Nobody listening.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    assert_eq!(fetcher.load(&format!("http://{closed}/a.png")).unwrap_err().reason, ImageError::Unreachable);
}

#[test]
fn loader_answers_every_ticket_off_thread() {
    let (base, app) = app_dir();
    let mut loader = Loader::new(Fetcher::new(&app, Limits::default()), None).unwrap();
    let sources = ["posters/photo.jpg", "posters/missing.jpg", "../x.png", "posters/photo.jpg"];
    let tickets: Vec<u64> = sources.iter().enumerate().map(|(key, src)| loader.request(key as u32, src)).collect();
    let mut answers = Vec::new();
    while answers.len() < sources.len() {
        let done = loader.next_timeout(Duration::from_secs(10)).expect("a load never finished");
        answers.push((done.key, done.ticket, done.result.map(|i| i.width).map_err(|e| e.reason)));
    }
    answers.sort_by_key(|a| a.0);
    assert_eq!(
        answers,
        vec![
            (0, tickets[0], Ok(32)),
            (1, tickets[1], Err(ImageError::NotFound)),
            (2, tickets[2], Err(ImageError::BadSource)),
            (3, tickets[3], Ok(32)),
        ]
    );
    assert!(loader.try_next().is_none());
    std::fs::remove_dir_all(base).unwrap();
}

/// Hanging URLs by the hundred on one server hold at most `PER_ORIGIN` workers: the app's own
/// assets and another server's images are answered while every one of them still hangs.
#[test]
fn a_hanging_server_starves_nobody() {
    use std::sync::atomic::Ordering;
    let (base, app) = app_dir();
    let Hanging { url: hanging, release, accepted } = Hanging::start(Duration::from_secs(30));
    let other = serve(1);
    let limits = Limits { timeout: Duration::from_secs(60), ..Limits::default() };
    let mut loader = Loader::new(Fetcher::new(&app, limits), None).unwrap();
    let hanging_tickets: Vec<u64> =
        (0..300).map(|i| loader.request(1000 + i, &format!("{hanging}/slow/{i}.jpg"))).collect();
    let local = loader.request(1, "posters/photo.jpg");
    let remote = loader.request(2, &format!("{other}/photo.jpg"));
    let mut answered = Vec::new();
    while answered.len() < 2 {
        let done = loader.next_timeout(Duration::from_secs(20)).expect("starved behind the hanging server");
        assert!(done.key < 1000, "a hanging load finished: {:?}", done.result);
        assert!(done.result.is_ok(), "{:?}", done.result);
        answered.push(done.ticket);
    }
    answered.sort();
    assert_eq!(answered, [local, remote]);
    // One origin holds at most its share of the workers; the rest of its loads wait.
    assert_eq!(loader.queued(), 300 - marquee_image::PER_ORIGIN);
    assert!(accepted.load(Ordering::SeqCst) <= marquee_image::PER_ORIGIN);
    // Loads nobody wants any more leave the queue without being fetched.
    let cancelled = hanging_tickets.iter().filter(|&&t| loader.cancel(t)).count();
    assert_eq!(cancelled, 300 - marquee_image::PER_ORIGIN);
    assert_eq!(loader.queued(), 0);
    drop(release);
    drop(loader);
    std::fs::remove_dir_all(base).unwrap();
}

/// The pixel budget is a hard cap: a decode that would pass it fails from the header with
/// `too-many-pixels`, and what is given back can be used again.
#[test]
fn the_pixel_budget_is_a_hard_cap() {
    let (base, app) = app_dir();
    let one = 32 * 24 * 4; // photo.jpg
    let budget = std::sync::Arc::new(marquee_image::PixelBudget::new(2 * one + 100));
    let mut loader = Loader::new(Fetcher::new(&app, Limits::default()), Some(budget.clone())).unwrap();
    let mut results = Vec::new();
    for key in 0..3 {
        loader.request(key, "posters/photo.jpg");
    }
    for _ in 0..3 {
        results.push(loader.next_timeout(Duration::from_secs(20)).unwrap().result.map_err(|e| e.reason));
    }
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(failed, [&ImageError::TooManyPixels], "{results:?}");
    assert_eq!(budget.held(), 2 * one);
    budget.give_back(one);
    loader.request(3, "posters/photo.jpg");
    assert!(loader.next_timeout(Duration::from_secs(20)).unwrap().result.is_ok());
    assert_eq!(budget.held(), 2 * one);
    // A failed decode keeps nothing reserved.
    let truncated = std::fs::read(fixtures().join("truncated.jpg")).unwrap();
    budget.give_back(2 * one);
    assert!(marquee_image::decode_within(&truncated, &Limits::default(), Some(&budget)).is_err());
    assert_eq!(budget.held(), 0);
    std::fs::remove_dir_all(base).unwrap();
}
