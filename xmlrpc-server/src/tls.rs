//! TLS on the server's own TCP listeners (feature `tls`): rustls with the `ring` provider,
//! certificate chain and private key from PEM.

use std::{io, path::Path, sync::Arc};

use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
};
use tokio_rustls::{
    rustls::{
        self,
        pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    },
    TlsAcceptor,
};

use crate::{
    conn,
    listen::Listener,
    running::{ListenAddr, RunningServer},
    server::{Inner, Server},
};

/// A server certificate chain and private key, for [`Server::bind_tls`]. Only TLS 1.2 and
/// 1.3 with rustls' safe defaults; ALPN offers `http/1.1`.
#[derive(Clone)]
pub struct TlsConfig {
    acceptor: TlsAcceptor,
}

impl TlsConfig {
    /// Reads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or
    /// SEC1) from files.
    pub fn from_pem_files(cert_chain: impl AsRef<Path>, key: impl AsRef<Path>) -> io::Result<Self> {
        let chain = std::fs::read(cert_chain)?;
        let key = std::fs::read(key)?;
        Self::from_pem(&chain, &key)
    }

    /// Parses a PEM certificate chain (leaf first) and a PEM private key.
    pub fn from_pem(cert_chain: &[u8], key: &[u8]) -> io::Result<Self> {
        let certs = CertificateDer::pem_slice_iter(cert_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(invalid)?;
        if certs.is_empty() {
            return Err(invalid("no certificate in the PEM chain"));
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(invalid)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(invalid)?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(invalid)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self::from_rustls(Arc::new(config)))
    }

    /// Uses a rustls configuration built elsewhere (client certificates, other providers).
    /// Its ALPN list should offer `http/1.1` or be empty: the server speaks HTTP/1.1 only.
    pub fn from_rustls(config: Arc<rustls::ServerConfig>) -> Self {
        TlsConfig {
            acceptor: TlsAcceptor::from(config),
        }
    }
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig").finish_non_exhaustive()
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("TLS configuration: {e}"),
    )
}

impl Server {
    /// Binds a TCP address and serves HTTPS with `tls`. The handshake must finish within
    /// the header-read timeout; it runs in the connection's task, not the accept loop.
    pub async fn bind_tls(
        &self,
        addr: impl tokio::net::ToSocketAddrs,
        tls: TlsConfig,
    ) -> io::Result<RunningServer> {
        let listener = TcpListener::bind(addr).await?;
        self.serve_tls_listener(listener, tls)
    }

    /// Serves HTTPS on a tokio TCP listener.
    pub fn serve_tls_listener(
        &self,
        listener: TcpListener,
        tls: TlsConfig,
    ) -> io::Result<RunningServer> {
        let addr = ListenAddr::Tcp(listener.local_addr()?);
        Ok(self.start(Listener::Tls(listener, tls.acceptor), addr))
    }
}

/// Completes the handshake (bounded by the header-read timeout), then serves the connection.
pub(crate) async fn serve(
    inner: Arc<Inner>,
    acceptor: TlsAcceptor,
    stream: TcpStream,
    shutdown: watch::Receiver<Option<std::time::Instant>>,
    slot: crate::listen::Slot,
    peer: std::net::SocketAddr,
) {
    let limit = inner.config.header_read_timeout;
    match tokio::time::timeout(limit, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => conn::serve(inner, tls, shutdown, slot, Some(peer)).await,
        Ok(Err(e)) => tracing::debug!("TLS handshake with {peer} failed: {e}"),
        Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
    }
}
