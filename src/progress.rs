//! The progress line: on a terminal, a run that takes longer than a second shows on standard
//! error how many files it has audited and what it is doing, redrawn in place and erased at
//! the end. Never on a pipe or a file, in CI, or with `--quiet`.
//!
//! Owns only the drawing thread and its counters; the pipeline ticks them.

use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Whether a progress line may be drawn: standard error is a terminal, the run is not quiet
/// and not in CI (`CI` set, as every CI service does).
pub(crate) fn wanted(quiet: bool) -> bool {
    !quiet && std::env::var_os("CI").is_none() && std::io::stderr().is_terminal()
}

#[derive(Default)]
struct Shared {
    files: AtomicUsize,
    phase: Mutex<&'static str>,
    stop: AtomicBool,
}

/// A progress line for one run; dropping it erases the line.
pub(crate) struct Progress {
    shared: Arc<Shared>,
    drawer: Option<std::thread::JoinHandle<()>>,
}

/// How long a run goes before its progress shows.
const DELAY: Duration = Duration::from_secs(1);
const TICK: Duration = Duration::from_millis(100);

impl Progress {
    /// A progress line that draws when `enabled` (see [`wanted`]), else only counts.
    pub(crate) fn start(enabled: bool) -> Progress {
        let shared = Arc::new(Shared::default());
        *shared.phase.lock().expect("phase lock") = "walking";
        let drawer = enabled.then(|| {
            let s = Arc::clone(&shared);
            std::thread::spawn(move || draw(&s))
        });
        Progress { shared, drawer }
    }

    /// One more file audited.
    pub(crate) fn file_done(&self) {
        self.shared.files.fetch_add(1, Ordering::Relaxed);
    }

    /// What the run does now (`walking`, `call graph`, `settling`).
    pub(crate) fn phase(&self, phase: &'static str) {
        *self.shared.phase.lock().expect("phase lock") = phase;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(d) = self.drawer.take() {
            let _ = d.join();
        }
    }
}

fn draw(s: &Shared) {
    let started = Instant::now();
    let mut drawn = false;
    while !s.stop.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        if started.elapsed() < DELAY {
            continue;
        }
        let phase = *s.phase.lock().expect("phase lock");
        let text = line(s.files.load(Ordering::Relaxed), phase, started.elapsed());
        let _ = write!(std::io::stderr(), "\r\x1b[2K{text}");
        drawn = true;
    }
    if drawn {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

/// The text of the line: `routeaudit: 12,345 files audited (walking, 3s)`.
fn line(files: usize, phase: &str, elapsed: Duration) -> String {
    let n = files.to_string();
    let mut grouped = String::new();
    for (i, c) in n.chars().enumerate() {
        if i > 0 && (n.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "routeaudit: {grouped} file{} audited ({phase}, {}s)",
        if files == 1 { "" } else { "s" },
        elapsed.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_files_phase_and_time() {
        assert_eq!(
            line(12345, "walking", Duration::from_millis(3400)),
            "routeaudit: 12,345 files audited (walking, 3s)"
        );
        assert_eq!(
            line(1, "call graph", Duration::from_secs(1)),
            "routeaudit: 1 file audited (call graph, 1s)"
        );
    }

    #[test]
    fn never_in_ci_or_quiet() {
        assert!(!wanted(true));
        // tests run with standard error captured: not a terminal
        assert!(!wanted(false));
    }

    #[test]
    fn a_silent_progress_counts_and_stops() {
        let p = Progress::start(false);
        p.file_done();
        p.phase("settling");
        assert_eq!(p.shared.files.load(Ordering::Relaxed), 1);
        drop(p);
    }
}
