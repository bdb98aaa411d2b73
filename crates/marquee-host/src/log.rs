//! The run's log: the app's console and the host's messages, bounded whatever the app writes.
//!
//! An app can log a megabyte a line or a million lines a second; the device must not keep
//! either. The log keeps the latest [`MAX_LINES`] lines and [`MAX_BYTES`] of text, cuts a line
//! past [`MAX_LINE_BYTES`], and counts what it let go ([`Log::dropped`]). Echoing to stderr
//! (developers' runs) is limited to [`MAX_ECHO_PER_SECOND`] lines a second, with a line saying
//! how many were not shown, so a flood cannot keep a terminal or a serial console busy either.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use marquee_js::Level;

/// Lines kept.
pub const MAX_LINES: usize = 5_000;
/// Bytes of text kept, all lines together.
pub const MAX_BYTES: usize = 4 << 20;
/// The longest line kept whole, in bytes; the rest of a longer one is cut.
pub const MAX_LINE_BYTES: usize = 8 << 10;
/// Lines echoed to stderr per second at most.
pub const MAX_ECHO_PER_SECOND: u32 = 200;

/// The app's console lines kept apart, the last ones, for the debug overlay.
const CONSOLE_LINES: usize = 16;

#[derive(Default)]
struct Book {
    lines: VecDeque<(Instant, Level, String)>,
    /// The app's own lines, the last [`CONSOLE_LINES`]: the host's lines go to another thread's
    /// rhythm, so the two interleave differently run to run.
    console: VecDeque<(Level, String)>,
    bytes: usize,
    dropped: u64,
    echo_window: Option<Instant>,
    echoed: u32,
    not_echoed: u64,
}

/// A log shared by the app thread and the engine thread.
#[derive(Clone, Default)]
pub(crate) struct Log(Arc<Mutex<Book>>);

impl Log {
    fn book(&self) -> MutexGuard<'_, Book> {
        // Nothing panics while holding it; a poisoned log is still a log.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps `message`, echoing it to stderr after `prefix` when `echo`.
    pub(crate) fn push(&self, level: Level, message: &str, echo: Option<&str>) {
        let now = Instant::now();
        let message = cut(message);
        let mut book = self.book();
        if let Some(prefix) = echo {
            let window = *book.echo_window.get_or_insert(now);
            if now.duration_since(window) >= Duration::from_secs(1) {
                if book.not_echoed > 0 {
                    eprintln!("[host] {} log lines not shown (over {MAX_ECHO_PER_SECOND} a second)", book.not_echoed);
                }
                (book.echo_window, book.echoed, book.not_echoed) = (Some(now), 0, 0);
            }
            if book.echoed < MAX_ECHO_PER_SECOND {
                book.echoed += 1;
                eprintln!("{prefix} {message}");
            } else {
                book.not_echoed += 1;
            }
        }
        book.bytes += message.len();
        book.lines.push_back((now, level, message));
        while book.lines.len() > MAX_LINES || book.bytes > MAX_BYTES {
            let Some((_, _, old)) = book.lines.pop_front() else { break };
            book.bytes -= old.len();
            book.dropped += 1;
        }
    }

    /// The lines kept, oldest first.
    pub(crate) fn lines(&self) -> Vec<(Instant, Level, String)> {
        self.book().lines.iter().cloned().collect()
    }

    /// Keeps a line of the app's console, as [`push`](Self::push) does, and among the app's
    /// last lines ([`console`](Self::console)).
    pub(crate) fn push_console(&self, level: Level, message: &str, echo: Option<&str>) {
        self.push(level, message, echo);
        let mut book = self.book();
        book.console.push_back((level, cut(message)));
        if book.console.len() > CONSOLE_LINES {
            book.console.pop_front();
        }
    }

    /// The app's last `n` console lines (at most 16), oldest first.
    pub(crate) fn console(&self, n: usize) -> Vec<(Level, String)> {
        let book = self.book();
        book.console.iter().skip(book.console.len().saturating_sub(n)).cloned().collect()
    }

    /// Lines let go to stay within the bounds.
    pub(crate) fn dropped(&self) -> u64 {
        self.book().dropped
    }
}

/// `message`, cut to [`MAX_LINE_BYTES`] at a character boundary with a note of how much went.
fn cut(message: &str) -> String {
    if message.len() <= MAX_LINE_BYTES {
        return message.to_owned();
    }
    let mut end = MAX_LINE_BYTES;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes not kept)", &message[..end], message.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_latest_lines_within_its_bounds() {
        let log = Log::default();
        for i in 0..(MAX_LINES + 10) {
            log.push(Level::Info, &format!("line {i}"), None);
        }
        let lines = log.lines();
        assert_eq!(lines.len(), MAX_LINES);
        assert_eq!(lines.last().unwrap().2, format!("line {}", MAX_LINES + 9));
        assert_eq!(log.dropped(), 10);

        let big = "é".repeat(1 << 20); // 2 MiB, two bytes a character
        for _ in 0..10 {
            log.push(Level::Info, &big, None);
        }
        let lines = log.lines();
        let bytes: usize = lines.iter().map(|l| l.2.len()).sum();
        assert!(bytes <= MAX_BYTES, "{bytes}");
        let last = &lines.last().unwrap().2;
        assert!(last.len() < MAX_LINE_BYTES + 100 && last.ends_with("more bytes not kept)"), "{}", last.len());
    }
}
