//! `https://` through rustls against the Python peer serving TLS with a certificate made
//! for the test by `openssl` (a private CA and a leaf for `localhost`).
#![cfg(feature = "tls")]

mod common;

use std::process::{Command, Stdio};

use xmlrpc_client::Client;

use common::{python_available, start_peer, TempDir};

/// Makes `ca.pem`, `leaf.pem` and `leaf.key` in `dir`; false (after a loud SKIP) without
/// openssl, unless `CI=true`, where that fails the test.
fn make_certificates(dir: &std::path::Path) -> bool {
    let run = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !run(&["version"]) {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("https test: openssl is required under CI=true but is missing");
        }
        eprintln!("!!!!! SKIP https test: openssl not found, test not run !!!!!");
        return false;
    }
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write extensions");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let steps: [&[&str]; 3] = [
        &[
            &["req", "-x509"],
            &ec[..],
            &["-keyout", "ca.key", "-out", "ca.pem"],
            &["-subj", "/CN=xmlrpc test CA", "-days", "2"],
        ]
        .concat(),
        &[
            &["req"],
            &ec[..],
            &[
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat(),
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    ];
    for step in steps {
        assert!(run(step), "openssl {step:?} failed");
    }
    true
}

#[tokio::test]
async fn https_with_a_private_ca() {
    if !python_available("https_with_a_private_ca") {
        return;
    }
    let dir = TempDir::new("tls");
    if !make_certificates(&dir.0) {
        return;
    }
    let cert = dir.0.join("leaf.pem");
    let key = dir.0.join("leaf.key");
    let peer = start_peer(
        "http_server.py",
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        false,
    );
    let url = format!("https://localhost:{}/RPC2", peer.at);

    let ca = std::fs::read(dir.0.join("ca.pem")).unwrap();
    let trusting = Client::builder(&url)
        .add_root_certificate_pem(ca)
        .build()
        .unwrap();
    assert_eq!(trusting.call::<i32, _>("add", (20, 22)).await.unwrap(), 42);
    let mut batch = trusting.multicall();
    let a = batch.add::<String, _>("echo", ("over tls",)).unwrap();
    assert_eq!(batch.send().await.unwrap().get(&a).unwrap(), "over tls");

    // The webpki roots alone do not trust the private CA: the handshake fails.
    let default_roots = Client::new(&url).unwrap();
    let err = default_roots
        .call::<i32, _>("add", (1, 2))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err}");
}
