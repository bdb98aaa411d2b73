//! Web Storage: persisted across opens, within its quota, atomic under `kill -9`, and never
//! losing a damaged file or a change it could not save.

use std::process::Command;
use std::time::Duration;

use marquee_storage::{DEFAULT_QUOTA, Error, Storage};

#[test]
fn changes_persist_across_opens() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app/local-storage.json");
    let (mut s, warning) = Storage::open(&file, DEFAULT_QUOTA).unwrap();
    assert!(warning.is_none() && s.is_empty());
    s.set("lang", "he").unwrap();
    s.set("rail", "3").unwrap();
    s.set("rail", "4").unwrap();
    s.set("gone", "x").unwrap();
    s.remove("gone").unwrap();
    s.set("emoji 😀", "ערב טוב").unwrap();
    let (again, _) = Storage::open(&file, DEFAULT_QUOTA).unwrap();
    assert_eq!((again.get("lang"), again.get("rail"), again.get("gone")), (Some("he"), Some("4"), None));
    assert_eq!(again.get("emoji 😀"), Some("ערב טוב"));
    assert_eq!((again.len(), again.key(0), again.used()), (3, Some("emoji 😀"), s.used()));
    let (mut again, _) = Storage::open(&file, DEFAULT_QUOTA).unwrap();
    again.clear().unwrap();
    assert!(Storage::open(&file, DEFAULT_QUOTA).unwrap().0.is_empty());
}

#[test]
fn the_quota_counts_utf16_and_a_refused_change_changes_nothing() {
    let mut s = Storage::in_memory(100);
    // "key" and 40 characters: 2 × 43 = 86 bytes.
    s.set("key", &"v".repeat(40)).unwrap();
    assert_eq!(s.used(), 86);
    assert_eq!(s.set("k2", "123456"), Err(Error::Quota { needed: 86 + 16, quota: 100 }));
    assert_eq!((s.len(), s.used()), (1, 86));
    // Replacing a value counts the new one only; a character past U+FFFF weighs two units.
    s.set("key", &"😀".repeat(23)).unwrap();
    assert_eq!(s.used(), 2 * (3 + 46));
    s.set("key", "").unwrap();
    s.set("k2", "123456").unwrap();
    assert_eq!(s.used(), 6 + 16);
}

#[test]
fn a_damaged_file_is_moved_aside_and_the_storage_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("garbage", "{\"a\": \"b\""), ("not-strings", "{\"a\": 1}"), ("array", "[]")] {
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, text).unwrap();
        let (mut s, warning) = Storage::open(&file, DEFAULT_QUOTA).unwrap();
        assert!(warning.is_some_and(|w| w.contains("moved to")), "{name}");
        assert!(s.is_empty());
        assert_eq!(std::fs::read_to_string(file.with_extension("corrupt")).unwrap(), text, "{name}: kept");
        s.set("a", "fresh").unwrap();
        assert_eq!(Storage::open(&file, DEFAULT_QUOTA).unwrap().0.get("a"), Some("fresh"));
    }
}

#[test]
fn a_change_that_cannot_be_saved_is_taken_back() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("blocked");
    let (mut s, _) = Storage::open(&blocked.join("local-storage.json"), DEFAULT_QUOTA).unwrap();
    s.set("kept", "1").unwrap();
    // The storage's directory becomes a file: nothing can be written under it any more.
    std::fs::remove_dir_all(&blocked).unwrap();
    std::fs::write(&blocked, "").unwrap();
    for change in [s.set("a", "b"), s.set("kept", "2"), s.remove("kept"), s.clear()] {
        assert!(matches!(change, Err(Error::Io(_))), "{change:?}");
    }
    assert_eq!((s.get("a"), s.get("kept"), s.len(), s.used()), (None, Some("1"), 1, 2 * 5));
}

/// Not a test on its own: the writer `kill_9_never_leaves_a_torn_file` runs in a child process.
#[test]
fn writer() {
    let Some(file) = std::env::var_os("MARQUEE_STORAGE_WRITER") else { return };
    let (mut s, _) = Storage::open(file.as_ref(), DEFAULT_QUOTA).unwrap();
    let big = "x".repeat(20_000);
    // Counting on from where the last writer was killed.
    let start = s.get("last").map_or(0, |v| v.parse::<u64>().unwrap() + 1);
    for i in start.. {
        s.set(&format!("item{}", i % 40), &format!("{i}:{big}")).unwrap();
        s.set("last", &i.to_string()).unwrap();
    }
}

#[test]
fn kill_9_never_leaves_a_torn_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("local-storage.json");
    let mut last = 0;
    for round in 0..12u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["writer", "--exact", "--test-threads", "1"])
            .env("MARQUEE_STORAGE_WRITER", &file)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40 + round * 17));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let (s, warning) = Storage::open(&file, DEFAULT_QUOTA).unwrap();
        assert!(warning.is_none(), "round {round}: {warning:?}");
        // Every item holds a number at most one past the last one recorded (items are written
        // before "last"), and the count never goes back.
        let n: u64 = s.get("last").map_or(0, |v| v.parse().unwrap());
        for k in 0..s.len() {
            let key = s.key(k).unwrap();
            if key != "last" {
                let i: u64 = s.get(key).unwrap().split(':').next().unwrap().parse().unwrap();
                assert!(i <= n + 1, "round {round}: {key} = {i} after last = {n}");
            }
        }
        assert!(n >= last, "round {round}: last went back from {last} to {n}");
        last = n;
    }
    assert!(last > 0, "the writer wrote something");
}
