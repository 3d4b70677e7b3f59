//! Live progress for long runs: on a terminal, one status line on stderr redrawn in
//! place (done/total, running, failures so far, elapsed); in CI or when stderr is not
//! a terminal, a plain line at every tenth of a long run instead, so logs stay clean.
//!
//! The status line must never cut through what other reporters print. So the run's
//! reporter list holds two halves of one [`Progress`]: [`ProgressReporter`] first
//! (it updates the counts and wipes the line before anyone prints) and
//! [`ProgressRedraw`] last (it draws the line again once everyone has printed). A
//! ticker thread keeps the elapsed time moving between events, and draws only while
//! no event is being handled.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::engine::{Event, ReportError, Reporter};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A status line redrawn in place (stderr is a terminal, not CI).
    Live,
    /// A plain line at every tenth of a run of at least [`PLAIN_MIN_TOTAL`] items.
    Plain,
    Off,
}

/// Runs of fewer items get no plain progress lines: their result lines suffice.
pub const PLAIN_MIN_TOTAL: usize = 20;
/// Nor do runs that are this quick: a plain line is for a run one waits on.
pub const PLAIN_AFTER: Duration = Duration::from_secs(5);
const TICK: Duration = Duration::from_millis(250);
const CLEAR: &str = "\r\x1b[2K";

impl ProgressMode {
    /// `-vv` logs to stderr from other threads, which a redrawn line would garble.
    pub fn decide(stderr_is_terminal: bool, ci: bool, term_dumb: bool, verbose: u8) -> Self {
        if verbose >= 2 {
            ProgressMode::Off
        } else if stderr_is_terminal && !ci && !term_dumb {
            ProgressMode::Live
        } else {
            ProgressMode::Plain
        }
    }

    /// From this process's stderr and environment (`CI`, `TERM`).
    pub fn from_env(verbose: u8) -> Self {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        ProgressMode::decide(std::io::stderr().is_terminal(), ci, dumb, verbose)
    }
}

type Sink = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Debug)]
struct State {
    /// What is counted: "scenarios", "faults".
    noun: &'static str,
    total: usize,
    done: usize,
    running: usize,
    failed: usize,
    started: Instant,
    /// An event is being handled: the ticker must not draw.
    hold: bool,
    /// The status line is on screen.
    drawn: bool,
    /// Plain mode: the next tenth to report.
    next_tenth: usize,
    /// Plain mode: no line before this much time has passed.
    plain_after: Duration,
}

impl State {
    fn text(&self) -> String {
        format!(
            "[{}/{}] {} running, {} failed, {:.1} s",
            self.done,
            self.total,
            self.running,
            self.failed,
            self.started.elapsed().as_secs_f64()
        )
    }
}

/// Shared progress of a run (or of a self-test's faults).
#[derive(Clone)]
pub struct Progress {
    mode: ProgressMode,
    state: Arc<Mutex<State>>,
    sink: Sink,
    stop: Arc<AtomicBool>,
    ticker: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Progress {
    /// Progress written to stderr.
    pub fn new(mode: ProgressMode, noun: &'static str) -> Self {
        Progress::with_sink(mode, noun, Arc::new(|s: &str| super::err(s)))
    }

    /// Progress written to `sink` (tests collect it).
    pub fn with_sink(mode: ProgressMode, noun: &'static str, sink: Sink) -> Self {
        Progress {
            mode,
            state: Arc::new(Mutex::new(State {
                noun,
                total: 0,
                done: 0,
                running: 0,
                failed: 0,
                started: Instant::now(),
                hold: false,
                drawn: false,
                next_tenth: 1,
                plain_after: PLAIN_AFTER,
            })),
            sink,
            stop: Arc::new(AtomicBool::new(false)),
            ticker: Arc::new(Mutex::new(None)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves counts that are still
        // good enough to print.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The run starts: `total` items; the live line starts ticking.
    pub fn start(&self, total: usize) {
        {
            let mut s = self.lock();
            s.total = total;
            s.started = Instant::now();
        }
        if self.mode == ProgressMode::Live {
            let me = self.clone();
            let handle = std::thread::spawn(move || {
                while !me.stop.load(Ordering::SeqCst) {
                    std::thread::sleep(TICK);
                    let mut s = me.lock();
                    if !s.hold && !me.stop.load(Ordering::SeqCst) {
                        me.draw(&mut s);
                    }
                }
            });
            if let Ok(mut t) = self.ticker.lock() {
                *t = Some(handle);
            }
        }
    }

    fn draw(&self, s: &mut State) {
        if self.mode == ProgressMode::Live && s.total > 0 {
            (self.sink)(&format!("{CLEAR}{}", s.text()));
            s.drawn = true;
        }
    }

    /// Before anyone prints: wipe the line and keep the ticker off it.
    pub fn hold(&self) {
        let mut s = self.lock();
        s.hold = true;
        if s.drawn {
            (self.sink)(CLEAR);
            s.drawn = false;
        }
    }

    /// After everyone printed: the line comes back.
    pub fn release(&self) {
        let mut s = self.lock();
        s.hold = false;
        self.draw(&mut s);
    }

    pub fn item_started(&self) {
        self.lock().running += 1;
    }

    pub fn item_finished(&self, failed: bool) {
        let mut s = self.lock();
        s.running = s.running.saturating_sub(1);
        s.done += 1;
        if failed {
            s.failed += 1;
        }
        if self.mode == ProgressMode::Plain && s.total >= PLAIN_MIN_TOTAL {
            // A line at each tenth passed (several at once if one event crossed them).
            let mut crossed = false;
            while s.next_tenth <= 9 && s.done * 10 >= s.next_tenth * s.total {
                s.next_tenth += 1;
                crossed = true;
            }
            if crossed && s.done < s.total && s.started.elapsed() >= s.plain_after {
                let line = format!(
                    "progress: {}/{} {} done, {} running, {} failed, {:.1} s\n",
                    s.done,
                    s.total,
                    s.noun,
                    s.running,
                    s.failed,
                    s.started.elapsed().as_secs_f64()
                );
                (self.sink)(&line);
            }
        }
    }

    /// The run is over: the line goes for good and the ticker stops.
    pub fn finish(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let handle = self.ticker.lock().ok().and_then(|mut t| t.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
        let mut s = self.lock();
        if s.drawn {
            (self.sink)(CLEAR);
            s.drawn = false;
        }
        s.hold = true;
    }
}

/// First in the run's reporter list: counts, and wipes the line before others print.
pub struct ProgressReporter(pub Progress);

/// Last in the run's reporter list: draws the line again.
pub struct ProgressRedraw(pub Progress);

impl Reporter for ProgressReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        let p = &self.0;
        match event {
            Event::RunStarted(info) => {
                p.hold();
                p.start(info.scenarios);
            }
            Event::ScenarioStarted { .. } => {
                p.hold();
                p.item_started();
            }
            Event::ScenarioFinished { outcome, .. } => {
                p.hold();
                p.item_finished(outcome.failed());
            }
            Event::RunFinished(_) => p.finish(),
            _ => p.hold(),
        }
        Ok(())
    }
}

impl Reporter for ProgressRedraw {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        if !matches!(event, Event::RunFinished(_)) {
            self.0.release();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collecting(mode: ProgressMode) -> (Progress, Arc<Mutex<String>>) {
        let buf = Arc::new(Mutex::new(String::new()));
        let b = buf.clone();
        let p = Progress::with_sink(
            mode,
            "scenarios",
            Arc::new(move |s: &str| {
                if let Ok(mut g) = b.lock() {
                    g.push_str(s);
                }
            }),
        );
        (p, buf)
    }

    fn text(buf: &Arc<Mutex<String>>) -> String {
        buf.lock().map(|g| g.clone()).unwrap_or_default()
    }

    #[test]
    fn the_mode_follows_the_terminal_and_ci() {
        assert_eq!(
            ProgressMode::decide(true, false, false, 0),
            ProgressMode::Live
        );
        assert_eq!(
            ProgressMode::decide(true, true, false, 0),
            ProgressMode::Plain
        );
        assert_eq!(
            ProgressMode::decide(false, false, false, 0),
            ProgressMode::Plain
        );
        assert_eq!(
            ProgressMode::decide(true, false, true, 1),
            ProgressMode::Plain
        );
        assert_eq!(
            ProgressMode::decide(true, false, false, 2),
            ProgressMode::Off
        );
    }

    #[test]
    fn the_live_line_shows_done_running_failed_and_is_wiped_before_printing() {
        let (p, buf) = collecting(ProgressMode::Live);
        {
            let mut s = p.lock();
            s.total = 40;
        }
        p.item_started();
        p.item_started();
        p.item_finished(true);
        p.release();
        let drawn = text(&buf);
        assert!(
            drawn.starts_with("\r\x1b[2K[1/40] 1 running, 1 failed, "),
            "{drawn:?}"
        );
        p.hold();
        assert!(
            text(&buf).ends_with(" s\r\x1b[2K"),
            "wiped: {:?}",
            text(&buf)
        );
        p.finish();
    }

    #[test]
    fn plain_mode_prints_a_line_at_each_tenth_of_a_long_run_and_none_at_the_end() {
        let (p, buf) = collecting(ProgressMode::Plain);
        p.lock().total = 20;
        p.lock().plain_after = Duration::ZERO;
        for i in 0..20 {
            p.item_started();
            p.item_finished(i == 3);
        }
        let out = text(&buf);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 9, "{out}");
        assert!(lines[0].starts_with("progress: 2/20 scenarios done, 0 running, 0 failed, "));
        assert!(lines[1].starts_with("progress: 4/20 scenarios done, 0 running, 1 failed, "));
        assert!(!out.contains('\x1b'), "plain lines carry no escape codes");
    }

    #[test]
    fn quick_runs_print_no_plain_progress() {
        let (p, buf) = collecting(ProgressMode::Plain);
        p.lock().total = 40;
        p.lock().plain_after = Duration::from_secs(3600);
        for _ in 0..40 {
            p.item_finished(false);
        }
        assert_eq!(
            text(&buf),
            "",
            "a run quicker than plain_after prints no progress"
        );
    }

    #[test]
    fn short_runs_print_no_plain_progress() {
        let (p, buf) = collecting(ProgressMode::Plain);
        p.lock().total = 5;
        p.lock().plain_after = Duration::ZERO;
        for _ in 0..5 {
            p.item_finished(false);
        }
        assert_eq!(text(&buf), "");
    }
}
