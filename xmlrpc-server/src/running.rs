//! A server that is serving: its address, counters, and graceful shutdown.

use std::{
    fmt, io,
    net::SocketAddr,
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::{sync::watch, task::JoinHandle};

use crate::{
    server::{Inner, Server},
    stats::Stats,
};

/// Where a server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListenAddr {
    /// A TCP address.
    Tcp(SocketAddr),
    /// A Unix domain socket path.
    Unix(PathBuf),
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Tcp(addr) => write!(f, "{addr}"),
            ListenAddr::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// Stops a server from anywhere; cheap to clone.
#[derive(Clone)]
pub struct ServerHandle {
    inner: Arc<Inner>,
    shutdown: Arc<watch::Sender<Option<Instant>>>,
}

impl ServerHandle {
    /// Starts a graceful shutdown with the builder's `shutdown_timeout` as deadline: stop
    /// accepting, let requests in flight (running or queued) finish, then close every
    /// connection; connections still busy at the deadline are ended.
    pub fn shutdown(&self) {
        self.shutdown_within(self.inner.config.shutdown_timeout);
    }

    /// Starts a graceful shutdown that ends whatever is left after `deadline`. A second call
    /// does not move the first deadline.
    pub fn shutdown_within(&self, deadline: Duration) {
        let at = Instant::now() + deadline;
        self.shutdown.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(at);
                true
            } else {
                false
            }
        });
    }

    /// Whether a shutdown has been requested.
    pub fn is_shutting_down(&self) -> bool {
        self.shutdown.borrow().is_some()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.inner.stats.snapshot()
    }
}

impl fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerHandle")
            .field("shutting_down", &self.is_shutting_down())
            .finish()
    }
}

/// A bound, serving server: its address, counters and the way to stop it.
///
/// Like tokio's `JoinHandle`, this is a handle, not the server: dropping it (and every
/// [`ServerHandle`]) leaves the server serving in the background until its tokio runtime
/// ends. So a function may bind a server and return only its address, and
/// `let _ = server.bind(addr).await?;` serves. To stop a server, call
/// [`RunningServer::shutdown`] (or [`ServerHandle::shutdown`] from elsewhere), run it with
/// [`RunningServer::until_signal`], or turn it into a [`ShutdownGuard`] with
/// [`RunningServer::shutdown_on_drop`], which starts a graceful shutdown when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let server = xmlrpc_server::Server::builder().build().unwrap();
/// let addr = server.bind("127.0.0.1:0").await?.local_addr().unwrap();
/// // The handle is gone, the server still answers.
/// assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
///
/// let guard = server.bind("127.0.0.1:0").await?.shutdown_on_drop();
/// let handle = guard.handle();
/// drop(guard); // starts a graceful shutdown
/// assert!(handle.is_shutting_down());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct RunningServer {
    handle: ServerHandle,
    addr: ListenAddr,
    task: JoinHandle<()>,
}

impl RunningServer {
    pub(crate) fn new(
        inner: Arc<Inner>,
        addr: ListenAddr,
        shutdown: watch::Sender<Option<Instant>>,
        task: JoinHandle<()>,
    ) -> Self {
        RunningServer {
            handle: ServerHandle {
                inner,
                shutdown: Arc::new(shutdown),
            },
            addr,
            task,
        }
    }

    /// The TCP address the server listens on (`None` on a Unix socket).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        match &self.addr {
            ListenAddr::Tcp(addr) => Some(*addr),
            ListenAddr::Unix(_) => None,
        }
    }

    /// Where the server listens.
    pub fn listen_addr(&self) -> &ListenAddr {
        &self.addr
    }

    /// A handle to stop the server from elsewhere.
    pub fn handle(&self) -> ServerHandle {
        self.handle.clone()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.handle.stats()
    }

    /// Shuts down gracefully (deadline: the builder's `shutdown_timeout`) and waits until
    /// the server has stopped.
    pub async fn shutdown(self) {
        self.handle.shutdown();
        self.wait().await;
    }

    /// Shuts down gracefully with `deadline` and waits until the server has stopped.
    pub async fn shutdown_within(self, deadline: Duration) {
        self.handle.shutdown_within(deadline);
        self.wait().await;
    }

    /// Turns this handle into a guard that starts a graceful shutdown (deadline: the
    /// builder's `shutdown_timeout`) when it is dropped: for tests and scoped servers.
    pub fn shutdown_on_drop(self) -> ShutdownGuard {
        ShutdownGuard {
            running: Some(self),
        }
    }

    /// Waits until the server has stopped (after a shutdown requested through a handle).
    pub async fn wait(self) {
        if let Err(e) = self.task.await {
            tracing::error!("server task failed: {e}");
        }
    }

    /// Serves until SIGINT or SIGTERM (or a shutdown through a handle), then shuts down
    /// gracefully and waits.
    pub async fn until_signal(self) -> io::Result<()> {
        let handle = self.handle();
        let mut stopped = self.handle.shutdown.subscribe();
        tokio::select! {
            result = termination() => result?,
            _ = crate::running::stopping(&mut stopped) => {}
        }
        handle.shutdown();
        self.wait().await;
        Ok(())
    }
}

/// A [`RunningServer`] that starts a graceful shutdown when dropped (from
/// [`RunningServer::shutdown_on_drop`]). It dereferences to the `RunningServer`; the drop
/// only starts the shutdown (a drop cannot wait): to wait for the server to stop, take it
/// back with [`ShutdownGuard::disarm`] and call [`RunningServer::shutdown`].
#[derive(Debug)]
#[must_use = "dropping the guard at once shuts the server down"]
pub struct ShutdownGuard {
    running: Option<RunningServer>,
}

impl ShutdownGuard {
    /// The `RunningServer` back, without shutting it down.
    pub fn disarm(mut self) -> RunningServer {
        self.running
            .take()
            .expect("the guard holds the server until dropped")
    }
}

impl std::ops::Deref for ShutdownGuard {
    type Target = RunningServer;

    fn deref(&self) -> &RunningServer {
        self.running
            .as_ref()
            .expect("the guard holds the server until dropped")
    }
}

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        if let Some(running) = &self.running {
            running.handle.shutdown();
        }
    }
}

#[cfg(unix)]
async fn termination() -> io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn termination() -> io::Result<()> {
    tokio::signal::ctrl_c().await
}

impl Server {
    /// Runs the server on its own multi-threaded runtime (`runtime_threads` workers), bound
    /// to `addr`, until SIGINT or SIGTERM; then shuts down gracefully. Blocks the caller.
    pub fn run(&self, addr: impl tokio::net::ToSocketAddrs) -> io::Result<()> {
        let mut runtime = tokio::runtime::Builder::new_multi_thread();
        if let Some(threads) = self.inner.config.runtime_threads {
            runtime.worker_threads(threads.max(1));
        }
        runtime.enable_all().build()?.block_on(async {
            let running = self.bind(addr).await?;
            running.until_signal().await
        })
    }
}

/// Resolves once a shutdown has been requested. When every handle is dropped without one,
/// no shutdown can come any more: the server serves until its runtime ends.
pub(crate) async fn stopping(shutdown: &mut watch::Receiver<Option<Instant>>) {
    if shutdown.wait_for(Option::is_some).await.is_err() {
        std::future::pending::<()>().await;
    }
}
