//! One connection: hyper's HTTP/1.1 state machine over an IO that enforces the header-read
//! and idle timeouts, with graceful shutdown and closing when the connection cap needs its
//! slot.

use std::{
    future::Future,
    io,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    task::{ready, Context, Poll},
    time::Duration,
};

use hyper::{server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    sync::{watch, Notify},
    time::{Instant, Sleep},
};

use crate::{
    auth::PeerAddr, http::handle, listen::Slot, running::stopping, server::Inner, stats::GaugeGuard,
};

/// The connection ends without a response (overload policy `Close`, broken body).
#[derive(Debug)]
struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed without a response")
    }
}

impl std::error::Error for Closed {}

/// Serves one accepted connection until it ends, the server shuts down, or a timeout hits.
pub(crate) async fn serve<IO>(
    inner: Arc<Inner>,
    io: IO,
    mut shutdown: watch::Receiver<Option<std::time::Instant>>,
    slot: Slot,
    peer: Option<std::net::SocketAddr>,
) where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let _open = GaugeGuard::enter(&inner.stats.connections_open);
    inner
        .stats
        .connections_total
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let state = slot.state().clone();
    let io = TokioIo::new(TimedIo::new(io, state.clone()));
    let service = {
        let inner = inner.clone();
        let state = state.clone();
        service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            if let Some(peer) = peer {
                req.extensions_mut().insert(PeerAddr(peer));
            }
            let busy = state.enter_busy();
            let inner = inner.clone();
            async move {
                let reply = handle(&inner, req, true).await;
                drop(busy);
                reply.for_connection().ok_or(Closed)
            }
        })
    };
    let conn = http1::Builder::new()
        .keep_alive(true)
        .max_buf_size(inner.config.max_header_size)
        .serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        biased;
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!("connection ended: {e}");
            }
        }
        _ = stopping(&mut shutdown) => {
            // Finish the request in flight (if any), then close.
            conn.as_mut().graceful_shutdown();
            if let Err(e) = conn.await {
                tracing::debug!("connection ended during shutdown: {e}");
            }
        }
        _ = state.evicted() => {
            if state.mid_head() {
                // A silent socket or a head still arriving: nothing was asked yet, so
                // closing at once loses nothing (hyper would wait for the whole head).
                tracing::debug!("connection closed to free a slot for a new one");
            } else {
                // Idle between requests, or a response still being written (the choice
                // raced with a request): end after it, like a graceful shutdown.
                conn.as_mut().graceful_shutdown();
                if let Err(e) = conn.await {
                    tracing::debug!("connection ended while freeing its slot: {e}");
                }
            }
        }
    }
    // `slot` (a parameter) is dropped after the `_open` gauge: the slot frees last.
}

/// Timing state shared by the IO wrapper, the requests of one connection and the
/// connection cap (which may ask the connection to close).
pub(crate) struct ConnState {
    header_timeout: Duration,
    idle_timeout: Duration,
    times: Mutex<Times>,
    /// Set once the cap has asked this connection to close.
    evicted: AtomicBool,
    evict: Notify,
}

struct Times {
    /// A request is being handled: no IO deadline (the body has its own timeout).
    busy: bool,
    /// Since when the connection waits for the head of its next request: the accept for
    /// the first request (a socket that never sends a byte is closed after the header
    /// timeout), the first byte for the next ones on a kept-alive connection.
    head_started: Option<Instant>,
    last_activity: Instant,
}

impl ConnState {
    /// The state of a connection accepted now.
    pub(crate) fn new(header_timeout: Duration, idle_timeout: Duration) -> Self {
        let now = Instant::now();
        ConnState {
            header_timeout,
            idle_timeout,
            times: Mutex::new(Times {
                busy: false,
                head_started: Some(now),
                last_activity: now,
            }),
            evicted: AtomicBool::new(false),
            evict: Notify::new(),
        }
    }

    /// When the connection last started to wait for a request (see [`Times`]); `None`
    /// while a request is handled or once it was asked to close: those are not chosen.
    pub(crate) fn evictable_since(&self) -> Option<Instant> {
        if self.is_evicted() {
            return None;
        }
        let times = self.times();
        (!times.busy).then(|| times.head_started.unwrap_or(times.last_activity))
    }

    /// Asks the connection to close (at once when no request is in progress).
    pub(crate) fn evict(&self) {
        self.evicted.store(true, Ordering::Relaxed);
        self.evict.notify_one();
    }

    pub(crate) fn is_evicted(&self) -> bool {
        self.evicted.load(Ordering::Relaxed)
    }

    /// Resolves once the connection has been asked to close.
    async fn evicted(&self) {
        self.evict.notified().await;
    }

    /// Whether the connection is waiting for (or receiving) a request head, with no
    /// request handled and no response pending.
    fn mid_head(&self) -> bool {
        let times = self.times();
        !times.busy && times.head_started.is_some()
    }

    /// Marks the connection busy while a request is handled.
    pub(crate) fn enter_busy(self: &Arc<Self>) -> Busy {
        {
            let mut times = self.times();
            times.busy = true;
            times.head_started = None;
        }
        Busy(self.clone())
    }

    fn times(&self) -> std::sync::MutexGuard<'_, Times> {
        self.times.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn on_read(&self) {
        let now = Instant::now();
        let mut times = self.times();
        times.last_activity = now;
        if !times.busy && times.head_started.is_none() {
            times.head_started = Some(now);
        }
    }

    fn on_write(&self) {
        self.times().last_activity = Instant::now();
    }

    /// When the IO gives up waiting: none while a request is handled; the header timeout
    /// from the start of the head (but never later than the idle timeout from the last
    /// byte); the idle timeout between requests.
    fn deadline(&self) -> Option<Instant> {
        let times = self.times();
        let idle = times.last_activity + self.idle_timeout;
        if times.busy {
            None
        } else if let Some(started) = times.head_started {
            Some((started + self.header_timeout).min(idle))
        } else {
            Some(idle)
        }
    }
}

/// Keeps the connection marked busy while a request is handled.
pub(crate) struct Busy(Arc<ConnState>);

impl Drop for Busy {
    fn drop(&mut self) {
        let mut times = self.0.times();
        times.busy = false;
        times.last_activity = Instant::now();
    }
}

/// An IO that fails with `TimedOut` when it waits past the connection's deadline.
struct TimedIo<IO> {
    io: IO,
    state: Arc<ConnState>,
    timer: Option<(Instant, Pin<Box<Sleep>>)>,
}

impl<IO> TimedIo<IO> {
    fn new(io: IO, state: Arc<ConnState>) -> Self {
        TimedIo {
            io,
            state,
            timer: None,
        }
    }

    /// Called whenever the IO would wait: arms the timer for the current deadline and
    /// reports `TimedOut` once it has passed. The timer is moved only when the deadline comes
    /// earlier than armed; a later deadline (every request moves the idle deadline) is
    /// picked up when the timer fires, so a busy connection does not touch the timer wheel
    /// on every request.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        loop {
            let Some(deadline) = self.state.deadline() else {
                return Poll::Pending;
            };
            match &mut self.timer {
                Some((armed, sleep)) if *armed <= deadline => {
                    ready!(sleep.as_mut().poll(cx));
                    if Instant::now() >= deadline {
                        return Poll::Ready(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "connection timed out (header read or idle)",
                        ));
                    }
                    // The deadline moved on while the timer ran: follow it.
                    *armed = deadline;
                    sleep.as_mut().reset(deadline);
                }
                Some((armed, sleep)) => {
                    *armed = deadline;
                    sleep.as_mut().reset(deadline);
                }
                None => self.timer = Some((deadline, Box::pin(tokio::time::sleep_until(deadline)))),
            }
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for TimedIo<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.state.on_read();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.poll_deadline(cx).map(Err),
        }
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for TimedIo<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                this.state.on_write();
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.poll_deadline(cx).map(Err),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Ready(Ok(n)) => {
                this.state.on_write();
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.poll_deadline(cx).map(Err),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Pending => this.poll_deadline(cx).map(Err),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
