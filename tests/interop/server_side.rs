//! Peers' clients against the interop server (the same services and options as the
//! `interop-server` binary, served in-process on a loopback port).

use std::{process::Command, time::Duration};

use examples::{interop, options::ServerOptions};
use xmlrpc_server::RunningServer;

use crate::peers::{self, available, require};

const LIMIT: Duration = Duration::from_secs(120);

/// Serves the interop services on an ephemeral loopback port.
async fn serve() -> (RunningServer, String) {
    let options = ServerOptions::parse(Vec::new(), "127.0.0.1:0").expect("default options");
    let server = interop::server(&options).expect("interop server");
    let running = server.bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/RPC2", running.local_addr().expect("TCP address"));
    (running, url)
}

/// Runs a blocking peer client against a fresh interop server.
async fn against_interop_server(command: impl FnOnce(&str) -> Command) {
    let (running, url) = serve().await;
    let command = command(&url);
    tokio::task::spawn_blocking(move || peers::run_client(command, LIMIT))
        .await
        .expect("peer client");
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_xmlrpc_client_validator1_types_faults_introspection_multicall() {
    if !require(
        "python3",
        available("python3", &["-c", "import xmlrpc.client"]),
    ) {
        return;
    }
    against_interop_server(|url| {
        let mut c = Command::new("python3");
        c.arg(peers::dir().join("python_client.py")).arg(url);
        c
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ruby_xmlrpc_client() {
    if !require(
        "ruby with ruby-xmlrpc",
        available("ruby", &["-e", "require 'xmlrpc/client'"]),
    ) {
        return;
    }
    against_interop_server(|url| {
        let mut c = Command::new("ruby");
        c.arg(peers::dir().join("ruby_client.rb")).arg(url);
        c
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perl_rpc_xml_client() {
    if !require(
        "perl with RPC::XML",
        available("perl", &["-MRPC::XML::Client", "-e1"]),
    ) {
        return;
    }
    against_interop_server(|url| {
        let mut c = Command::new("perl");
        c.arg(peers::dir().join("perl_client.pl")).arg(url);
        c
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xmlrpc_c_client() {
    let headers = std::path::Path::new("/usr/include/xmlrpc-c/client.h").exists();
    if !require(
        "gcc with xmlrpc-c",
        headers && available("gcc", &["--version"]),
    ) {
        return;
    }
    let binary = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("xmlrpc_c_client");
    let compiled = Command::new("gcc")
        .arg("-o")
        .arg(&binary)
        .arg(peers::dir().join("c_client.c"))
        .args(["-lxmlrpc_client", "-lxmlrpc", "-lxmlrpc_util"])
        .status()
        .expect("gcc runs");
    assert!(compiled.success(), "the xmlrpc-c client did not compile");
    against_interop_server(|url| {
        let mut c = Command::new(&binary);
        c.arg(url);
        c
    })
    .await;
}
