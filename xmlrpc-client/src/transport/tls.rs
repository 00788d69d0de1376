//! TLS for `https://` targets on the client's own pool (feature `tls`): rustls with the
//! `ring` provider, the Mozilla roots of `webpki-roots` plus the roots added with
//! [`ClientBuilder::add_root_certificate_pem`](crate::ClientBuilder::add_root_certificate_pem),
//! ALPN `http/1.1`. The same trust as the reqwest path, which proxied targets take.

use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::{
    client::TlsStream,
    rustls::{
        self,
        pki_types::{pem::PemObject, CertificateDer, ServerName},
    },
    TlsConnector,
};

use crate::{builder::Settings, Error};

/// What a new `https://` connection needs: the rustls configuration and the name the
/// server's certificate must carry.
#[derive(Clone)]
pub(super) struct Tls {
    connector: TlsConnector,
    name: ServerName<'static>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("name", &self.name).finish()
    }
}

impl Tls {
    /// The configuration for `host` (a DNS name or an IP address, IPv6 without brackets).
    pub(super) fn new(host: &str, settings: &Settings) -> Result<Tls, Error> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for pem in &settings.root_certificates {
            let invalid =
                |e: &dyn std::fmt::Display| Error::Config(format!("invalid root certificate: {e}"));
            let certs = CertificateDer::pem_slice_iter(pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| invalid(&e))?;
            if certs.is_empty() {
                return Err(invalid(&"no certificate in the PEM text"));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| invalid(&e))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS configuration: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let name = ServerName::try_from(host.to_string())
            .map_err(|e| Error::Config(format!("invalid TLS server name {host:?}: {e}")))?;
        Ok(Tls {
            connector: TlsConnector::from(Arc::new(config)),
            name,
        })
    }

    /// Runs the handshake on a connected socket.
    pub(super) async fn handshake(
        &self,
        stream: TcpStream,
    ) -> std::io::Result<TlsStream<TcpStream>> {
        self.connector.connect(self.name.clone(), stream).await
    }
}
