//! Load benchmark: requests per second and p50/p99 latency with keep-alive connections, for
//! our server against a bare hyper server that answers a fixed XML-RPC response without
//! parsing (the ceiling of the HTTP stack), and, when installed, Python's `xmlrpc_extended`
//! `ThreadPoolXMLRPCServer` and xmlrpc-c's Abyss server (`benches/abyss_peer.c`).
//!
//! Run: `cargo bench -p xmlrpc-server --bench load` (env `BENCH_SECS`, default 5 s per
//! measurement; `BENCH_ROUNDS`, default 3, the targets taking turns and each reporting its
//! median round; `BENCH_PYTHON=0` / `BENCH_XMLRPC_C=0` skip the peers; `BENCH_ONLY=add` runs
//! one workload; `BENCH_CODEC_CEILING=1` adds hyper answering through the codec alone).
//!
//! The capacity workloads run against a server built with the default settings: 64
//! connections calling an async method that sleeps 10 ms (ideal 6,400 req/s), 64 connections
//! calling a blocking method that sleeps 10 ms (ideal: 100 req/s per blocking thread), and one
//! connection sending a 100-entry multicall of the async sleep (ideal: about 10 ms each).
//!
//! The load comes from `wrk` (Debian package `wrk`) when it is installed: every server, ours
//! and the peers alike, runs on CPU 0 and wrk on CPU 1, so that the generator's own cost does
//! not decide the comparison (`BENCH_GENERATOR=builtin` forces the in-process generator,
//! which shares both CPUs with the servers). `BENCH_SERVER_THREADS` sets the worker threads
//! of the in-process servers (default 1 when pinned, 2 otherwise).
//!
//! `BENCH_RESULTS=file.csv` also writes every reported row as CSV, the input of
//! `benches/chart.py` (the README's charts). The `add` workload also drives a second
//! instance of our server with per-method metrics on (`ours + metrics`), to show their cost.

use std::{
    convert::Infallible,
    net::SocketAddr,
    time::{Duration, Instant},
};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{server::conn::http1, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use xmlrpc_core::{EncodeOptions, Fault};
use xmlrpc_server::Server;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    id: i32,
    name: String,
    active: bool,
    ratio: f64,
    tags: Vec<String>,
    scores: Vec<i32>,
}

fn record() -> Record {
    Record {
        id: 7,
        name: "a moderately long name for the echo benchmark".into(),
        active: true,
        ratio: 0.625,
        tags: (0..12).map(|i| format!("tag-{i}")).collect(),
        scores: (0..40).collect(),
    }
}

struct Workload {
    name: &'static str,
    request_body: Vec<u8>,
    response_body: Vec<u8>,
}

fn workloads(server: &Server, rt: &tokio::runtime::Runtime) -> Vec<Workload> {
    let opts = EncodeOptions::default();
    let mut add = Vec::new();
    xmlrpc_core::write_call("add", &(2, 3), &opts, &mut add).unwrap();
    let mut echo = Vec::new();
    xmlrpc_core::write_call("echo", &(record(),), &opts, &mut echo).unwrap();
    let mut big = Vec::new();
    let ints: Vec<i32> = (0..10_000).collect();
    xmlrpc_core::write_call("echo_ints", &(ints,), &opts, &mut big).unwrap();
    [
        ("add(2,3)", add),
        ("struct echo", echo),
        ("10k-int echo", big),
    ]
    .into_iter()
    .map(|(name, request_body)| Workload {
        name,
        response_body: rt.block_on(server.handle_document(&request_body)),
        request_body,
    })
    .collect()
}

/// A bare hyper HTTP/1.1 server that waits `delay` before answering the fixed response: the
/// ceiling of the sleep workloads.
async fn bare_hyper_sleeping(response: Bytes, delay: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let _ = stream.set_nodelay(true);
            let response = response.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let response = response.clone();
                    async move {
                        let _ = req.into_body().collect().await;
                        tokio::time::sleep(delay).await;
                        let mut r = Response::new(Full::new(response));
                        r.headers_mut()
                            .insert("content-type", "text/xml".parse().unwrap());
                        Ok::<_, Infallible>(r)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// The capacity workloads, against a server at its default settings (see the crate docs).
fn capacity_workloads(
    server_rt: &tokio::runtime::Runtime,
    client_rt: &tokio::runtime::Runtime,
    use_wrk: bool,
    secs: f64,
) {
    let server = Server::builder()
        .method("sleep", |(ms,): (u64,)| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok::<_, Fault>(ms)
        })
        .method_sync("sleep_blocking", |(ms,): (u64,)| {
            std::thread::sleep(Duration::from_millis(ms));
            Ok::<_, Fault>(ms)
        })
        .gzip_threshold(None)
        .build()
        .unwrap();
    let running = server_rt.block_on(async { server.bind("127.0.0.1:0").await.unwrap() });
    let ours = running.local_addr().unwrap();
    let opts = EncodeOptions::default();
    let call = |name: &str| {
        let mut body = Vec::new();
        xmlrpc_core::write_call(name, &(10,), &opts, &mut body).unwrap();
        body
    };
    let entries: Vec<Entry> = (0..100)
        .map(|_| Entry {
            method_name: "sleep",
            params: (10,),
        })
        .collect();
    let mut batch = Vec::new();
    xmlrpc_core::write_call("system.multicall", &(entries,), &opts, &mut batch).unwrap();
    let threads = 16; // the default bound of blocking calls
                      // (name, request, connections, ideal req/s, whether bare hyper sleeping alike is a fair
                      // ceiling: not for the blocking workload, which the thread count bounds).
    let cases: [(&str, Vec<u8>, usize, f64, bool); 3] = [
        ("async sleep 10ms", call("sleep"), 64, 6400.0, true),
        (
            "blocking 10ms",
            call("sleep_blocking"),
            64,
            threads as f64 * 100.0,
            false,
        ),
        ("multicall 100x10ms", batch, 1, 100.0, true),
    ];
    println!(
        "{:<20} {:>5} {:<14} {:>8} {:>9} {:>9} {:>7}",
        "capacity workload", "conns", "server", "req/s", "p50", "p99", "errors"
    );
    for (name, body, conns, ideal, with_ceiling) in cases {
        if std::env::var("BENCH_ONLY").is_ok_and(|only| !name.starts_with(&only)) {
            continue;
        }
        let response = server_rt.block_on(server.handle_document(&body));
        let bare = server_rt.block_on(bare_hyper_sleeping(
            Bytes::from(response),
            Duration::from_millis(10),
        ));
        let mut targets = vec![("xmlrpc-server", ours)];
        if with_ceiling {
            targets.insert(0, ("bare hyper", bare));
        }
        for (target, addr) in targets {
            let r = if use_wrk {
                drive_wrk(addr, &body, conns, secs)
            } else {
                client_rt.block_on(drive(addr, post(&body), conns, secs))
            };
            println!(
                "{:<20} {:>5} {:<14} {:>8.0} {:>7.1}ms {:>7.1}ms {:>7}  ({:.2} of ideal {ideal:.0})",
                name,
                conns,
                target,
                r.rate(),
                r.p50.as_secs_f64() * 1e3,
                r.p99.as_secs_f64() * 1e3,
                r.errors,
                r.rate() / ideal,
            );
        }
    }
    server_rt.block_on(running.shutdown_within(Duration::from_secs(1)));
}

/// One entry of the multicall workload.
#[derive(Serialize)]
struct Entry {
    #[serde(rename = "methodName")]
    method_name: &'static str,
    params: (i32,),
}

/// A bare hyper HTTP/1.1 server: reads the body, answers the fixed response.
async fn bare_hyper(response: Bytes) -> SocketAddr {
    hyper_with(move |_| response.clone()).await
}

/// A bare hyper HTTP/1.1 server that answers each body with `answer(body)`.
async fn hyper_with<F>(answer: F) -> SocketAddr
where
    F: Fn(Bytes) -> Bytes + Clone + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let _ = stream.set_nodelay(true);
            let answer = answer.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let answer = answer.clone();
                    async move {
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let mut r = Response::new(Full::new(answer(body)));
                        r.headers_mut()
                            .insert("content-type", "text/xml".parse().unwrap());
                        Ok::<_, Infallible>(r)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

struct Result {
    requests: u64,
    errors: u64,
    seconds: f64,
    p50: Duration,
    p99: Duration,
}

impl Result {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// Drives `connections` keep-alive connections for `secs`, each sending `request` in a loop.
async fn drive(addr: SocketAddr, request: Vec<u8>, connections: usize, secs: f64) -> Result {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let started = Instant::now();
    let request = Bytes::from(request);
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(100_000);
                let mut errors = 0u64;
                let Ok(mut stream) = TcpStream::connect(addr).await else {
                    return (latencies, 1);
                };
                let _ = stream.set_nodelay(true);
                let mut buf = Vec::with_capacity(1 << 16);
                let mut reconnect = false;
                while Instant::now() < deadline {
                    // A server that closes after each answer pays for the reconnection.
                    let t = Instant::now();
                    if reconnect {
                        match TcpStream::connect(addr).await {
                            Ok(s) => stream = s,
                            Err(_) => break,
                        }
                        let _ = stream.set_nodelay(true);
                    }
                    let answer = match stream.write_all(&request).await {
                        Ok(()) => read_response(&mut stream, &mut buf).await,
                        Err(_) => Answer::Failed,
                    };
                    match answer {
                        Answer::Failed => {
                            errors += 1;
                            reconnect = true;
                            continue;
                        }
                        Answer::Ok { keep_alive } => reconnect = !keep_alive,
                    }
                    latencies.push(t.elapsed().as_micros() as u32);
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (latencies, e) = task.await.unwrap();
        all.extend(latencies);
        errors += e;
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .map(|&us| Duration::from_micros(us as u64))
            .unwrap_or_default()
    };
    Result {
        requests: all.len() as u64,
        errors,
        seconds,
        p50: pct(0.50),
        p99: pct(0.99),
    }
}

enum Answer {
    Ok { keep_alive: bool },
    Failed,
}

/// Reads one response (Content-Length framing); `Failed` on error or a non-200 status.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Answer {
    buf.clear();
    let mut chunk = [0u8; 16384];
    let (head_end, length, keep_alive) = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..i])
                .unwrap_or("")
                .to_ascii_lowercase();
            if !head.starts_with("http/1.1 200") && !head.starts_with("http/1.0 200") {
                return Answer::Failed;
            }
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let keep_alive = head.starts_with("http/1.1") && !head.contains("connection: close");
            break (i + 4, length, keep_alive);
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Answer::Failed,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Answer::Failed,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Answer::Ok { keep_alive }
}

/// The wrk script: POSTs the body file named by `BENCH_BODY` to `/RPC2`.
const WRK_SCRIPT: &str = r#"
wrk.method = "POST"
wrk.path = "/RPC2"
wrk.headers["Content-Type"] = "text/xml"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
"#;

/// Whether wrk is there to generate the load (and not overridden by `BENCH_GENERATOR`).
fn wrk_available() -> bool {
    if std::env::var("BENCH_GENERATOR").is_ok_and(|g| g == "builtin") {
        return false;
    }
    std::process::Command::new("wrk")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

/// Runs wrk on CPU 1 against `addr` for `secs`, posting `body` over `connections`.
fn drive_wrk(addr: SocketAddr, body: &[u8], connections: usize, secs: f64) -> Result {
    let dir = std::env::temp_dir();
    let script = dir.join(format!("xmlrpc_bench_{}.lua", std::process::id()));
    let body_file = dir.join(format!("xmlrpc_bench_{}.xml", std::process::id()));
    std::fs::write(&script, WRK_SCRIPT).unwrap();
    std::fs::write(&body_file, body).unwrap();
    let output = std::process::Command::new("taskset")
        .args(["-c", "1", "wrk", "-t1", "--latency"])
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", secs.ceil().max(1.0)))
        .arg("-s")
        .arg(&script)
        .arg(format!("http://{addr}/RPC2"))
        .env("BENCH_BODY", &body_file)
        .output()
        .expect("wrk runs");
    let _ = std::fs::remove_file(&script);
    let _ = std::fs::remove_file(&body_file);
    parse_wrk(&String::from_utf8_lossy(&output.stdout))
}

/// Reads requests, duration, the 50th and 99th percentiles and the errors off wrk's report.
fn parse_wrk(report: &str) -> Result {
    let duration = |text: &str| {
        let text = text.trim();
        let split = text
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(text.len());
        let number: f64 = text[..split].parse().unwrap_or(0.0);
        let scale = match &text[split..] {
            "us" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            _ => 0.0,
        };
        Duration::from_secs_f64(number * scale)
    };
    let mut result = Result {
        requests: 0,
        errors: 0,
        seconds: 1.0,
        p50: Duration::ZERO,
        p99: Duration::ZERO,
    };
    for line in report.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", d] => result.p50 = duration(d),
            ["99%", d] => result.p99 = duration(d),
            [n, "requests", "in", d, ..] => {
                result.requests = n.parse().unwrap_or(0);
                result.seconds = duration(d.trim_end_matches(',')).as_secs_f64().max(1e-9);
            }
            ["Non-2xx", "or", "3xx", "responses:", n] => {
                result.errors += n.parse::<u64>().unwrap_or(0)
            }
            ["Socket", "errors:", rest @ ..] => {
                result.errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>()
            }
            _ => {}
        }
    }
    result
}

/// With wrk on CPU 1, the whole benchmark (servers and peers, which inherit it) moves to
/// CPU 0 by running itself again under `taskset`; returns whether it did so.
fn rerun_pinned() -> bool {
    if std::env::var_os("BENCH_PINNED").is_some() {
        return false;
    }
    let exe = std::env::current_exe().unwrap();
    let status = std::process::Command::new("taskset")
        .args(["-c", "0"])
        .arg(exe)
        .args(std::env::args_os().skip(1))
        .env("BENCH_PINNED", "1")
        .status();
    match status {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(_) => false,
    }
}

fn post(body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: bench\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

const PYTHON_SERVER: &str = r#"
import sys
from xmlrpc_extended import ThreadPoolXMLRPCServer
s = ThreadPoolXMLRPCServer(("127.0.0.1", 0), max_workers=16, max_pending=64,
                           logRequests=False, allow_none=True)
s.register_function(lambda a, b: a + b, "add")
s.register_function(lambda r: r, "echo")
s.register_function(lambda r: r, "echo_ints")
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

fn start_python() -> Option<(std::process::Child, SocketAddr)> {
    use std::io::BufRead;
    if std::env::var("BENCH_PYTHON").is_ok_and(|v| v == "0") {
        return None;
    }
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(PYTHON_SERVER)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    match line.trim().parse::<u16>() {
        Ok(port) => Some((child, SocketAddr::from(([127, 0, 0, 1], port)))),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

/// Compiles and starts `benches/abyss_peer.c` (xmlrpc-c's Abyss server) when `cc` and
/// `xmlrpc-c-config` are available.
fn start_abyss() -> Option<(std::process::Child, SocketAddr)> {
    if std::env::var("BENCH_XMLRPC_C").is_ok_and(|v| v == "0") {
        return None;
    }
    let flags = std::process::Command::new("xmlrpc-c-config")
        .args(["abyss-server", "--cflags", "--libs"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let flags = String::from_utf8(flags.stdout).ok()?;
    let binary = std::env::temp_dir().join(format!("abyss_peer_{}", std::process::id()));
    let built = std::process::Command::new("cc")
        .arg("-O2")
        .arg("-o")
        .arg(&binary)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/abyss_peer.c"))
        .args(flags.split_whitespace())
        .status()
        .ok()?;
    if !built.success() {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .ok()?
        .port();
    // Abyss reports every connection a client closes.
    let mut child = std::process::Command::new(&binary)
        .arg(port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            let _ = std::fs::remove_file(&binary);
            return Some((child, addr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&binary);
    None
}

/// `BENCH_SERVE=<workload>`: serves ours and bare hyper (for that workload) for `secs`, to
/// drive and profile them from outside.
fn serve_for_profiling(
    rt: &tokio::runtime::Runtime,
    loads: &[Workload],
    only: &str,
    ours: SocketAddr,
    secs: f64,
) {
    let load = loads
        .iter()
        .find(|l| l.name.starts_with(only))
        .expect("BENCH_SERVE names a workload");
    let bare = rt.block_on(bare_hyper(Bytes::from(load.response_body.clone())));
    let body = std::env::temp_dir().join("xmlrpc_bench_request.xml");
    std::fs::write(&body, &load.request_body).unwrap();
    println!(
        "ours http://{ours}/RPC2, bare hyper http://{bare}/RPC2, request body in {} ({secs} s)",
        body.display()
    );
    std::thread::sleep(Duration::from_secs_f64(secs));
}

fn main() {
    let secs: f64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    // Once pinned, this process sees one CPU; wrk has the other.
    let two_cpus = std::env::var_os("BENCH_PINNED").is_some()
        || std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    let use_wrk = wrk_available() && two_cpus;
    if use_wrk {
        rerun_pinned();
        println!("(load from wrk on CPU 1; every server on CPU 0)");
    } else {
        println!("(load from the in-process generator, sharing the CPUs with the servers)");
    }
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
        .max(1);
    let server_threads = std::env::var("BENCH_SERVER_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if use_wrk { 1 } else { 2 });
    // Server and load generator run on separate runtimes, as separate processes would.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(server_threads)
        .enable_all()
        .build()
        .unwrap();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let server = Server::builder()
        .max_workers(256)
        .max_pending(256)
        .method(
            "add",
            |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) },
        )
        .method("echo", |(r,): (Record,)| async move { Ok::<_, Fault>(r) })
        .method(
            "echo_ints",
            |(v,): (Vec<i32>,)| async move { Ok::<_, Fault>(v) },
        )
        .gzip_threshold(None)
        .build()
        .unwrap();
    // The same server with per-method metrics on, measured beside it on `add`.
    let metered = server_rt.block_on(async {
        let server = bench_methods(Server::builder().metrics(true))
            .build()
            .unwrap();
        server.bind("127.0.0.1:0").await.unwrap()
    });
    let mut results_csv = results_file();
    let loads = workloads(&server, &server_rt);
    let ours = server_rt.block_on(async { server.bind("127.0.0.1:0").await.unwrap() });
    let ours_addr = ours.local_addr().unwrap();
    if let Ok(only) = std::env::var("BENCH_SERVE") {
        serve_for_profiling(&server_rt, &loads, &only, ours_addr, secs);
        return;
    }
    let python = start_python();
    if python.is_none() {
        println!("(python xmlrpc_extended peer not available: `pip install xmlrpc_extended`)");
    }
    let abyss = start_abyss();
    if abyss.is_none() {
        println!("(xmlrpc-c Abyss peer not available: needs cc and libxmlrpc-core-c3-dev)");
    }

    // The share of one request spent in decoding, dispatch and encoding, without HTTP.
    for load in &loads {
        let rounds = (2_000_000 / load.request_body.len()).clamp(20, 20_000);
        let started = Instant::now();
        for _ in 0..rounds {
            server_rt.block_on(server.handle_document(&load.request_body));
        }
        println!(
            "# {}: answer without HTTP {:.1}us",
            load.name,
            started.elapsed().as_secs_f64() * 1e6 / rounds as f64
        );
    }
    println!(
        "{:<14} {:>5} {:<18} {:>10} {:>9} {:>9} {:>7}",
        "workload", "conns", "server", "req/s", "p50", "p99", "errors"
    );
    for load in &loads {
        println!(
            "# {}: request {} B, response {} B",
            load.name,
            load.request_body.len(),
            load.response_body.len()
        );
        if std::env::var("BENCH_ONLY").is_ok_and(|only| !load.name.starts_with(&only)) {
            continue;
        }
        let bare_addr = server_rt.block_on(bare_hyper(Bytes::from(load.response_body.clone())));
        // hyper answering with the codec and dispatch alone (no request rules, pool, stats):
        // separates the cost of the codec from the cost of the server layer.
        let codec_addr = server_rt.block_on(hyper_with({
            let server = server.clone();
            move |body| {
                let answer = futures_util::FutureExt::now_or_never(server.handle_document(&body));
                Bytes::from(answer.expect("handlers of the benchmark never wait"))
            }
        }));
        let conns: &[usize] = if load.name.starts_with("10k") {
            &[16]
        } else {
            &[16, 64]
        };
        for &n in conns {
            let request = post(&load.request_body);
            let mut targets = vec![("bare hyper", bare_addr), ("xmlrpc-server", ours_addr)];
            if load.name.starts_with("add") {
                targets.push(("ours + metrics", metered.local_addr().unwrap()));
            }
            if std::env::var("BENCH_CODEC_CEILING").is_ok() {
                targets.push(("hyper + codec", codec_addr));
            }
            if let Some((_, addr)) = &python {
                targets.push(("py xmlrpc_extended", *addr));
            }
            if let Some((_, addr)) = &abyss {
                targets.push(("xmlrpc-c abyss", *addr));
            }
            let mut ceiling = None;
            let mut ours = None;
            // The targets take turns, round after round, so that a slow spell of the
            // machine hits them alike; each reports its median round.
            let mut runs: Vec<Vec<Result>> = targets.iter().map(|_| Vec::new()).collect();
            for _ in 0..rounds {
                for ((_, addr), runs) in targets.iter().zip(&mut runs) {
                    runs.push(if use_wrk {
                        drive_wrk(*addr, &load.request_body, n, secs)
                    } else {
                        client_rt.block_on(drive(*addr, request.clone(), n, secs))
                    });
                }
            }
            for ((name, _), mut runs) in targets.into_iter().zip(runs) {
                runs.sort_by(|a, b| a.rate().total_cmp(&b.rate()));
                let r = runs.swap_remove(runs.len() / 2);
                let rate = r.rate();
                let share = match ceiling {
                    None => {
                        ceiling = Some(rate);
                        String::new()
                    }
                    Some(c) => {
                        let mut note = format!("  ({:.0}% of bare hyper", 100.0 * rate / c);
                        match ours {
                            None => ours = Some(rate),
                            Some(o) => note.push_str(&format!("; ours is {:.1}x", o / rate)),
                        }
                        note + ")"
                    }
                };
                println!(
                    "{:<14} {:>5} {:<18} {:>10.0} {:>7.0}us {:>7.0}us {:>7}{share}",
                    load.name,
                    n,
                    name,
                    rate,
                    r.p50.as_secs_f64() * 1e6,
                    r.p99.as_secs_f64() * 1e6,
                    r.errors
                );
                write_result(&mut results_csv, load.name, n, name, &r);
            }
        }
    }
    capacity_workloads(&server_rt, &client_rt, use_wrk, secs);
    for (mut child, _) in python.into_iter().chain(abyss) {
        let _ = child.kill();
        let _ = child.wait();
    }
    server_rt.block_on(ours.shutdown_within(Duration::from_secs(1)));
    server_rt.block_on(metered.shutdown_within(Duration::from_secs(1)));
}

/// The benchmark's methods (the same as the main server's) on `builder`.
fn bench_methods(builder: xmlrpc_server::ServerBuilder) -> xmlrpc_server::ServerBuilder {
    builder
        .max_workers(256)
        .max_pending(256)
        .method(
            "add",
            |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) },
        )
        .method("echo", |(r,): (Record,)| async move { Ok::<_, Fault>(r) })
        .method(
            "echo_ints",
            |(v,): (Vec<i32>,)| async move { Ok::<_, Fault>(v) },
        )
        .gzip_threshold(None)
}

/// The CSV file `BENCH_RESULTS` names, with its header written; `None` without it.
fn results_file() -> Option<std::fs::File> {
    use std::io::Write;
    let path = std::env::var_os("BENCH_RESULTS")?;
    let mut file = std::fs::File::create(&path).expect("BENCH_RESULTS is writable");
    writeln!(
        file,
        "workload,connections,server,requests_per_second,p50_us,p99_us,errors"
    )
    .unwrap();
    Some(file)
}

/// One reported row as CSV (names quoted: `add(2,3)` holds a comma; none holds a quote).
fn write_result(
    file: &mut Option<std::fs::File>,
    workload: &str,
    conns: usize,
    server: &str,
    r: &Result,
) {
    use std::io::Write;
    if let Some(file) = file {
        writeln!(
            file,
            "\"{workload}\",{conns},\"{server}\",{:.0},{:.0},{:.0},{}",
            r.rate(),
            r.p50.as_secs_f64() * 1e6,
            r.p99.as_secs_f64() * 1e6,
            r.errors
        )
        .unwrap();
    }
}
