//! Retries of calls that are safe to repeat: idempotent ones, where the server certainly did
//! not run them (connect failure, HTTP 503, the overload fault).

use std::{
    collections::hash_map::RandomState,
    hash::{BuildHasher, Hasher},
    time::Duration,
};

use crate::Error;

/// When and how often calls marked idempotent are tried again.
///
/// Only calls marked idempotent are ever retried: methods declared with
/// `#[xmlrpc(idempotent)]` (their generated client methods), and dynamic calls made with
/// [`Client::call_idempotent`](crate::Client::call_idempotent). They are retried only where
/// the server certainly did not run them: the connection could not be made, the server
/// answered HTTP 503, or it answered the overload fault (code
/// [`overload_fault_code`](RetryPolicy::overload_fault_code), by default -32400, the code of
/// the server's `Overload::fault()` policy). A timeout or a broken connection is never
/// retried. Waits grow exponentially from `initial_backoff` to `max_backoff`, with jitter
/// (each wait is drawn between half and all of the current step), and a `Retry-After` header
/// of a 503 (in seconds) is waited at least; when the next wait would end after the `budget`
/// (counted from the first attempt), the last error is returned instead.
///
/// ```
/// use std::time::Duration;
/// use xmlrpc_client::{Client, RetryPolicy};
///
/// let client = Client::builder("http://127.0.0.1:8000/RPC2")
///     .retry_policy(
///         RetryPolicy::default()
///             .max_attempts(5)
///             .backoff(Duration::from_millis(50), Duration::from_secs(1))
///             .budget(Duration::from_secs(5)),
///     )
///     .build()?;
/// assert_eq!(client.retry_policy().attempts(), 5);
/// # Ok::<(), xmlrpc_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget: Duration,
    overload_fault_code: Option<i32>,
}

impl Default for RetryPolicy {
    /// 3 attempts, waits from 100 ms up to 2 s, a 10 s budget, overload fault -32400.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            budget: Duration::from_secs(10),
            overload_fault_code: Some(-32400),
        }
    }
}

impl RetryPolicy {
    /// No retries at all, even for idempotent calls.
    pub fn never() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// How many times a call may be sent in all (at least 1; 1 means no retry).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait and the largest one (the waits double in between).
    #[must_use]
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest all attempts and waits of one call may take, from the first attempt.
    #[must_use]
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// The fault code the server answers when it sheds load (`None`: faults are never
    /// retried).
    #[must_use]
    pub fn overload_fault_code(mut self, code: Option<i32>) -> Self {
        self.overload_fault_code = code;
        self
    }

    /// How many times a call may be sent in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Whether `error` says the server certainly did not run the call.
    pub fn is_retryable(&self, error: &Error) -> bool {
        error.is_connect()
            || error.is_overload()
            || (error.fault_code().is_some() && error.fault_code() == self.overload_fault_code)
    }

    /// The wait before attempt `next` (2 for the first retry), or `None` to give up: too many
    /// attempts, or the wait would end after the budget. `retry_after` is the server's
    /// `Retry-After`; `elapsed` the time since the first attempt.
    pub(crate) fn wait_before(
        &self,
        next: u32,
        retry_after: Option<Duration>,
        elapsed: Duration,
    ) -> Option<Duration> {
        if next > self.max_attempts {
            return None;
        }
        let doublings = next.saturating_sub(2).min(30);
        let step = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        let jittered = step / 2 + step.mul_f64(jitter() / 2.0);
        let wait = retry_after.map_or(jittered, |after| after.max(jittered));
        (elapsed.saturating_add(wait) <= self.budget).then_some(wait)
    }
}

/// A number in [0, 1), different per call (std's randomly keyed hasher over a counter).
fn jitter() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The seconds of a `Retry-After` header (its date form is ignored), capped at an hour.
pub(crate) fn parse_retry_after(value: &[u8]) -> Option<Duration> {
    let seconds: u64 = std::str::from_utf8(value).ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds.min(3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn waits_grow_with_jitter_and_stop_at_the_limits() {
        let policy = RetryPolicy::default()
            .max_attempts(6)
            .backoff(100 * MS, 400 * MS)
            .budget(Duration::from_secs(60));
        for (next, step) in [(2, 100), (3, 200), (4, 400), (5, 400), (6, 400)] {
            for _ in 0..50 {
                let wait = policy.wait_before(next, None, Duration::ZERO).unwrap();
                assert!(
                    wait >= step * MS / 2 && wait <= step * MS,
                    "{next}: {wait:?}"
                );
            }
        }
        assert_eq!(policy.wait_before(7, None, Duration::ZERO), None);
    }

    #[test]
    fn retry_after_is_waited_at_least_within_the_budget() {
        let policy = RetryPolicy::default().budget(Duration::from_secs(3));
        let wait = policy.wait_before(2, Some(Duration::from_secs(2)), Duration::ZERO);
        assert_eq!(wait, Some(Duration::from_secs(2)));
        let late = policy.wait_before(2, Some(Duration::from_secs(2)), Duration::from_secs(2));
        assert_eq!(late, None);
        assert_eq!(
            RetryPolicy::never().wait_before(2, None, Duration::ZERO),
            None
        );
    }

    #[test]
    fn only_certainly_unrun_calls_are_retryable() {
        let policy = RetryPolicy::default();
        assert!(policy.is_retryable(&Error::status_with_body(503, b"busy")));
        assert!(!policy.is_retryable(&Error::status_with_body(500, b"oops")));
        assert!(policy.is_retryable(&Error::Fault(xmlrpc_core::Fault::new(-32400, "busy"))));
        assert!(!policy.is_retryable(&Error::Fault(xmlrpc_core::Fault::new(1, "app"))));
        assert!(!policy.is_retryable(&Error::Timeout(Duration::from_secs(1))));
        let no_faults = policy.overload_fault_code(None);
        assert!(!no_faults.is_retryable(&Error::Fault(xmlrpc_core::Fault::new(-32400, "x"))));
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(parse_retry_after(b" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(b"99999"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_retry_after(b"Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
