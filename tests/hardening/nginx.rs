//! The documented deployment (`examples/deploy/nginx.conf`) with nginx started on loopback
//! in front of two servers: calls are spread over both, nginx routes around a server that
//! answers 503 under overload, and a server shut down mid-run loses no admitted call.
//! Also: two servers sharing one port with SO_REUSEPORT.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use tokio::net::TcpStream;
use xmlrpc_server::{Overload, RunningServer, Server};

use crate::common::{
    call, eventually, exchange, local, local_server, post, ChildServer, Reply, NO_HANG,
};

/// The nginx binary, or `None` after a loud SKIP (a failure under `CI=true`).
fn nginx_binary() -> Option<PathBuf> {
    let found = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nginx is missing under CI=true: run .ci/install-peers"
        );
        eprintln!("SKIP: nginx is not installed (Debian: nginx-light); deployment test not run");
    }
    found
}

/// nginx running the deployment configuration with its ports rewritten, in a temp prefix.
struct Nginx {
    child: Child,
    prefix: PathBuf,
    port: u16,
}

impl Nginx {
    fn start(binary: &Path, upstreams: [u16; 2]) -> Nginx {
        let template = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/deploy/nginx.conf"
        ))
        .expect("examples/deploy/nginx.conf");
        let port = free_port();
        let config = template
            .replace("127.0.0.1:8001", &format!("127.0.0.1:{}", upstreams[0]))
            .replace("127.0.0.1:8002", &format!("127.0.0.1:{}", upstreams[1]))
            .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
            .replace("worker_processes auto;", "worker_processes 1;");
        let prefix =
            std::env::temp_dir().join(format!("xmlrpc-nginx-{}-{port}", std::process::id()));
        for dir in ["logs", "tmp"] {
            std::fs::create_dir_all(prefix.join(dir)).unwrap();
        }
        // Workers may run as another user when the test runs as root.
        allow_everyone(&prefix);
        std::fs::write(prefix.join("nginx.conf"), config).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(prefix.join("nginx.conf"))
            // One foreground process, so that ending the child ends nginx entirely.
            .args(["-g", "daemon off; master_process off;"])
            .stdin(Stdio::null())
            .spawn()
            .expect("start nginx");
        Nginx {
            child,
            prefix,
            port,
        }
    }

    fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.prefix.join("logs/error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.prefix);
    }
}

fn allow_everyone(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in [dir.to_path_buf(), dir.join("logs"), dir.join("tmp")] {
        let _ = std::fs::set_permissions(entry, std::fs::Permissions::from_mode(0o777));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Workers of each upstream.
const WORKERS: usize = 4;

/// One upstream: a few workers, no queue, 503 at once when busy.
async fn upstream() -> RunningServer {
    local(
        Server::builder()
            .max_workers(WORKERS)
            .max_pending(0)
            .overload(Overload::http503()),
    )
    .await
}

async fn sleep_call(addr: SocketAddr, ms: u32) -> Option<Reply> {
    let body = call(
        "interop.sleep",
        &format!("<param><value><int>{ms}</int></value></param>"),
    );
    exchange(addr, &post(&body, "")).await
}

fn is_result(reply: &Option<Reply>, ms: u32) -> bool {
    reply
        .as_ref()
        .is_some_and(|r| r.status == 200 && r.text().contains(&format!("<int>{ms}</int>")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_spreads_routes_around_503_and_survives_a_graceful_stop() {
    let Some(binary) = nginx_binary() else {
        return;
    };
    let (a, b) = (upstream().await, upstream().await);
    let ports = [
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    ];
    let nginx = Nginx::start(&binary, ports);
    let front = nginx.addr();
    let up = eventually(|| std::net::TcpStream::connect(front).is_ok()).await;
    assert!(up, "nginx listens within 10 s: {}", nginx.error_log());

    // Sequential calls are spread over both servers.
    for _ in 0..20 {
        assert!(
            is_result(&sleep_call(front, 0).await, 0),
            "{}",
            nginx.error_log()
        );
    }
    let (sa, sb) = (a.stats(), b.stats());
    assert!(sa.completed > 0 && sb.completed > 0, "{sa:?} {sb:?}");

    // A is busy with long calls made directly to it: calls nginx sends there get 503
    // and are retried on B, so every caller gets its result.
    let a_addr = a.local_addr().unwrap();
    let busy: Vec<_> = (0..WORKERS)
        .map(|_| tokio::spawn(sleep_call(a_addr, 1500)))
        .collect();
    let handle_a = a.handle();
    assert!(eventually(|| handle_a.stats().active == WORKERS).await);
    for _ in 0..10 {
        let reply = sleep_call(front, 0).await;
        assert!(is_result(&reply, 0), "{}", nginx.error_log());
    }
    for call in busy {
        assert!(is_result(&call.await.unwrap(), 1500));
    }
    let rejected = a.stats().rejected_503;
    assert!(rejected > 0, "nginx tried the busy server");
    eprintln!("nginx routed {rejected} calls around the busy server");

    // Four callers keep calling through nginx while A shuts down gracefully mid-run.
    let served_before = handle_a.stats().completed;
    let mut callers = Vec::new();
    for _ in 0..4 {
        callers.push(tokio::spawn(async move {
            let mut answered = 0;
            for _ in 0..15 {
                let reply = sleep_call(front, 50).await;
                assert!(is_result(&reply, 50), "a call was lost: {reply:?}");
                answered += 1;
            }
            answered
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = tokio::time::timeout(NO_HANG, a.shutdown_within(NO_HANG)).await;
    assert!(stopped.is_ok(), "A stopped within its deadline");
    let mut answered = 0;
    for caller in callers {
        answered += caller.await.expect("no caller lost a call");
    }
    assert_eq!(answered, 60);
    assert!(
        handle_a.stats().completed > served_before,
        "A was serving when it stopped"
    );
    assert!(is_result(&sleep_call(front, 0).await, 0));
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_one_port_with_reuseport() {
    let first = local_server(Server::builder())
        .bind_reuseport("127.0.0.1:0")
        .await
        .unwrap();
    let addr = first.local_addr().unwrap();
    let second = local_server(Server::builder())
        .bind_reuseport(addr)
        .await
        .unwrap();
    for _ in 0..64 {
        assert!(is_result(&sleep_call(addr, 0).await, 0));
    }
    let (one, two) = (first.stats().completed, second.stats().completed);
    assert_eq!(one + two, 64);
    assert!(
        one > 0 && two > 0,
        "the kernel spread connections: {one} / {two}"
    );
    // Stopping one leaves the port served by the other.
    first.shutdown().await;
    for _ in 0..8 {
        let reply = tokio::time::timeout(NO_HANG, async {
            loop {
                if TcpStream::connect(addr).await.is_ok() {
                    return sleep_call(addr, 0).await;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("served within 10 s");
        assert!(is_result(&reply, 0));
    }
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_port_and_one_stops_gracefully() {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let options = ["--listen", listen.as_str(), "--max-workers", "4"];
    let (first, second) = (
        ChildServer::spawn_with(&options, true),
        ChildServer::spawn_with(&options, true),
    );
    let addr = first.addr;
    assert_eq!(second.addr, addr);
    let mut sent = 0;
    for _ in 0..64 {
        assert!(is_result(&sleep_call(addr, 0).await, 0));
        sent += 1;
    }
    // One process stops gracefully while calls keep coming: every admitted call is
    // answered and the other process takes the rest. A connection still in the stopping
    // process's accept queue when its listener closes is reset by the kernel before any
    // admission (the call never ran), so a caller may retry it once.
    let caller = tokio::spawn(async move {
        let (mut answered, mut retried) = (0, 0);
        for _ in 0..40 {
            let mut reply = sleep_call(addr, 20).await;
            if reply.is_none() {
                retried += 1;
                reply = sleep_call(addr, 20).await;
            }
            assert!(is_result(&reply, 20), "a call was lost: {reply:?}");
            answered += 1;
        }
        (answered, retried)
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let one = tokio::task::spawn_blocking(move || first.finish())
        .await
        .unwrap();
    let (answered, retried) = caller.await.expect("no call lost");
    sent += answered;
    let two = second.finish();
    eprintln!(
        "SO_REUSEPORT processes served {} and {} calls ({retried} reset before admission)",
        one.completed, two.completed
    );
    assert!(one.completed > 0 && two.completed > 0, "{one:?} {two:?}");
    assert_eq!(one.completed + two.completed, sent as u64);
}
