//! A keep-alive pool of HTTP/1.1 connections to one endpoint, on hyper's connection API.
//!
//! A connection goes back to the pool before the call that used it returns: once its
//! response body has been read to the end, the call waits until hyper is ready to send
//! the next request on it (a few task switches, or an error when the server closed it)
//! and only then puts it back. So a call that follows another always finds the
//! connection idle: sequential calls use one connection, deterministically. (A pool that
//! hands connections back from a background task races with the next call, which then
//! opens a second connection.) Concurrent calls each take an idle connection or open
//! their own, so they stay concurrent.

use std::{
    future::Future,
    io,
    sync::{Arc, Mutex, MutexGuard, Weak},
    time::Duration,
};

use bytes::Bytes;
use http::{header, Request, Response};
use http_body_util::Full;
use hyper::{
    body::Incoming,
    client::conn::http1::{self, SendRequest},
};
use tokio::time::Instant;

use super::body;
use crate::Error;

/// How long a finished call waits for its connection to become ready for the next
/// request before giving it up (hyper needs only a few task switches; this bounds a
/// connection stuck for another reason).
const READY_WAIT: Duration = Duration::from_secs(1);

/// Opens a new connection to the pool's endpoint.
pub(crate) trait Connect: Send + Sync + 'static {
    type Io: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static;

    fn connect(&self) -> impl Future<Output = io::Result<Self::Io>> + Send;

    /// The endpoint as named in connect errors.
    fn describe(&self) -> String;
}

/// The pool: a connector and the idle connections.
pub(crate) struct Pool<C> {
    connector: C,
    idle: Arc<Mutex<IdleList>>,
    idle_timeout: Duration,
}

/// The idle connections, most recently used last, and whether a task is watching them
/// expire.
#[derive(Default)]
struct IdleList {
    conns: Vec<Idle>,
    reaping: bool,
}

struct Idle {
    sender: SendRequest<Full<Bytes>>,
    since: Instant,
}

/// A response whose body has been read (at most `max` bytes).
pub(crate) struct Exchanged {
    pub(crate) response: Response<()>,
    pub(crate) body: Bytes,
}

impl From<Exchanged> for super::RawResponse {
    fn from(exchanged: Exchanged) -> Self {
        let headers = exchanged.response.headers();
        super::RawResponse {
            status: exchanged.response.status().as_u16(),
            content_encoding: headers.get(http::header::CONTENT_ENCODING).cloned(),
            retry_after: headers
                .get(http::header::RETRY_AFTER)
                .and_then(|v| crate::retry::parse_retry_after(v.as_bytes())),
            body: exchanged.body,
        }
    }
}

impl<C> std::fmt::Debug for Pool<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("idle", &lock(&self.idle).conns.len())
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

fn lock(idle: &Mutex<IdleList>) -> MutexGuard<'_, IdleList> {
    idle.lock().unwrap_or_else(|e| e.into_inner())
}

impl<C: Connect> Pool<C> {
    pub(crate) fn new(connector: C, idle_timeout: Duration) -> Self {
        Pool {
            connector,
            idle: Arc::new(Mutex::new(IdleList::default())),
            idle_timeout,
        }
    }

    /// Sends `request` and reads the whole response body, at most `max` bytes of it. An
    /// idle connection the server closed before the request went out is replaced by a new
    /// one; once a request has been written it is never sent again (XML-RPC calls are not
    /// idempotent).
    pub(crate) async fn exchange(
        &self,
        request: Request<Full<Bytes>>,
        max: usize,
    ) -> Result<Exchanged, Error> {
        let (mut sender, response) = match self.take_idle() {
            Some(mut sender) => match sender.try_send_request(request).await {
                Ok(response) => (sender, response),
                Err(mut e) => match e.take_message() {
                    // Not written: the connection was closed while idle.
                    Some(request) => {
                        tracing::debug!("pooled connection closed, opening a new one");
                        self.send_on_new(request).await?
                    }
                    None => return Err(exchange_failed(e.into_error())),
                },
            },
            None => self.send_on_new(request).await?,
        };
        let (parts, incoming) = response.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        body::check_declared_length(declared, max)?;
        let body = body::collect_limited(incoming, max).await?;
        // Hand the connection back before returning, so the next call finds it idle.
        if let Ok(Ok(())) = tokio::time::timeout(READY_WAIT, sender.ready()).await {
            self.put_idle(sender);
        }
        Ok(Exchanged {
            response: Response::from_parts(parts, ()),
            body,
        })
    }

    async fn send_on_new(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<(SendRequest<Full<Bytes>>, Response<Incoming>), Error> {
        let mut sender = self.open().await?;
        let response = sender
            .send_request(request)
            .await
            .map_err(exchange_failed)?;
        Ok((sender, response))
    }

    /// Opens a connection and runs its hyper task in the background.
    async fn open(&self) -> Result<SendRequest<Full<Bytes>>, Error> {
        let io = self
            .connector
            .connect()
            .await
            .map_err(|e| Error::connect(self.connector.describe(), e))?;
        let (sender, connection) = http1::handshake(io)
            .await
            .map_err(|e| Error::connect(self.connector.describe(), e))?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection ended: {e}");
            }
        });
        Ok(sender)
    }

    /// The most recently used idle connection that is still open and fresh; expired and
    /// closed ones are dropped (which closes them).
    fn take_idle(&self) -> Option<SendRequest<Full<Bytes>>> {
        let mut idle = lock(&self.idle);
        prune(&mut idle.conns, self.idle_timeout);
        idle.conns.pop().map(|entry| entry.sender)
    }

    fn put_idle(&self, sender: SendRequest<Full<Bytes>>) {
        let mut idle = lock(&self.idle);
        idle.conns.push(Idle {
            sender,
            since: Instant::now(),
        });
        if !idle.reaping {
            idle.reaping = spawn_reaper(Arc::downgrade(&self.idle), self.idle_timeout);
        }
    }
}

/// Drops the closed and expired connections; the list is oldest first.
fn prune(idle: &mut Vec<Idle>, timeout: Duration) {
    let now = Instant::now();
    idle.retain(|entry| !entry.sender.is_closed() && now < entry.since + timeout);
}

/// Starts a task that closes idle connections once they pass the idle timeout, also when
/// no call comes to look; it ends when the pool is empty or gone. Whether it started.
fn spawn_reaper(idle: Weak<Mutex<IdleList>>, timeout: Duration) -> bool {
    // Outside a runtime (never the case in a call) the next call prunes instead.
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return false;
    };
    runtime.spawn(async move {
        loop {
            let next = {
                let Some(idle) = idle.upgrade() else { return };
                let mut idle = lock(&idle);
                prune(&mut idle.conns, timeout);
                match idle.conns.first() {
                    Some(oldest) => oldest.since + timeout,
                    None => {
                        idle.reaping = false;
                        return;
                    }
                }
            };
            tokio::time::sleep_until(next).await;
        }
    });
    true
}

fn exchange_failed(e: hyper::Error) -> Error {
    Error::transport_from("the HTTP exchange failed", e)
}
