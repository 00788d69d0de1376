//! Raw HTTP over loopback, child server processes and their memory figures.

use std::{
    io::{BufRead, BufReader, Read},
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// The bound on any single exchange: a test that waits longer has found a hang.
pub const NO_HANG: Duration = Duration::from_secs(10);

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// An XML-RPC fault (HTTP 200 with a `<fault>`) or an HTTP client error.
    pub fn is_fault_or_4xx(&self) -> bool {
        (self.status == 200 && self.text().contains("<fault>")) || (400..500).contains(&self.status)
    }
}

/// Sends `request` on a fresh connection and reads until the server closes it (the
/// requests carry `Connection: close`). `None` when the server closed without answering,
/// or reset the connection before it was accepted.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> Option<Reply> {
    exchange_within(addr, request, NO_HANG).await
}

/// [`exchange`] with another bound, for documents that take long to parse on a loaded
/// machine in a debug build.
pub async fn exchange_within(addr: SocketAddr, request: &[u8], bound: Duration) -> Option<Reply> {
    let work = async {
        // A listener that closes with the connection in its accept queue resets it
        // (SO_REUSEPORT siblings stopping); nothing was sent, so that is "no answer".
        let Ok(mut stream) = TcpStream::connect(addr).await else {
            return Vec::new();
        };
        // The server may answer (413, 400) and close before the whole body is written.
        let _ = stream.write_all(request).await;
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        raw
    };
    let raw = tokio::time::timeout(bound, work)
        .await
        .unwrap_or_else(|_| panic!("the server answered or closed within {bound:?}"));
    parse(&raw)
}

/// Parses one HTTP/1.1 response (Content-Length framed or up to the end).
pub fn parse(raw: &[u8]) -> Option<Reply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let mut body = raw[end + 4..].to_vec();
    if let Some(length) = header(&head, "content-length").and_then(|v| v.parse().ok()) {
        body.truncate(length);
    }
    Some(Reply { status, head, body })
}

/// The value of a response header (case-insensitive name).
pub fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A POST of `body` to `/RPC2` with `Connection: close`, plus `extra` header lines.
pub fn post(body: &[u8], extra: &str) -> Vec<u8> {
    let mut request = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// A `methodCall` document with the given raw parameter XML.
pub fn call(name: &str, params: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>{name}</methodName>\
         <params>{params}</params></methodCall>"
    )
    .into_bytes()
}

/// Proves the server still answers a normal call: `interop.add(2, 3)` is 5.
pub async fn assert_served(addr: SocketAddr) {
    let body = call(
        "interop.add",
        "<param><value><int>2</int></value></param><param><value><int>3</int></value></param>",
    );
    let reply = exchange(addr, &post(&body, ""))
        .await
        .expect("the server answered a normal call");
    assert_eq!(reply.status, 200, "{reply:?}");
    let text = reply.text();
    assert!(
        text.contains("<int>5</int>") || text.contains("<i4>5</i4>"),
        "{text}"
    );
}

/// A server in a child process: this test binary started again with
/// `HARDENING_CHILD_SERVER` set, serving the interop methods on a free loopback port until
/// its standard input closes. Its memory is measured apart from the test harness.
pub struct ChildServer {
    child: Child,
    pub addr: SocketAddr,
    output: std::sync::mpsc::Receiver<String>,
}

/// The counters a child server prints when it stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildStats {
    pub completed: u64,
    pub errored: u64,
    pub rejected_close: u64,
    pub rejected_fault: u64,
    pub rejected_503: u64,
    pub http_errors: u64,
}

impl ChildServer {
    /// Starts the child with interop-server options (`--max-workers 4` ...).
    pub fn spawn(options: &[&str]) -> ChildServer {
        Self::spawn_with(options, false)
    }

    /// Starts the child; with `reuseport` it binds its `--listen` address with
    /// SO_REUSEPORT, so that several children can share one port.
    pub fn spawn_with(options: &[&str], reuseport: bool) -> ChildServer {
        Self::spawn_env(options, reuseport, &[])
    }

    /// Starts the child allowing `max_connections` open connections (interop-server has no
    /// option for it).
    pub fn spawn_with_max_connections(options: &[&str], max_connections: usize) -> ChildServer {
        let max = max_connections.to_string();
        Self::spawn_env(options, false, &[("HARDENING_CHILD_MAX_CONNECTIONS", &max)])
    }

    fn spawn_env(options: &[&str], reuseport: bool, env: &[(&str, &str)]) -> ChildServer {
        let mut command = Command::new(std::env::current_exe().expect("test binary path"));
        if reuseport {
            command.env("HARDENING_CHILD_REUSEPORT", "1");
        }
        command.envs(env.iter().copied());
        let mut child = command
            .args([
                "--exact",
                "common::child_server",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("HARDENING_CHILD_SERVER", options.join(" "))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the child server");
        let stdout = child.stdout.take().expect("child stdout");
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the child server announces its address")
                .expect("read the child's output");
            // libtest may print the test's name on the same line first.
            if let Some((_, addr)) = line.split_once("LISTENING ") {
                break addr.trim().parse().expect("a socket address");
            }
        };
        // Keep draining the child's output so it never blocks on a full pipe.
        let (tx, output) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        ChildServer {
            child,
            addr,
            output,
        }
    }

    /// Stops the child gracefully and returns the counters it printed.
    pub fn finish(mut self) -> ChildStats {
        drop(self.child.stdin.take());
        let deadline = std::time::Instant::now() + NO_HANG;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = self
                .output
                .recv_timeout(left)
                .expect("the child server printed its counters within 10 s");
            if let Some((_, rest)) = line.split_once("STATS ") {
                let n: Vec<u64> = rest
                    .split_whitespace()
                    .map(|v| v.parse().expect("a counter"))
                    .collect();
                return ChildStats {
                    completed: n[0],
                    errored: n[1],
                    rejected_close: n[2],
                    rejected_fault: n[3],
                    rejected_503: n[4],
                    http_errors: n[5],
                };
            }
        }
    }

    /// A field of `/proc/PID/status` in KiB (`VmHWM` peak, `VmRSS` current).
    pub fn memory_kib(&self, field: &str) -> u64 {
        let mut status = String::new();
        std::fs::File::open(format!("/proc/{}/status", self.child.id()))
            .and_then(|mut f| f.read_to_string(&mut status))
            .expect("read the child's /proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in /proc status"))
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        // Closing its standard input ends the child; kill it if it does not go.
        drop(self.child.stdin.take());
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child side of [`ChildServer`]: a no-op unless this process was started as one.
#[test]
fn child_server() {
    let Ok(options) = std::env::var("HARDENING_CHILD_SERVER") else {
        return;
    };
    let args = options.split_whitespace().map(String::from);
    let options = examples::options::ServerOptions::parse(args, "127.0.0.1:0")
        .expect("valid child server options");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = match std::env::var("HARDENING_CHILD_MAX_CONNECTIONS") {
            Ok(max) => {
                use examples::interop::{Interop, InteropImpl, Validator1};
                let max = max.parse().expect("a connection count");
                options
                    .apply(xmlrpc_server::Server::builder().max_connections(max))
                    .service(Validator1::into_service(InteropImpl))
                    .service(Interop::into_service(InteropImpl))
                    .build()
                    .expect("server")
            }
            Err(_) => examples::interop::server(&options).expect("server"),
        };
        let running = if std::env::var_os("HARDENING_CHILD_REUSEPORT").is_some() {
            server.bind_reuseport(&options.listen).await
        } else {
            server.bind(&options.listen).await
        }
        .expect("bind");
        println!("LISTENING {}", running.local_addr().expect("tcp address"));
        // Serve until the parent closes our standard input.
        tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        })
        .await
        .expect("stdin watcher");
        let handle = running.handle();
        running.shutdown_within(Duration::from_secs(5)).await;
        let s = handle.stats();
        println!(
            "STATS {} {} {} {} {} {}",
            s.completed,
            s.errored,
            s.rejected_close,
            s.rejected_fault,
            s.rejected_503,
            s.http_errors
        );
    });
}

/// Serves the interop methods in this process with `builder`'s settings on a free port.
pub async fn local(builder: xmlrpc_server::ServerBuilder) -> xmlrpc_server::RunningServer {
    local_server(builder)
        .bind("127.0.0.1:0")
        .await
        .expect("bind")
}

/// The interop methods on a server with `builder`'s settings, not yet bound.
pub fn local_server(builder: xmlrpc_server::ServerBuilder) -> xmlrpc_server::Server {
    use examples::interop::{Interop, InteropImpl};
    builder
        .service(Interop::into_service(InteropImpl))
        .build()
        .expect("server")
}

/// Reads exactly one Content-Length framed response from a kept-alive connection.
pub async fn read_one(stream: &mut TcpStream) -> Option<Reply> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).into_owned();
            let length: usize = header(&head, "content-length")?.parse().ok()?;
            if raw.len() >= end + 4 + length {
                return parse(&raw[..end + 4 + length]);
            }
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&buf[..n]);
    }
}

/// Waits (bounded) until `stream` is closed by the server: read returns 0 or an error.
/// Returns whether it was closed within [`NO_HANG`].
pub async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let drain = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(NO_HANG, drain).await.is_ok()
}

/// Polls `check` every 20 ms until it holds or [`NO_HANG`] passes; returns whether it held.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + NO_HANG;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

/// Raises this process's soft limit of open files to at least `needed` (up to the hard
/// limit), for tests that hold thousands of sockets; child servers inherit it. Panics when
/// the hard limit is too low, so such a test fails loudly instead of measuring nothing.
pub fn raise_fd_limit(needed: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        if limit.rlim_cur >= needed {
            return;
        }
        assert!(
            limit.rlim_max >= needed,
            "this test needs {needed} open files; the hard limit is {}",
            limit.rlim_max
        );
        limit.rlim_cur = needed;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
}

/// A keep-alive `interop.add(1, 1)` request (no `Connection: close`).
pub fn keep_alive_add() -> Vec<u8> {
    let body = call(
        "interop.add",
        "<param><value><int>1</int></value></param><param><value><int>1</int></value></param>",
    );
    let mut request = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    request
}
