//! Listeners (TCP, TCP with SO_REUSEPORT, an existing std listener, Unix socket) and the
//! accept loop with the connection cap.

use std::{
    io,
    net::{SocketAddr, ToSocketAddrs},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use tokio::{
    net::{TcpListener, UnixListener},
    sync::{watch, Semaphore},
    task::JoinSet,
};

use crate::{
    conn,
    running::stopping,
    running::{ListenAddr, RunningServer},
    server::{Inner, Server},
};

pub(crate) enum Listener {
    Tcp(TcpListener),
    #[cfg(feature = "tls")]
    Tls(TcpListener, tokio_rustls::TlsAcceptor),
    Unix(UnixListener, PathBuf),
}

impl Server {
    /// Binds a TCP address (`"127.0.0.1:8080"`, port 0 for any free port) and starts serving
    /// on the current tokio runtime.
    pub async fn bind(&self, addr: impl tokio::net::ToSocketAddrs) -> io::Result<RunningServer> {
        let listener = TcpListener::bind(addr).await?;
        self.serve_tokio_listener(listener)
    }

    /// Binds a TCP address with `SO_REUSEPORT` (and `SO_REUSEADDR`), so several servers or
    /// processes can share one port and the kernel spreads connections among them (Linux).
    pub async fn bind_reuseport(&self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        let addr = addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to bind"))?;
        self.serve_listener(reuseport_listener(addr)?)
    }

    /// Serves on an already bound std listener (e.g. inherited from a parent process).
    pub fn serve_listener(&self, listener: std::net::TcpListener) -> io::Result<RunningServer> {
        listener.set_nonblocking(true)?;
        self.serve_tokio_listener(TcpListener::from_std(listener)?)
    }

    /// Serves on a tokio TCP listener.
    pub fn serve_tokio_listener(&self, listener: TcpListener) -> io::Result<RunningServer> {
        let addr = ListenAddr::Tcp(listener.local_addr()?);
        Ok(self.start(Listener::Tcp(listener), addr))
    }

    /// Binds a Unix domain socket at `path` (which must not exist yet); the socket file is
    /// removed when the server stops.
    pub async fn bind_unix(&self, path: impl AsRef<Path>) -> io::Result<RunningServer> {
        let path = path.as_ref().to_path_buf();
        let listener = UnixListener::bind(&path)?;
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

/// A listening TCP socket with `SO_REUSEPORT` set before binding.
pub fn reuseport_listener(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
    socket.set_reuse_port(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// Accepts connections while fewer than `max_connections` are open; on shutdown stops
/// accepting, lets connections finish their calls until the deadline, then ends the rest.
async fn accept_loop(
    inner: Arc<Inner>,
    listener: Listener,
    mut shutdown: watch::Receiver<Option<std::time::Instant>>,
) {
    let slots = Arc::new(Semaphore::new(inner.config.max_connections));
    let mut connections = JoinSet::new();
    loop {
        let next = async {
            let slot = slots.clone().acquire_owned().await;
            (slot, accept(&listener).await)
        };
        tokio::select! {
            _ = stopping(&mut shutdown) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            (slot, accepted) = next => {
                let Ok(slot) = slot else { break };
                match accepted {
                    Ok(Accepted::Tcp(stream, peer)) => {
                        let _ = stream.set_nodelay(true);
                        connections.spawn(conn::serve(inner.clone(), stream, shutdown.clone(), slot, Some(peer)));
                    }
                    #[cfg(feature = "tls")]
                    Ok(Accepted::Tls(stream, peer, acceptor)) => {
                        let _ = stream.set_nodelay(true);
                        connections.spawn(crate::tls::serve(inner.clone(), acceptor, stream, shutdown.clone(), slot, peer));
                    }
                    Ok(Accepted::Unix(stream)) => {
                        connections.spawn(conn::serve(inner.clone(), stream, shutdown.clone(), slot, None));
                    }
                    Err(e) => {
                        // Out of descriptors and the like: wait a little instead of spinning.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
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

enum Accepted {
    Tcp(tokio::net::TcpStream, SocketAddr),
    #[cfg(feature = "tls")]
    Tls(tokio::net::TcpStream, SocketAddr, tokio_rustls::TlsAcceptor),
    Unix(tokio::net::UnixStream),
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
