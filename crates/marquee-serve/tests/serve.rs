//! The repository server answers as a device needs: whole files, ranges to resume, validators to
//! skip what it has, cache headers by mutability — and nothing outside the directory.

use std::net::SocketAddr;
use std::path::PathBuf;

use marquee_serve::Server;
use ureq::Agent;

/// A repository of its own per test.
fn repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marquee-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("objects")).unwrap();
    std::fs::write(dir.join("timestamp.json"), br#"{"signed":{"version":7}}"#).unwrap();
    std::fs::write(dir.join("objects/0123abcd"), b"0123456789").unwrap();
    dir
}

fn agent() -> Agent {
    Agent::config_builder().http_status_as_error(false).build().into()
}

fn local() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

#[test]
fn files_ranges_validators_and_cache_headers() {
    let dir = repo("files");
    let server = Server::start(&dir, local()).unwrap();
    let url = |path: &str| format!("http://{}{path}", server.addr());
    let agent = agent();

    let mut r = agent.get(url("/timestamp.json")).call().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(r.body_mut().read_to_vec().unwrap(), br#"{"signed":{"version":7}}"#);

    // The device has it already: 304, no body.
    let r = agent.get(url("/timestamp.json")).header("If-None-Match", &etag).call().unwrap();
    assert_eq!(r.status(), 304);

    // A resumed download asks for the rest.
    let mut r = agent.get(url("/objects/0123abcd")).header("Range", "bytes=4-").call().unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.headers()["content-range"], "bytes 4-9/10");
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.body_mut().read_to_vec().unwrap(), b"456789");

    for path in ["/missing.json", "/objects/", "/%2e%2e/%2e%2e/etc/passwd", "/objects/..%2f..%2fetc%2fpasswd"] {
        let r = agent.get(url(path)).call().unwrap();
        assert!(r.status() == 404 || r.status() == 400, "{path}: {}", r.status());
    }
    drop(server);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_dropped_server_stops_listening() {
    let dir = repo("drop");
    let server = Server::start(&dir, local()).unwrap();
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    drop(server);
    assert!(agent().get(format!("http://{addr}/timestamp.json")).call().is_err());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_missing_directory_is_refused() {
    let missing = std::env::temp_dir().join("marquee-serve-nowhere");
    assert!(matches!(Server::start(&missing, local()), Err(marquee_serve::Error::NotADirectory(_))));
}

/// The browser host's pages: every answer, a 404 too, says the site is cross-origin isolated;
/// a repository's plain server says nothing of it.
#[test]
fn an_isolated_site_says_so_in_every_answer() {
    let dir = repo("isolated");
    let isolated = Server::start_isolated(&dir, local()).unwrap();
    let plain = Server::start(&dir, local()).unwrap();
    let agent = agent();
    for path in ["/timestamp.json", "/missing.json"] {
        let r = agent.get(format!("http://{}{path}", isolated.addr())).call().unwrap();
        assert_eq!(r.headers()["cross-origin-opener-policy"], "same-origin", "{path}");
        assert_eq!(r.headers()["cross-origin-embedder-policy"], "require-corp", "{path}");
        assert_eq!(r.headers()["cross-origin-resource-policy"], "same-origin", "{path}");
    }
    let r = agent.get(format!("http://{}/timestamp.json", isolated.addr())).call().unwrap();
    assert_eq!(r.headers()["cache-control"], "no-cache", "the cache headers stay");
    let r = agent.get(format!("http://{}/timestamp.json", plain.addr())).call().unwrap();
    assert!(r.headers().get("cross-origin-embedder-policy").is_none());
    drop((isolated, plain));
    std::fs::remove_dir_all(dir).unwrap();
}
