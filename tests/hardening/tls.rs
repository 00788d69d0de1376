//! HTTPS end to end: a CA and a server certificate generated here, the server reading them
//! from PEM files, our client trusting the custom CA; and what untrusting, plain-text and
//! silent clients get.

use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio::{io::AsyncReadExt, net::TcpStream};
use xmlrpc_client::Client;
use xmlrpc_server::{BasicAuth, Server, TlsConfig};

use crate::common::{local_server, NO_HANG};

/// A CA certificate (PEM) and a `localhost` certificate and key it signed, in files.
struct Pki {
    ca_pem: String,
    dir: std::path::PathBuf,
}

impl Pki {
    fn generate() -> Pki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        // One directory per PKI: tests run at once.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("xmlrpc-tls-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), leaf_key.serialize_pem()).unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            dir,
        }
    }

    fn server_config(&self) -> TlsConfig {
        TlsConfig::from_pem_files(self.dir.join("cert.pem"), self.dir.join("key.pem")).unwrap()
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_a_custom_ca_and_basic_auth() {
    let pki = Pki::generate();
    let server = local_server(
        Server::builder()
            .header_read_timeout(Duration::from_secs(1))
            .basic_auth(BasicAuth::credentials("tls", [("alice", "wonder")])),
    );
    let running = server
        .bind_tls("127.0.0.1:0", pki.server_config())
        .await
        .unwrap();
    let port = running.local_addr().unwrap().port();
    let url = format!("https://localhost:{port}/RPC2");

    let trusted = Client::builder(&url)
        .add_root_certificate_pem(pki.ca_pem.clone())
        .basic_auth("alice", "wonder")
        .build()
        .unwrap();
    for i in 0..20 {
        assert_eq!(
            trusted.call::<i32, _>("interop.add", (i, 1)).await.unwrap(),
            i + 1
        );
    }
    let big = "x".repeat(300_000);
    let echoed: String = trusted.call("interop.echo", (&big,)).await.unwrap();
    assert_eq!(echoed, big);

    // Without the CA the client refuses the certificate.
    let untrusting = Client::builder(&url)
        .timeout(NO_HANG)
        .basic_auth("alice", "wonder")
        .build()
        .unwrap();
    assert!(untrusting
        .call::<i32, _>("interop.add", (1, 1))
        .await
        .is_err());

    // Plain HTTP on the TLS port fails without hanging.
    let plain = Client::builder(&format!("http://127.0.0.1:{port}/RPC2"))
        .timeout(NO_HANG)
        .build()
        .unwrap();
    assert!(plain.call::<i32, _>("interop.add", (1, 1)).await.is_err());

    // A client that connects and never starts the handshake is dropped after the
    // header-read timeout.
    let mut silent = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(NO_HANG, silent.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");

    assert_eq!(
        trusted.call::<i32, _>("interop.add", (1, 1)).await.unwrap(),
        2
    );
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_https_calls_use_one_connection() {
    let pki = Pki::generate();
    let running = local_server(Server::builder())
        .bind_tls("127.0.0.1:0", pki.server_config())
        .await
        .unwrap();
    let port = running.local_addr().unwrap().port();
    let client = Client::builder(&format!("https://localhost:{port}/RPC2"))
        .add_root_certificate_pem(pki.ca_pem.clone())
        .build()
        .unwrap();
    for i in 0..100 {
        let sum: i32 = tokio::time::timeout(NO_HANG, client.call("interop.add", (i, 1)))
            .await
            .expect("answered within 10 s")
            .unwrap();
        assert_eq!(sum, i + 1);
    }
    // The server counts the connections it accepted.
    assert_eq!(running.stats().connections_total, 1);
    running.shutdown().await;
}

#[test]
fn bad_pem_is_an_error() {
    assert!(TlsConfig::from_pem(b"", b"").is_err());
    assert!(TlsConfig::from_pem(
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        b"junk"
    )
    .is_err());
    assert!(TlsConfig::from_pem_files("/nonexistent/cert.pem", "/nonexistent/key.pem").is_err());
}
