//! A progress line on standard error while the user waits for long work (a large upload, a
//! long multicall): what is under way, how large the request is, a moving bar and the time
//! so far. Drawn only when standard error is a terminal and the work outlasts a short
//! delay; piped or redirected output gets nothing, so scripts see the same bytes as before.
//!
//! The client sends a request as one body and answers once the whole response is read, so
//! neither the bytes sent nor the server's progress can be known: the bar shows that work
//! goes on (it sweeps), and the line names its size.

use std::{
    future::Future,
    io::{IsTerminal, Write},
    pin::pin,
    task::Poll,
    time::{Duration, Instant},
};

/// Work that ends sooner than this shows nothing (no flicker for quick calls).
const DELAY: Duration = Duration::from_millis(400);
/// Time between two redraws.
const TICK: Duration = Duration::from_millis(100);
/// Width of the bar, in cells.
const WIDTH: usize = 24;
/// Width of the moving block in the bar.
const BLOCK: usize = 6;

/// Whether to draw: standard error is a terminal that can move the cursor, and the user did
/// not turn progress off (`NO_PROGRESS` set, or `TERM=dumb`).
fn enabled() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("NO_PROGRESS").is_none()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// Runs `work`, drawing `label` with a bar and the elapsed time on a terminal meanwhile; the
/// line is erased when the work ends.
pub async fn around<F: Future>(label: String, work: F) -> F::Output {
    if !enabled() {
        return work.await;
    }
    let started = Instant::now();
    let mut work = pin!(work);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + DELAY, TICK);
    let mut drawn = false;
    let mut frame = 0usize;
    let output = std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = work.as_mut().poll(cx) {
            return Poll::Ready(output);
        }
        while ticker.poll_tick(cx).is_ready() {
            let line = render(&label, frame, started.elapsed());
            frame += 1;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{line}\x1b[K");
            let _ = err.flush();
            drawn = true;
        }
        Poll::Pending
    })
    .await;
    if drawn {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K");
        let _ = err.flush();
    }
    output
}

/// One frame: `label [   ######         ] 3.4s`, the block sweeping back and forth.
fn render(label: &str, frame: usize, elapsed: Duration) -> String {
    let span = WIDTH - BLOCK;
    let step = frame % (2 * span);
    let at = if step <= span { step } else { 2 * span - step };
    let mut bar = String::with_capacity(WIDTH);
    for cell in 0..WIDTH {
        bar.push(if (at..at + BLOCK).contains(&cell) {
            '#'
        } else {
            ' '
        });
    }
    format!("{label} [{bar}] {:.1}s", elapsed.as_secs_f64())
}

/// A byte count for people: `812 B`, `14.2 KiB`, `3.0 MiB`.
pub fn size(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The bytes `params` take in a request: their base64 and string contents, which make up
/// nearly all of a large upload (markup is not counted).
pub fn payload(params: &[xmlrpc_core::Value]) -> usize {
    use xmlrpc_core::Value;
    params
        .iter()
        .map(|value| match value {
            Value::Base64(bytes) => bytes.len().div_ceil(3) * 4,
            Value::String(text) => text.len(),
            Value::Array(items) => payload(items),
            Value::Struct(members) => members
                .iter()
                .map(|(name, v)| name.len() + payload(std::slice::from_ref(v)))
                .sum(),
            _ => 8,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_sweeps_within_the_bar() {
        let first = render("x", 0, Duration::from_millis(1500));
        assert_eq!(first, "x [######                  ] 1.5s");
        let last = render("x", WIDTH - BLOCK, Duration::ZERO);
        assert_eq!(last, "x [                  ######] 0.0s");
        // And back.
        assert_eq!(
            render("x", 2 * (WIDTH - BLOCK), Duration::ZERO),
            first.replace("1.5", "0.0")
        );
        for frame in 0..100 {
            let line = render("", frame, Duration::ZERO);
            assert_eq!(line.matches('#').count(), BLOCK, "{line}");
        }
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(14 * 1024 + 205), "14.2 KiB");
        assert_eq!(size(3 << 20), "3.0 MiB");
    }

    #[test]
    fn payload_counts_the_bulk() {
        use xmlrpc_core::Value;
        let params = vec![
            Value::Base64(vec![0; 3000]),
            Value::Array(vec![Value::String("abc".into())]),
        ];
        assert_eq!(payload(&params), 4000 + 3);
    }
}
