//! Counters of a running server and their snapshot.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// A snapshot of a server's counters, from [`Server::stats`](crate::Server::stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Calls executing now, of both kinds (each holds one of `max_workers` slots; a
    /// multicall counts once per entry running).
    pub active: usize,
    /// Calls admitted and waiting for a slot, of both kinds (including those
    /// `Overload::Block` holds beyond `max_pending`).
    pub queued: usize,
    /// Of `active`, the blocking calls (each also holds one of `max_blocking` threads);
    /// `active - active_blocking` async calls execute.
    pub active_blocking: usize,
    /// Of `queued`, the blocking calls.
    pub queued_blocking: usize,
    /// Calls answered with a result (a multicall counts once).
    pub completed: u64,
    /// Calls answered with a fault: the handler's own, a panic, a decode error, an unknown
    /// method, a call timeout.
    pub errored: u64,
    /// Requests rejected by `Overload::Close`.
    pub rejected_close: u64,
    /// Requests rejected by `Overload::Fault`.
    pub rejected_fault: u64,
    /// Requests rejected by `Overload::Http503`.
    pub rejected_503: u64,
    /// Requests refused at the HTTP level (4xx: method, path, length, size, encoding, timeout).
    pub http_errors: u64,
    /// Connections open now (those the server accepted itself: not counted in the tower
    /// form or CGI mode, where the host owns the connections).
    pub connections_open: usize,
    /// Connections accepted since start (same scope as `connections_open`).
    pub connections_total: u64,
    /// Connections closed to make room for a new one at `max_connections` (idle, silent or
    /// still sending their head). A steady rise means the cap is too small or a flood.
    pub connections_evicted: u64,
    /// Connections turned away by `max_connections_per_peer`.
    pub connections_refused: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub active: AtomicUsize,
    pub queued: AtomicUsize,
    pub active_blocking: AtomicUsize,
    pub queued_blocking: AtomicUsize,
    pub completed: AtomicU64,
    pub errored: AtomicU64,
    pub rejected_close: AtomicU64,
    pub rejected_fault: AtomicU64,
    pub rejected_503: AtomicU64,
    pub http_errors: AtomicU64,
    pub connections_open: AtomicUsize,
    pub connections_total: AtomicU64,
    pub connections_evicted: AtomicU64,
    pub connections_refused: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> Stats {
        Stats {
            active: self.active.load(Relaxed),
            queued: self.queued.load(Relaxed),
            active_blocking: self.active_blocking.load(Relaxed),
            queued_blocking: self.queued_blocking.load(Relaxed),
            completed: self.completed.load(Relaxed),
            errored: self.errored.load(Relaxed),
            rejected_close: self.rejected_close.load(Relaxed),
            rejected_fault: self.rejected_fault.load(Relaxed),
            rejected_503: self.rejected_503.load(Relaxed),
            http_errors: self.http_errors.load(Relaxed),
            connections_open: self.connections_open.load(Relaxed),
            connections_total: self.connections_total.load(Relaxed),
            connections_evicted: self.connections_evicted.load(Relaxed),
            connections_refused: self.connections_refused.load(Relaxed),
        }
    }
}

/// Decrements a gauge when dropped, so a cancelled request never leaves it high.
pub(crate) struct GaugeGuard<'a>(&'a AtomicUsize);

impl<'a> GaugeGuard<'a> {
    pub fn enter(gauge: &'a AtomicUsize) -> Self {
        gauge.fetch_add(1, Relaxed);
        GaugeGuard(gauge)
    }
}

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}
