//! `marquee new` makes an app, outside this checkout and with no `npm install`, that runs at once
//! (natively, and in a web page) and passes its own test through `marquee test`; both templates.

mod common;

use std::path::PathBuf;

use common::{marquee, ok};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marquee-new-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_new_app_runs_and_passes_its_own_test_outside_the_checkout() {
    for template in ["react", "plain"] {
        let dir = scratch(template);
        let app = dir.join("my-app");
        let made = ok(&dir, &["new", "my-app", "--template", template]);
        assert!(made.contains("created my-app"), "{made}");
        let package = std::fs::read_to_string(app.join("package.json")).unwrap();
        assert!(package.contains("\"name\": \"my-app\""), "{package}");

        let tested = ok(&app, &["test"]);
        assert!(tested.contains("# pass 1") && tested.contains("# fail 0"), "{template}: {tested}");

        // The page: its view, the title, the row, four tiles with their labels, and the root.
        let shot = dir.join("shot.png");
        let ran = ok(&dir, &["run", "my-app", "--headless", "--virtual-time", "--screenshot", shot.to_str().unwrap()]);
        assert!(ran.contains("nodes: 12, rejected commands: 0"), "{template}: {ran}");
        assert!(shot.is_file());
        // And in a web page (headless Chromium), bundled as it goes.
        if template == "react" {
            let shown = ok(&dir, &["web", "my-app", "--headless", "--screenshot", shot.to_str().unwrap()]);
            assert!(shown.contains("nodes: 12, command errors: 0"), "{shown}");
        }

        let (made, text) = marquee(&dir, &["new", "my-app"]);
        assert!(!made && text.contains("exists and is not empty"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_broken_test_fails_and_a_bad_name_is_refused() {
    let dir = scratch("broken");
    ok(&dir, &["new", "app", "--template", "plain"]);
    let test = dir.join("app/test/page.test.ts");
    let source = std::fs::read_to_string(&test).unwrap().replace("You chose Forests", "You chose Oceans");
    std::fs::write(&test, source).unwrap();
    let (passed, text) = marquee(&dir.join("app"), &["test"]);
    assert!(!passed && text.contains("# fail 1"), "{text}");

    let (made, text) = marquee(&dir, &["new", "My App"]);
    assert!(!made && text.contains("cannot name an app"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The first steps for a new user: `marquee new myapp --template react`, then `marquee
/// dev myapp`, then edits. (What each edit puts on screen is checked pixel by pixel in
/// `marquee-dev`'s tests; here, the command's loop: watch, build, reload, say.)
#[test]
fn marquee_dev_takes_each_edit_in_place_and_keeps_the_app_through_a_broken_one() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let dir = scratch("dev");
    ok(&dir, &["new", "myapp", "--template", "react"]);
    let mut child = Command::new(common::MARQUEE)
        .args(["dev", "myapp", "--headless", "--timeout", "120"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    for (name, stream) in [("stdout", Box::new(out) as Box<dyn std::io::Read + Send>), ("stderr", Box::new(err))] {
        let tx = tx.clone();
        let read = move || BufReader::new(stream).lines().map_while(Result::ok).for_each(|l| drop(tx.send(l)));
        std::thread::Builder::new().name(name.into()).spawn(read).unwrap();
    }
    let mut said = Vec::new();
    let mut wait_for = |needle: &str| {
        while !said.iter().any(|l: &String| l.contains(needle)) {
            match lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => said.push(line),
                Err(_) => panic!("`marquee dev` never said {needle:?}:\n{}", said.join("\n")),
            }
        }
        said.clear();
    };
    wait_for("dev: watching");
    // The first frame: the app runs (its host says which backend draws).
    wait_for("drawing with the");

    let source = dir.join("myapp/src/App.tsx");
    let good = std::fs::read_to_string(&source).unwrap().replace("Choose a tile", "Pick a tile");
    // A React app takes the edit in place (Fast Refresh).
    std::fs::write(&source, &good).unwrap();
    wait_for("dev: src/App.tsx changed; built in");
    wait_for("refreshed the app in place");

    std::fs::write(&source, format!("{good}\nconst broken = <;\n")).unwrap();
    wait_for("the build failed");
    wait_for("App.tsx");

    // Fixed with another edit: taken in place, and the problem goes.
    std::fs::write(&source, good.replace("Pick a tile", "Pick one tile")).unwrap();
    wait_for("refreshed the app in place");
    assert!(child.try_wait().unwrap().is_none(), "`marquee dev` ended");
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
