//! `interop-server --metrics --method-page`: the counters external soak tests read, and the
//! method page of a macro-generated service (help from doc comments).

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Sends one request on a new connection and returns the whole response as text (the
/// request asks the server to close the connection after it).
fn exchange(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn call(port: u16, method: &str, params: &str) -> String {
    let body = format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params>{params}</params></methodCall>"
    );
    exchange(
        port,
        &format!(
            "POST /RPC2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn get(port: u16, path: &str, accept: &str) -> String {
    exchange(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAccept: {accept}\r\n\r\n"),
    )
}

#[test]
fn interop_server_exposes_metrics_and_the_method_page_behind_flags() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let _server = Running(
        Command::new(env!("CARGO_BIN_EXE_interop-server"))
            .args(["--listen", &listen, "--metrics", "--method-page"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("interop-server starts"),
    );
    let started = Instant::now();
    while TcpStream::connect(&listen).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "no listener");
        std::thread::sleep(Duration::from_millis(20));
    }

    let struct_param =
        "<param><value><struct><member><name>moe</name><value><int>1</int></value></member>\
        <member><name>larry</name><value><int>2</int></value></member>\
        <member><name>curly</name><value><int>3</int></value></member></struct></value></param>";
    for _ in 0..3 {
        assert!(call(port, "validator1.easyStructTest", struct_param).contains("<int>6</int>"));
    }
    assert!(call(port, "no.such", "").contains("-32601"));

    let metrics = get(port, "/metrics", "*/*");
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for line in [
        "xmlrpc_method_calls_total{method=\"validator1.easyStructTest\",outcome=\"result\"} 3",
        "xmlrpc_method_calls_total{method=\"(other)\",outcome=\"fault\"} 1",
        "xmlrpc_faults_total{code=\"-32601\"} 1",
        "xmlrpc_method_duration_seconds_count{method=\"validator1.easyStructTest\"} 3",
        "xmlrpc_calls_completed_total 3",
    ] {
        assert!(metrics.contains(line), "missing {line} in\n{metrics}");
    }

    let page = get(port, "/RPC2", "text/html");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("id=\"m-validator1.easyStructTest\""));
    assert!(
        page.contains("Takes a struct with int members moe, larry and curly; returns their sum.")
    );
    assert!(
        page.contains("validator1.easyStructTest(struct) \u{2192} int"),
        "{page}"
    );
}
