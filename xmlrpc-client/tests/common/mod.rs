//! Shared helpers of the integration tests: Python peers and canned raw servers.
#![allow(dead_code)] // each test binary uses its own subset

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    task::JoinHandle,
};

/// A Python peer process, killed when dropped.
pub struct Peer {
    child: Child,
    /// The port (TCP) or socket path (Unix) it printed.
    pub at: String,
    _dir: Option<TempDir>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("xmlrpc-client-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// Whether `python3` runs; without it a test prints a loud SKIP and returns, except under
/// `CI=true`, where a missing peer fails the test.
pub fn python_available(test: &str) -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{test}: python3 is required under CI=true but is missing");
        }
        // Written to stderr directly: the test harness captures `eprintln!` of passing tests.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("\n!!!!! SKIP {test}: python3 not found, test not run !!!!!\n").as_bytes(),
        );
    }
    ok
}

/// Starts `tests/peers/<script>` with `args` and waits (at most 20 s) for its READY line.
/// `unix_socket` puts a socket path (in a fresh temp dir) after `--unix`.
pub fn start_peer(script: &str, args: &[&str], unix_socket: bool) -> Peer {
    let dir = unix_socket.then(|| TempDir::new("peer"));
    let mut command = Command::new("python3");
    command.arg(peers_dir().join(script)).args(args);
    if let Some(dir) = &dir {
        command.arg("--unix").arg(dir.0.join("rpc.sock"));
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn python3");
    let stdout = child.stdout.take().expect("peer stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("peer {script} did not report READY within 20 s");
        }
    };
    let at = match line.trim().strip_prefix("READY ") {
        Some(at) => at.to_string(),
        None => {
            let _ = child.kill();
            panic!("peer {script} said {line:?} instead of READY");
        }
    };
    Peer {
        child,
        at,
        _dir: dir,
    }
}

/// A TCP server on a free loopback port answering every connection with `response` (raw
/// HTTP bytes) after reading the request head and its Content-Length body, then closing.
pub async fn canned_server(response: Vec<u8>) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let task = tokio::spawn(async move {
        // Bounded: a test makes a handful of calls at most.
        for _ in 0..64 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            tokio::spawn(async move {
                if read_request(&mut stream).await.is_some() {
                    let _ = stream.write_all(&response).await;
                    let _ = stream.shutdown().await;
                }
            });
        }
    });
    (addr, task)
}

/// Reads one HTTP request (head and Content-Length body); returns the head as text.
pub async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(head)
}

/// An HTTP/1.1 response with the given status line, extra headers and body.
pub fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A successful `methodResponse` carrying `value_xml`.
pub fn ok_body(value_xml: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\"?><methodResponse><params><param><value>{value_xml}</value>\
         </param></params></methodResponse>"
    )
    .into_bytes()
}
