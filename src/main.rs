use clap::Parser;

/// Parsing keeps thousands of syntax trees of small nodes alive and the evaluator allocates
/// small values by the million: mimalloc's per-thread free lists are markedly faster than the
/// system allocator at this (see BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The work runs on a thread with a large stack: deep syntax trees are parsed, walked and
/// dropped recursively, and a Nix file can nest as deep as it likes.
const STACK: usize = 256 * 1024 * 1024;

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3): how long freed memory is kept before it
/// is returned to the system.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    let cli = impermalint::cli::Cli::parse();
    if matches!(cli.command, impermalint::cli::Command::Lsp) {
        // The language server lives long and analyses over and over: it gives memory back as
        // soon as an analysis frees it (resident memory stays near its working set), at a
        // small cost in speed.
        // SAFETY: sets a process-wide option of the allocator; any value is valid.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    }
    let worker = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || impermalint::app::run(cli));
    let code = match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            eprintln!(
                "impermalint: error: internal error (a bug: please report it with the input that caused it)"
            );
            impermalint::app::EXIT_ERROR
        }
        Err(e) => {
            eprintln!("impermalint: error: cannot start: {e}");
            impermalint::app::EXIT_ERROR
        }
    };
    std::process::exit(code);
}
