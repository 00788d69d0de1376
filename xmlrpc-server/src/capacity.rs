//! Admission of calls, the capacity model: every call executing holds one of `max_workers`
//! slots (a limit sized for async work: an awaiting call costs a few hundred bytes, not a
//! thread); a blocking call also holds one of `max_blocking` threads, taken first, so that
//! blocking calls waiting for a thread never hold the slots async calls need. Each bound has
//! `max_pending` waiting places; beyond them the overload policy decides, at the moment a
//! call arrives.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use tokio::sync::{Semaphore, SemaphorePermit};
use xmlrpc_core::Fault;

use crate::{
    config::Overload,
    stats::{Counters, GaugeGuard},
};

/// How the overload policy turns a call away (`Overload::Block` never does: it waits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// Close the connection without a response.
    Close,
    /// Answer with this fault.
    Fault(Fault),
    /// Answer HTTP 503, with `Retry-After` when given.
    Http503 { retry_after: Option<u32> },
}

impl Rejection {
    /// The rejection of `policy`; `None` for `Block`, which waits instead.
    fn of(policy: &Overload) -> Option<Self> {
        match policy {
            Overload::Block => None,
            Overload::Close => Some(Rejection::Close),
            Overload::Fault { code, string } => {
                Some(Rejection::Fault(Fault::new(*code, string.clone())))
            }
            Overload::Http503 { retry_after } => Some(Rejection::Http503 {
                retry_after: *retry_after,
            }),
        }
    }
}

/// The answer should a semaphore ever be closed (they never are).
static CLOSED: Rejection = Rejection::Close;

/// Where a call runs, which decides the bounds it is admitted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// On the runtime: bounded by `max_workers`.
    Async,
    /// On the blocking pool: bounded by `max_blocking` and by `max_workers`.
    Blocking,
}

/// How a call waits when its bound is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// A new request: it takes a pending place, or the overload policy answers it.
    New,
    /// A later entry of a multicall already admitted: it waits for its turn, without a
    /// pending place and without the policy (the request was accepted; only its pace is
    /// bounded).
    Continuing,
}

/// The bounds of a server.
#[derive(Debug)]
pub(crate) struct Capacity {
    slots: Bound,
    threads: Bound,
    /// `None` under `Overload::Block`.
    rejection: Option<Rejection>,
}

#[derive(Debug)]
struct Bound {
    permits: Semaphore,
    max_pending: usize,
    pending: AtomicUsize,
}

/// The right to execute; the call executes while it holds one.
pub(crate) struct Slot<'a> {
    _slot: SemaphorePermit<'a>,
    _thread: Option<SemaphorePermit<'a>>,
    _active: (GaugeGuard<'a>, Option<GaugeGuard<'a>>),
}

impl Capacity {
    pub fn new(
        max_workers: usize,
        max_blocking: usize,
        max_pending: usize,
        policy: &Overload,
    ) -> Self {
        let bound = |n: usize| Bound {
            permits: Semaphore::new(n.clamp(1, Semaphore::MAX_PERMITS)),
            max_pending,
            pending: AtomicUsize::new(0),
        };
        Capacity {
            slots: bound(max_workers),
            threads: bound(max_blocking),
            rejection: Rejection::of(policy),
        }
    }

    /// Takes the bounds a call of `kind` needs, waiting in a pending place when there is
    /// room; when a bound is full, the policy applies to a new request (`Err` carries its
    /// rejection; `Block` waits).
    pub async fn admit<'a>(
        &'a self,
        kind: Kind,
        arrival: Arrival,
        stats: &'a Counters,
    ) -> Result<Slot<'a>, &'a Rejection> {
        let mut queued = None;
        let thread = match kind {
            Kind::Async => None,
            Kind::Blocking => Some(
                self.threads
                    .take(self, kind, arrival, stats, &mut queued)
                    .await?,
            ),
        };
        let slot = self
            .slots
            .take(self, kind, arrival, stats, &mut queued)
            .await?;
        drop(queued);
        Ok(Slot {
            _slot: slot,
            _thread: thread,
            _active: gauges(stats, kind, true),
        })
    }
}

impl Bound {
    async fn take<'a>(
        &'a self,
        capacity: &'a Capacity,
        kind: Kind,
        arrival: Arrival,
        stats: &'a Counters,
        queued: &mut Option<(GaugeGuard<'a>, Option<GaugeGuard<'a>>)>,
    ) -> Result<SemaphorePermit<'a>, &'a Rejection> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        // Reserve a pending place atomically, so simultaneous arrivals cannot overshoot it.
        let reserved = arrival == Arrival::New
            && self
                .pending
                .fetch_update(Relaxed, Relaxed, |n| {
                    (n < self.max_pending).then_some(n + 1)
                })
                .is_ok();
        if let (Arrival::New, false, Some(rejection)) = (arrival, reserved, &capacity.rejection) {
            return Err(rejection);
        }
        if queued.is_none() {
            *queued = Some(gauges(stats, kind, false));
        }
        let _pending = reserved.then(|| PendingGuard(&self.pending));
        // The semaphore is never closed, so acquiring only fails if it were; treat that as
        // a rejection rather than panicking.
        self.permits.acquire().await.map_err(|_| &CLOSED)
    }
}

/// Enters the active (or queued) gauge, and its blocking share for a blocking call.
fn gauges(stats: &Counters, kind: Kind, active: bool) -> (GaugeGuard<'_>, Option<GaugeGuard<'_>>) {
    let (all, blocking) = if active {
        (&stats.active, &stats.active_blocking)
    } else {
        (&stats.queued, &stats.queued_blocking)
    };
    (
        GaugeGuard::enter(all),
        (kind == Kind::Blocking).then(|| GaugeGuard::enter(blocking)),
    )
}

struct PendingGuard<'a>(&'a AtomicUsize);

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    const NEW: Arrival = Arrival::New;

    #[tokio::test]
    async fn workers_then_pending_then_policy() {
        let stats = Counters::default();
        let capacity = Capacity::new(1, 1, 1, &Overload::http503());
        let Ok(first) = capacity.admit(Kind::Async, NEW, &stats).await else {
            panic!("a free worker")
        };
        assert_eq!(stats.active.load(Relaxed), 1);
        let waiting = capacity.admit(Kind::Async, NEW, &stats);
        tokio::pin!(waiting);
        // Polling once puts it in the pending place.
        assert!(waiting.as_mut().now_or_never().is_none());
        assert_eq!(stats.queued.load(Relaxed), 1);
        assert!(matches!(
            capacity.admit(Kind::Async, NEW, &stats).await,
            Err(Rejection::Http503 { .. })
        ));
        drop(first);
        let Ok(second) = waiting.await else {
            panic!("the pending one runs")
        };
        assert_eq!(stats.queued.load(Relaxed), 0);
        assert_eq!(stats.active.load(Relaxed), 1);
        drop(second);
        assert_eq!(stats.active.load(Relaxed), 0);
    }

    #[tokio::test]
    async fn zero_pending_rejects_at_once_and_block_waits() {
        let stats = Counters::default();
        let capacity = Capacity::new(1, 1, 0, &Overload::Close);
        let _held = capacity.admit(Kind::Async, NEW, &stats).await.ok().unwrap();
        assert!(matches!(
            capacity.admit(Kind::Async, NEW, &stats).await,
            Err(Rejection::Close)
        ));

        let capacity = Capacity::new(1, 1, 0, &Overload::Block);
        let held = capacity.admit(Kind::Async, NEW, &stats).await.ok().unwrap();
        let waiting = capacity.admit(Kind::Async, NEW, &stats);
        tokio::pin!(waiting);
        assert!(waiting.as_mut().now_or_never().is_none());
        drop(held);
        assert!(waiting.await.is_ok());
    }

    #[tokio::test]
    async fn cancelled_waiter_frees_its_pending_place() {
        let stats = Counters::default();
        let capacity = Capacity::new(1, 1, 1, &Overload::Close);
        let _held = capacity.admit(Kind::Async, NEW, &stats).await.ok().unwrap();
        {
            let waiting = capacity.admit(Kind::Async, NEW, &stats);
            tokio::pin!(waiting);
            assert!(waiting.as_mut().now_or_never().is_none());
        }
        assert_eq!(stats.queued.load(Relaxed), 0);
        let again = capacity.admit(Kind::Async, NEW, &stats);
        tokio::pin!(again);
        assert!(again.as_mut().now_or_never().is_none());
    }

    #[tokio::test]
    async fn blocking_calls_wait_for_a_thread_without_holding_a_slot() {
        let stats = Counters::default();
        let capacity = Capacity::new(4, 1, 4, &Overload::Close);
        let _thread = capacity
            .admit(Kind::Blocking, NEW, &stats)
            .await
            .ok()
            .unwrap();
        let waiting = capacity.admit(Kind::Blocking, NEW, &stats);
        tokio::pin!(waiting);
        assert!(waiting.as_mut().now_or_never().is_none());
        assert_eq!(stats.active_blocking.load(Relaxed), 1);
        assert_eq!(stats.queued_blocking.load(Relaxed), 1);
        assert_eq!(stats.queued.load(Relaxed), 1);
        // Three slots remain for async calls.
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(capacity.admit(Kind::Async, NEW, &stats).await.ok().unwrap());
        }
        assert_eq!(stats.active.load(Relaxed), 4);
        assert_eq!(stats.active_blocking.load(Relaxed), 1);
    }

    #[tokio::test]
    async fn continuing_entries_wait_without_the_policy_or_a_pending_place() {
        let stats = Counters::default();
        let capacity = Capacity::new(1, 1, 0, &Overload::Close);
        let held = capacity.admit(Kind::Async, NEW, &stats).await.ok().unwrap();
        let waiting = capacity.admit(Kind::Async, Arrival::Continuing, &stats);
        tokio::pin!(waiting);
        assert!(waiting.as_mut().now_or_never().is_none());
        assert_eq!(stats.queued.load(Relaxed), 1);
        drop(held);
        assert!(waiting.await.is_ok());
    }
}
