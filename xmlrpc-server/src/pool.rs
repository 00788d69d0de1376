//! Admission of requests: `max_workers` execute, `max_pending` wait, the overload policy
//! decides about the rest, at the moment each request arrives.

use std::sync::{
    atomic::{AtomicUsize, Ordering::Relaxed},
    Arc,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{
    config::Overload,
    stats::{Counters, GaugeGuard},
};

/// The worker slots and the pending count.
#[derive(Debug)]
pub(crate) struct Pool {
    workers: Arc<Semaphore>,
    max_pending: usize,
    pending: AtomicUsize,
    policy: Overload,
}

/// A worker slot; the request executes while it holds one.
pub(crate) struct Slot<'a> {
    _permit: OwnedSemaphorePermit,
    _active: GaugeGuard<'a>,
}

impl Pool {
    pub fn new(max_workers: usize, max_pending: usize, policy: Overload) -> Self {
        Pool {
            workers: Arc::new(Semaphore::new(max_workers.max(1))),
            max_pending,
            pending: AtomicUsize::new(0),
            policy,
        }
    }

    /// Takes a worker slot, waiting in the pending queue when there is room in it; when the
    /// pool is full, the policy applies: `Err` carries the rejecting policy, `Block` waits.
    pub async fn admit<'a>(&self, stats: &'a Counters) -> Result<Slot<'a>, &Overload> {
        if let Ok(permit) = self.workers.clone().try_acquire_owned() {
            return Ok(Slot {
                _permit: permit,
                _active: GaugeGuard::enter(&stats.active),
            });
        }
        // Reserve a pending place atomically, so simultaneous arrivals cannot overshoot it.
        let reserved = self
            .pending
            .fetch_update(Relaxed, Relaxed, |n| {
                (n < self.max_pending).then_some(n + 1)
            })
            .is_ok();
        if !reserved && self.policy != Overload::Block {
            return Err(&self.policy);
        }
        let _queued = GaugeGuard::enter(&stats.queued);
        let _pending = reserved.then(|| PendingGuard(&self.pending));
        // The semaphore is never closed, so acquiring only fails if it were; treat that as
        // a rejection rather than panicking.
        let permit = self
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| &self.policy)?;
        Ok(Slot {
            _permit: permit,
            _active: GaugeGuard::enter(&stats.active),
        })
    }
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

    #[tokio::test]
    async fn workers_then_pending_then_policy() {
        let stats = Counters::default();
        let pool = Pool::new(1, 1, Overload::http503());
        let Ok(first) = pool.admit(&stats).await else {
            panic!("a free worker")
        };
        assert_eq!(stats.active.load(Relaxed), 1);
        let waiting = pool.admit(&stats);
        tokio::pin!(waiting);
        // Polling once puts it in the pending place.
        assert!(waiting.as_mut().now_or_never().is_none());
        assert_eq!(stats.queued.load(Relaxed), 1);
        assert!(matches!(
            pool.admit(&stats).await,
            Err(Overload::Http503 { .. })
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
        let pool = Pool::new(1, 0, Overload::Close);
        let _held = pool.admit(&stats).await.ok().unwrap();
        assert!(matches!(pool.admit(&stats).await, Err(Overload::Close)));

        let pool = Pool::new(1, 0, Overload::Block);
        let held = pool.admit(&stats).await.ok().unwrap();
        let waiting = pool.admit(&stats);
        tokio::pin!(waiting);
        assert!(waiting.as_mut().now_or_never().is_none());
        drop(held);
        assert!(waiting.await.is_ok());
    }

    #[tokio::test]
    async fn cancelled_waiter_frees_its_pending_place() {
        let stats = Counters::default();
        let pool = Pool::new(1, 1, Overload::Close);
        let _held = pool.admit(&stats).await.ok().unwrap();
        {
            let waiting = pool.admit(&stats);
            tokio::pin!(waiting);
            assert!(waiting.as_mut().now_or_never().is_none());
        }
        assert_eq!(stats.queued.load(Relaxed), 0);
        let again = pool.admit(&stats);
        tokio::pin!(again);
        assert!(again.as_mut().now_or_never().is_none());
    }
}
