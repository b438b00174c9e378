//! Wall-clock time per phase of a check, printed on stderr when `IMPERMALINT_TIMINGS` is set
//! (for the benchmarks; see BENCHMARKS.md). Phases that run in parallel inside another are
//! not split further: each figure is the time the whole run spent in that phase.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

#[derive(Clone, Copy)]
pub enum Phase {
    /// Finding the .nix files of the checked folder.
    Scan,
    /// Reading and parsing them.
    Parse,
    /// Finding the hosts, collecting their modules, evaluating them and extracting the facts.
    Evaluate,
    /// Freeing the syntax trees.
    Free,
    /// Running the rules.
    Rules,
    /// Writing the report.
    Report,
}

const NAMES: [&str; 6] = ["scan", "parse", "evaluate", "free", "rules", "report"];
static NANOS: [AtomicU64; 6] = [const { AtomicU64::new(0) }; 6];

/// Times `f` as part of `phase`.
pub fn time<T>(phase: Phase, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    since(phase, start);
    out
}

/// Counts the time since `start` as part of `phase`.
pub fn since(phase: Phase, start: Instant) {
    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    NANOS[phase as usize].fetch_add(nanos, Ordering::Relaxed);
}

/// The phases' times, one line, when `IMPERMALINT_TIMINGS` is set.
pub fn print_if_asked() {
    if std::env::var_os("IMPERMALINT_TIMINGS").is_none() {
        return;
    }
    let parts: Vec<String> = NAMES
        .iter()
        .zip(NANOS.iter())
        .map(|(n, t)| format!("{n} {:.1} ms", t.load(Ordering::Relaxed) as f64 / 1e6))
        .collect();
    eprintln!("impermalint: timings: {}", parts.join(", "));
}
