//! Deterministic log capture for tests: one global `tracing` subscriber per test binary,
//! installed once, that writes each thread's events into that thread's own buffer while a
//! capture runs on it (and drops them otherwise).
//!
//! `tracing::subscriber::with_default` is not enough when other tests of the same binary run
//! on other threads without a subscriber: tracing caches each callsite's interest globally,
//! so an event can be filtered out before the thread-local subscriber sees it, and the capture
//! comes back empty now and then. With one global subscriber every callsite is enabled for
//! it, and the per-thread buffer keeps concurrent tests apart.
//!
//! Included with `mod log_capture;` by core's tests and with `#[path]` by the conformance
//! package's Rocket tests, so the rule lives once.

use std::cell::RefCell;
use std::io;
use std::sync::Once;

thread_local! {
    /// The running capture's bytes on this thread; `None` when no capture runs here.
    static CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// The writer of the global subscriber: appends to this thread's capture, if one runs.
struct ThreadCapture;

impl io::Write for ThreadCapture {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(buffer) = capture.borrow_mut().as_mut() {
                buffer.extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber as this binary's global default, once.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(|| ThreadCapture)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in this test binary");
    });
}

/// Everything `tracing` writes on this thread, at any level, while `run` executes.
pub fn captured_logs(run: impl FnOnce()) -> String {
    install();
    // A callsite first hit on another thread before the install may still hold the interest
    // computed without a subscriber: recompute every callsite's interest now.
    tracing::callsite::rebuild_interest_cache();
    CAPTURE.with(|capture| *capture.borrow_mut() = Some(Vec::new()));
    run();
    let bytes = CAPTURE.with(|capture| capture.borrow_mut().take());
    String::from_utf8(bytes.unwrap_or_default()).expect("log lines are UTF-8")
}
