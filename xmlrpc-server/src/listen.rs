//! Listeners (TCP, TCP with SO_REUSEPORT, an existing std listener, Unix socket) and the
//! accept loop with the connection cap.

mod cap;

use std::{
    io,
    net::{SocketAddr, ToSocketAddrs},
    path::{Path, PathBuf},
    sync::{atomic::Ordering::Relaxed, Arc},
    time::Duration,
};

use socket2::{Domain, SockAddr, Socket, Type};
use tokio::{
    net::{TcpListener, UnixListener},
    sync::{watch, OwnedSemaphorePermit},
    task::JoinSet,
};

pub(crate) use cap::Slot;

use crate::{
    conn,
    running::stopping,
    running::{ListenAddr, RunningServer},
    server::{Inner, Server},
};

use cap::Cap;

/// How long the accept loop waits for the connection it asked to close before it asks
/// another one (a connection in a TLS handshake notices only at its handshake timeout).
const EVICTION_WAIT: Duration = Duration::from_millis(200);

/// The answer to a connection beyond the per-peer limit, written without waiting.
const PEER_LIMIT_RESPONSE: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
Content-Type: text/plain\r\nContent-Length: 21\r\nConnection: close\r\n\r\n\
too many connections\n";

pub(crate) enum Listener {
    Tcp(TcpListener),
    #[cfg(feature = "tls")]
    Tls(TcpListener, tokio_rustls::TlsAcceptor),
    Unix(UnixListener, PathBuf),
}

impl Server {
    /// Binds a TCP address (`"127.0.0.1:8080"`, port 0 for any free port) and starts serving
    /// on the current tokio runtime. The listen backlog is `max_connections` (the kernel
    /// caps it at `net.core.somaxconn`).
    ///
    /// The server runs until it is shut down ([`RunningServer::shutdown`], a
    /// [`ServerHandle`](crate::ServerHandle), a [`ShutdownGuard`](crate::ShutdownGuard)) or
    /// its runtime ends; dropping the returned [`RunningServer`] does not stop it.
    pub async fn bind(&self, addr: impl tokio::net::ToSocketAddrs) -> io::Result<RunningServer> {
        let mut last = None;
        for addr in tokio::net::lookup_host(addr).await? {
            match tcp_listener(addr, false, self.backlog()) {
                Ok(listener) => return self.serve_listener(listener),
                Err(e) => last = Some(e),
            }
        }
        Err(last
            .unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to bind")))
    }

    /// The listen backlog of the sockets the server binds itself: the connection cap.
    fn backlog(&self) -> i32 {
        i32::try_from(self.inner.config.max_connections).unwrap_or(i32::MAX)
    }

    /// Binds a TCP address with `SO_REUSEPORT` (and `SO_REUSEADDR`), so several servers or
    /// processes can share one port and the kernel spreads connections among them (Linux).
    pub async fn bind_reuseport(&self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        let addr = addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to bind"))?;
        self.serve_listener(tcp_listener(addr, true, self.backlog())?)
    }

    /// Serves on an already bound std listener (e.g. inherited from a parent process); its
    /// listen backlog is whatever its creator chose.
    pub fn serve_listener(&self, listener: std::net::TcpListener) -> io::Result<RunningServer> {
        listener.set_nonblocking(true)?;
        self.serve_tokio_listener(TcpListener::from_std(listener)?)
    }

    /// Serves on a tokio TCP listener.
    pub fn serve_tokio_listener(&self, listener: TcpListener) -> io::Result<RunningServer> {
        let addr = ListenAddr::Tcp(listener.local_addr()?);
        Ok(self.start(Listener::Tcp(listener), addr))
    }

    /// Binds a Unix domain socket at `path` (which must not exist yet), with a listen
    /// backlog of `max_connections`; the socket file is removed when the server stops.
    pub async fn bind_unix(&self, path: impl AsRef<Path>) -> io::Result<RunningServer> {
        let path = path.as_ref().to_path_buf();
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        socket.bind(&SockAddr::unix(&path)?)?;
        socket.listen(self.backlog())?;
        socket.set_nonblocking(true)?;
        let listener = UnixListener::from_std(std::os::unix::net::UnixListener::from(
            std::os::fd::OwnedFd::from(socket),
        ))?;
        Ok(self.start(
            Listener::Unix(listener, path.clone()),
            ListenAddr::Unix(path),
        ))
    }

    pub(crate) fn start(&self, listener: Listener, addr: ListenAddr) -> RunningServer {
        let (tx, rx) = watch::channel(None);
        let task = tokio::spawn(accept_loop(self.inner.clone(), listener, rx));
        tracing::info!("xmlrpc server listening on {addr}");
        RunningServer::new(self.inner.clone(), addr, tx, task)
    }
}

/// A listening TCP socket with `SO_REUSEPORT` set before binding (backlog 1024).
pub fn reuseport_listener(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    tcp_listener(addr, true, 1024)
}

/// A listening TCP socket (with `SO_REUSEADDR`, and `SO_REUSEPORT` when `reuseport`).
fn tcp_listener(
    addr: SocketAddr,
    reuseport: bool,
    backlog: i32,
) -> io::Result<std::net::TcpListener> {
    let socket = Socket::new(
        Domain::for_address(addr),
        Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    // What tokio and std do on Unix: a restarted server can bind while old connections
    // linger in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
    if reuseport {
        socket.set_reuse_port(true)?;
    }
    #[cfg(not(all(unix, not(any(target_os = "solaris", target_os = "illumos")))))]
    let _ = reuseport;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}

/// Accepts connections up to `max_connections` open at once; at the cap, closes the
/// connection that has waited longest without a request to make room (see [`cap`]). On
/// shutdown stops accepting, lets connections finish their calls until the deadline, then
/// ends the rest.
async fn accept_loop(
    inner: Arc<Inner>,
    listener: Listener,
    mut shutdown: watch::Receiver<Option<std::time::Instant>>,
) {
    let config = &inner.config;
    let cap = Cap::new(
        config.max_connections,
        config.max_connections_per_peer,
        config.header_read_timeout,
        config.idle_timeout,
    );
    let mut connections = JoinSet::new();
    'serving: loop {
        let accepted = tokio::select! {
            _ = stopping(&mut shutdown) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = accept(&listener) => accepted,
        };
        let accepted = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors and the like: wait a little instead of spinning.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let peer = accepted.peer();
        if peer.is_some_and(|peer| cap.peer_full(peer.ip())) {
            inner.stats.connections_refused.fetch_add(1, Relaxed);
            accepted.refuse();
            continue;
        }
        let permit = loop {
            if let Some(permit) = cap.try_slot() {
                break permit;
            }
            let wait = if cap.evict_one() {
                inner.stats.connections_evicted.fetch_add(1, Relaxed);
                Some(EVICTION_WAIT)
            } else {
                // Every connection has a call in progress: wait for one to finish.
                None
            };
            match wait_for_slot(&cap, wait, &mut connections, &mut shutdown).await {
                SlotWait::Got(permit) => break permit,
                SlotWait::Again => {}
                SlotWait::Stopping => break 'serving,
            }
        };
        let slot = cap.register(permit, peer.map(|p| p.ip()));
        match accepted {
            Accepted::Tcp(stream, peer) => {
                let _ = stream.set_nodelay(true);
                connections.spawn(conn::serve(
                    inner.clone(),
                    stream,
                    shutdown.clone(),
                    slot,
                    Some(peer),
                ));
            }
            #[cfg(feature = "tls")]
            Accepted::Tls(stream, peer, acceptor) => {
                let _ = stream.set_nodelay(true);
                connections.spawn(crate::tls::serve(
                    inner.clone(),
                    acceptor,
                    stream,
                    shutdown.clone(),
                    slot,
                    peer,
                ));
            }
            Accepted::Unix(stream) => {
                connections.spawn(conn::serve(
                    inner.clone(),
                    stream,
                    shutdown.clone(),
                    slot,
                    None,
                ));
            }
        }
    }
    // Stop accepting before draining: new connections are refused by the OS from here.
    let unix_path = match &listener {
        Listener::Unix(_, path) => Some(path.clone()),
        _ => None,
    };
    drop(listener);
    let deadline = shutdown.borrow().unwrap_or_else(std::time::Instant::now);
    let drained = tokio::time::timeout_at(deadline.into(), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "shutdown deadline passed; ending {} connections",
            connections.len()
        );
        connections.shutdown().await;
    }
    if let Some(path) = unix_path {
        let _ = std::fs::remove_file(path);
    }
    tracing::info!("xmlrpc server stopped");
}

enum SlotWait {
    Got(OwnedSemaphorePermit),
    /// The wait for an asked connection ran out: ask another.
    Again,
    Stopping,
}

/// Waits for a free slot (up to `limit`), reaping finished connections meanwhile.
async fn wait_for_slot(
    cap: &Cap,
    limit: Option<Duration>,
    connections: &mut JoinSet<()>,
    shutdown: &mut watch::Receiver<Option<std::time::Instant>>,
) -> SlotWait {
    let deadline = limit.map(|limit| tokio::time::Instant::now() + limit);
    let expired = async {
        match deadline {
            Some(deadline) => tokio::time::sleep_until(deadline).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(expired);
    loop {
        tokio::select! {
            _ = stopping(shutdown) => return SlotWait::Stopping,
            permit = cap.slot() => match permit {
                Some(permit) => return SlotWait::Got(permit),
                None => return SlotWait::Stopping,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = &mut expired => return SlotWait::Again,
        }
    }
}

enum Accepted {
    Tcp(tokio::net::TcpStream, SocketAddr),
    #[cfg(feature = "tls")]
    Tls(tokio::net::TcpStream, SocketAddr, tokio_rustls::TlsAcceptor),
    Unix(tokio::net::UnixStream),
}

impl Accepted {
    fn peer(&self) -> Option<SocketAddr> {
        match self {
            Accepted::Tcp(_, peer) => Some(*peer),
            #[cfg(feature = "tls")]
            Accepted::Tls(_, peer, _) => Some(*peer),
            Accepted::Unix(_) => None,
        }
    }

    /// Turns the connection away over the per-peer limit: a 503 if the socket takes it at
    /// once (never waiting on the peer), then close.
    fn refuse(self) {
        match self {
            Accepted::Tcp(stream, _) => {
                let _ = stream.try_write(PEER_LIMIT_RESPONSE);
            }
            // A TLS peer cannot read a plain answer; closing is all that can be done.
            #[cfg(feature = "tls")]
            Accepted::Tls(..) => {}
            Accepted::Unix(_) => {}
        }
    }
}

async fn accept(listener: &Listener) -> io::Result<Accepted> {
    match listener {
        Listener::Tcp(l) => l.accept().await.map(|(s, a)| Accepted::Tcp(s, a)),
        #[cfg(feature = "tls")]
        Listener::Tls(l, acceptor) => l
            .accept()
            .await
            .map(|(s, a)| Accepted::Tls(s, a, acceptor.clone())),
        Listener::Unix(l, _) => l.accept().await.map(|(s, _)| Accepted::Unix(s)),
    }
}
