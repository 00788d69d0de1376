//! The connection cap: `max_connections` slots, an optional per-peer limit, and the choice
//! of the connection to close when a new one arrives and every slot is taken.
//!
//! A server that simply stops accepting at the cap can be locked out by anyone who opens
//! that many sockets and sends nothing. So at the cap the server closes the open connection
//! that has gone longest without a request in progress (a silent socket, a head dribbled
//! byte by byte, a keep-alive connection left idle) and accepts the new one. Connections
//! with a call running or a response on its way are never chosen: when every slot holds
//! one, the server is truly busy and the new connection waits for a slot to free up.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Arc, Mutex, MutexGuard,
    },
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::conn::ConnState;

/// The slots of one listener and the connections holding them.
pub(crate) struct Cap {
    slots: Arc<Semaphore>,
    per_peer: Option<usize>,
    header_timeout: Duration,
    idle_timeout: Duration,
    open: Mutex<Open>,
    next_id: AtomicU64,
}

#[derive(Default)]
struct Open {
    conns: HashMap<u64, Arc<ConnState>>,
    peers: HashMap<IpAddr, usize>,
}

/// One accepted connection's hold on the cap: its slot, its entry among the open
/// connections (through which it can be chosen for closing) and its per-peer count.
/// Dropping it frees all three.
pub(crate) struct Slot {
    cap: Arc<Cap>,
    id: u64,
    peer: Option<IpAddr>,
    state: Arc<ConnState>,
    _permit: OwnedSemaphorePermit,
}

impl Cap {
    pub(crate) fn new(
        max_connections: usize,
        per_peer: Option<usize>,
        header_timeout: Duration,
        idle_timeout: Duration,
    ) -> Arc<Cap> {
        Arc::new(Cap {
            slots: Arc::new(Semaphore::new(max_connections)),
            per_peer,
            header_timeout,
            idle_timeout,
            open: Mutex::new(Open::default()),
            next_id: AtomicU64::new(0),
        })
    }

    fn open(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `peer` already holds as many connections as it may.
    pub(crate) fn peer_full(&self, peer: IpAddr) -> bool {
        self.per_peer
            .is_some_and(|limit| self.open().peers.get(&peer).copied().unwrap_or(0) >= limit)
    }

    /// A free slot now, if there is one.
    pub(crate) fn try_slot(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().try_acquire_owned().ok()
    }

    /// Waits for a slot (the semaphore is never closed).
    pub(crate) async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().acquire_owned().await.ok()
    }

    /// Asks the connection that has waited longest without a request in progress to close;
    /// `false` when every connection is busy (or already asked).
    pub(crate) fn evict_one(&self) -> bool {
        let open = self.open();
        let victim = open
            .conns
            .values()
            .filter_map(|state| state.evictable_since().map(|since| (since, state)))
            .min_by_key(|(since, _)| *since);
        match victim {
            Some((_, state)) => {
                state.evict();
                true
            }
            None => false,
        }
    }

    /// Registers an accepted connection that holds `permit`.
    pub(crate) fn register(
        self: &Arc<Self>,
        permit: OwnedSemaphorePermit,
        peer: Option<IpAddr>,
    ) -> Slot {
        let id = self.next_id.fetch_add(1, Relaxed);
        let state = Arc::new(ConnState::new(self.header_timeout, self.idle_timeout));
        let mut open = self.open();
        open.conns.insert(id, state.clone());
        if let Some(peer) = peer {
            *open.peers.entry(peer).or_insert(0) += 1;
        }
        drop(open);
        Slot {
            cap: self.clone(),
            id,
            peer,
            state,
            _permit: permit,
        }
    }
}

impl Slot {
    /// The connection's timing state, shared with the cap that may ask it to close.
    pub(crate) fn state(&self) -> &Arc<ConnState> {
        &self.state
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.cap.open();
        open.conns.remove(&self.id);
        if let Some(peer) = self.peer {
            if let Some(count) = open.peers.get_mut(&peer) {
                *count -= 1;
                if *count == 0 {
                    open.peers.remove(&peer);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(n: usize, per_peer: Option<usize>) -> Arc<Cap> {
        Cap::new(
            n,
            per_peer,
            Duration::from_secs(10),
            Duration::from_secs(60),
        )
    }

    #[tokio::test]
    async fn the_longest_waiting_idle_connection_is_chosen() {
        let cap = cap(3, None);
        let first = cap.register(cap.try_slot().unwrap(), None);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let second = cap.register(cap.try_slot().unwrap(), None);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let third = cap.register(cap.try_slot().unwrap(), None);
        assert!(cap.try_slot().is_none());
        // The oldest is busy with a call: the next oldest goes.
        let busy = first.state().enter_busy();
        assert!(cap.evict_one());
        assert!(second.state().is_evicted() && !third.state().is_evicted());
        // Already asked connections are not asked twice.
        assert!(cap.evict_one());
        assert!(third.state().is_evicted());
        assert!(!cap.evict_one(), "only a busy connection is left");
        drop(busy);
        drop(second);
        assert!(cap.try_slot().is_some());
    }

    #[test]
    fn peers_are_counted_until_their_connections_close() {
        let cap = cap(10, Some(2));
        let peer: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [127, 0, 0, 2].into();
        let a = cap.register(cap.try_slot().unwrap(), Some(peer));
        assert!(!cap.peer_full(peer));
        let b = cap.register(cap.try_slot().unwrap(), Some(peer));
        assert!(cap.peer_full(peer) && !cap.peer_full(other));
        drop(a);
        assert!(!cap.peer_full(peer));
        drop(b);
        assert!(cap.open().peers.is_empty());
    }
}
