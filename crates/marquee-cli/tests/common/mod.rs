//! What the tests that run the real `marquee` command share.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The `marquee` binary cargo built for these tests.
pub(crate) const MARQUEE: &str = env!("CARGO_BIN_EXE_marquee");

/// Runs `marquee ARGS` in `dir`: whether it succeeded, and its output (stdout, then stderr).
pub(crate) fn marquee(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(MARQUEE).args(args).current_dir(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// Runs `marquee ARGS` in `dir`, which must succeed; its output.
pub(crate) fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, text) = marquee(dir, args);
    assert!(success, "marquee {args:?} failed:\n{text}");
    text
}

/// `marquee ARGS` running, its stdout and stderr read line by line as they come.
#[allow(dead_code, reason = "not every test file runs marquee in the background")]
pub(crate) struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    said: Vec<String>,
}

#[allow(dead_code, reason = "not every test file runs marquee in the background")]
impl Running {
    pub(crate) fn start(dir: &Path, args: &[&str]) -> Running {
        let mut command = Command::new(MARQUEE);
        command.args(args).current_dir(dir);
        Running::spawn(command)
    }

    /// Runs `command` (a `marquee` with its arguments and environment).
    pub(crate) fn spawn(mut command: Command) -> Running {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, lines) = mpsc::channel();
        let out: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
        let err: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
        for (name, stream) in [("stdout", out), ("stderr", err)] {
            let tx = tx.clone();
            let read = move || {
                use std::io::BufRead;
                std::io::BufReader::new(stream).lines().map_while(Result::ok).for_each(|l| drop(tx.send(l)));
            };
            std::thread::Builder::new().name(name.into()).spawn(read).unwrap();
        }
        Running { child, lines, said: Vec::new() }
    }

    /// Waits (a minute at most) for a line with `needle` that no wait has taken yet, and takes
    /// it. (Lines before it stay: stdout and stderr are read apart, and their lines may come
    /// in another order than they were written.)
    pub(crate) fn wait_for(&mut self, needle: &str) {
        loop {
            if let Some(at) = self.said.iter().position(|l| l.contains(needle)) {
                self.said.remove(at);
                return;
            }
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => self.said.push(line),
                Err(_) => panic!("`marquee` never said {needle:?}:\n{}", self.said.join("\n")),
            }
        }
    }

    /// Whether it still runs.
    pub(crate) fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Stops it.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for it to end by itself; whether it succeeded, and the lines no wait took.
    pub(crate) fn finish(mut self) -> (bool, String) {
        let status = self.child.wait().unwrap();
        // The readers end with the streams.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(10)) {
            self.said.push(line);
        }
        (status.success(), self.said.join("\n"))
    }
}
