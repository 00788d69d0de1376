//! The browsable method page: off by default (GET stays 405), served to browsers on the RPC
//! paths when on, escaped against injection, and checked in a real headless Chromium.

mod common;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use common::{gunzip, raw};
use xmlrpc_core::Fault;
use xmlrpc_server::{BasicAuth, Method, RunningServer, Server, ServerBuilder};

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const EVIL_HELP: &str =
    "Looks innocent.\n\n<script>document.title='pwned'</script> <img src=x onerror=alert(1)>";

/// A small service: namespaced names, several signatures, no signature, markdown help and
/// a help text that tries to inject a script.
fn documented(builder: ServerBuilder) -> ServerBuilder {
    builder
        .register(
            Method::new("calc.add", |(a, b): (i32, i32)| async move {
                Ok::<_, Fault>(a + b)
            })
            .help("Adds two integers.\n\nOverflow is a fault: `a + b` must fit in an `int`.")
            .returns("int"),
        )
        .register(
            Method::new("calc.scale", |(x, f): (f64, f64)| async move {
                Ok::<_, Fault>(x * f)
            })
            .help("Scales a number.\n\n- `x`: the number\n- `f`: the factor")
            .signature(["double", "double", "double"])
            .signature(["double", "int", "double"]),
        )
        .register(
            Method::new("text.upper", |(s,): (String,)| async move {
                Ok::<_, Fault>(s.to_uppercase())
            })
            .help("Upper-cases a string.")
            .returns("string"),
        )
        .register(
            Method::new("text.evil", |(): ()| async move { Ok::<_, Fault>(0) })
                .help(EVIL_HELP)
                .returns("int"),
        )
        .method("raw.any", |(v,): (xmlrpc_core::Value,)| async move {
            Ok::<_, Fault>(v)
        })
}

async fn start(builder: ServerBuilder) -> (RunningServer, SocketAddr) {
    let running = documented(builder)
        .build()
        .unwrap()
        .bind("127.0.0.1:0")
        .await
        .unwrap();
    let addr = running.local_addr().unwrap();
    (running, addr)
}

fn get(path: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n").into_bytes()
}

async fn page(addr: SocketAddr) -> String {
    let reply = raw(
        addr,
        &get("/RPC2", &format!("Accept: {BROWSER_ACCEPT}\r\n")),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    String::from_utf8(reply.body).unwrap()
}

#[tokio::test]
async fn off_by_default_get_stays_405() {
    let (running, addr) = start(Server::builder()).await;
    let reply = raw(
        addr,
        &get("/RPC2", &format!("Accept: {BROWSER_ACCEPT}\r\n")),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
    running.shutdown().await;
}

#[tokio::test]
async fn browsers_get_the_page_on_rpc_paths_and_other_clients_405() {
    let (running, addr) = start(
        Server::builder()
            .method_page(true)
            .page_title("Calculator & friends")
            .page_description("Arithmetic and text.\n\nCall with `POST /RPC2`."),
    )
    .await;
    let html = page(addr).await;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Calculator &amp; friends</title>"));
    assert!(html.contains("<p>Call with <code>POST /RPC2</code>.</p>"));
    for name in [
        "calc.add",
        "calc.scale",
        "text.upper",
        "text.evil",
        "raw.any",
        "system.listMethods",
    ] {
        assert!(
            html.contains(&format!("<a href=\"#m-{name}\">{name}</a>")),
            "{name}"
        );
        assert!(html.contains(&format!("id=\"m-{name}\"")), "{name}");
    }
    assert!(html.contains("calc.add(int, int) \u{2192} int"));
    assert!(html.contains("fn(i32, i32) -&gt; i32"));
    assert!(html.contains("calc.scale(int, double) \u{2192} double"));
    assert!(html.contains("<li><code>x</code>: the number</li>"));
    assert!(html.contains("Signature not declared"), "raw.any has none");
    // Nothing outside the page: no external reference of any kind.
    for external in ["src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "{external}");
    }

    // Gzip for clients that take it, same page.
    let reply = raw(
        addr,
        &get(
            "/RPC2",
            &format!("Accept: {BROWSER_ACCEPT}\r\nAccept-Encoding: gzip\r\n"),
        ),
    )
    .await
    .unwrap();
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(String::from_utf8(gunzip(&reply.body)).unwrap(), html);

    // A non-browser GET, or a GET on a path that serves no XML-RPC: the usual 405.
    for request in [
        get("/RPC2", "Accept: */*\r\n"),
        get("/RPC2", ""),
        get("/elsewhere", &format!("Accept: {BROWSER_ACCEPT}\r\n")),
    ] {
        let reply = raw(addr, &request).await.unwrap();
        assert_eq!(reply.status, 405, "{:?}", String::from_utf8_lossy(&request));
    }
    // Calls are untouched.
    let sum = common::call(addr, "calc.add", &(2, 3)).await.unwrap();
    assert_eq!(sum, xmlrpc_core::Value::Int(5));
    running.shutdown().await;
}

#[tokio::test]
async fn help_text_cannot_inject_markup() {
    let (running, addr) = start(Server::builder().method_page(true)).await;
    let html = page(addr).await;
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<img"));
    assert!(html.contains(
        "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
    ));
    let reply = raw(
        addr,
        &get("/RPC2", &format!("Accept: {BROWSER_ACCEPT}\r\n")),
    )
    .await
    .unwrap();
    let csp = reply.header("content-security-policy").unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    running.shutdown().await;
}

#[tokio::test]
async fn authentication_guards_the_page() {
    let (running, addr) = start(
        Server::builder()
            .method_page(true)
            .basic_auth(BasicAuth::credentials("ops", [("admin", "pw")]).methods(["calc.*"])),
    )
    .await;
    let reply = raw(
        addr,
        &get("/RPC2", &format!("Accept: {BROWSER_ACCEPT}\r\n")),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 401);
    // admin:pw
    let authorized = format!("Accept: {BROWSER_ACCEPT}\r\nAuthorization: Basic YWRtaW46cHc=\r\n");
    let reply = raw(addr, &get("/RPC2", &authorized)).await.unwrap();
    assert_eq!(reply.status, 200);
    running.shutdown().await;
}

/// Headless Chromium: present here, or the test skips loudly (and fails in CI).
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|name| {
        std::process::Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is missing in CI: run `bash .ci/install-peers`");
        }
        eprintln!("\n*** SKIPPED: chromium is not installed (bash .ci/install-peers) ***\n");
    }
    found.map(PathBuf::from)
}

/// Runs headless Chromium on `url` with a fresh profile; its stdout.
async fn browse(chromium: &Path, profile: &Path, args: &[String], url: &str) -> String {
    let mut command = tokio::process::Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("chromium finishes within a minute")
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The opening tags of the method sections in a DOM dump: (id, hidden).
fn sections(dom: &str) -> Vec<(String, bool)> {
    dom.match_indices("<section ")
        .map(|(at, _)| {
            let tag = &dom[at..at + dom[at..].find('>').unwrap()];
            let id = tag
                .split("id=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (id.to_string(), tag.contains(" hidden"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_works_in_a_real_browser() {
    let Some(chromium) = chromium() else { return };
    let (running, addr) = start(Server::builder().method_page(true)).await;
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("method-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("http://{addr}/RPC2");
    let methods = [
        "calc.add",
        "calc.scale",
        "text.upper",
        "text.evil",
        "raw.any",
        "system.listMethods",
        "system.methodHelp",
        "system.methodSignature",
        "system.multicall",
        "system.getCapabilities",
    ];

    // The whole page as the browser built it: every method, signature and help text, and
    // the injected markup still text (the title unchanged, one script element).
    let dom = browse(
        &chromium,
        &dir.join("profile-dom"),
        &["--dump-dom".into()],
        &url,
    )
    .await;
    assert!(dom.contains("<title>XML-RPC methods</title>"), "{dom}");
    assert_eq!(dom.matches("<script").count(), 1, "{dom}");
    assert!(!dom.contains("<img"), "{dom}");
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "{dom}"
    );
    let found = sections(&dom);
    assert_eq!(found.len(), methods.len(), "{dom}");
    for name in methods {
        let id = format!("m-{name}");
        assert!(
            found.iter().any(|(s, hidden)| *s == id && !hidden),
            "{name}: {dom}"
        );
        assert!(
            dom.contains(&format!("href=\"#{id}\"")),
            "{name} in the contents"
        );
    }
    for text in [
        "calc.add(int, int) \u{2192} int",
        "fn(i32, i32) -&gt; i32",
        "calc.scale(double, double) \u{2192} double",
        "calc.scale(int, double) \u{2192} double",
        "text.upper(string) \u{2192} string",
        "fn(String) -&gt; String",
        "Adds two integers.",
        "Overflow is a fault: <code>a + b</code> must fit",
        "Upper-cases a string.",
        "Returns the names of all methods this server answers.",
    ] {
        assert!(dom.contains(text), "missing {text:?} in\n{dom}");
    }

    // The filter box, driven from the address: only the `calc.` methods stay visible, in
    // the sections and in the contents.
    let filtered = browse(
        &chromium,
        &dir.join("profile-filter"),
        &["--dump-dom".into()],
        &format!("{url}#filter=CALC."),
    )
    .await;
    let visible: Vec<String> = sections(&filtered)
        .into_iter()
        .filter(|(_, hidden)| !hidden)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(visible, ["m-calc.add", "m-calc.scale"], "{filtered}");
    let toc_visible = filtered
        .match_indices("<li data-name=\"")
        .filter(|(at, _)| {
            !filtered[*at..*at + filtered[*at..].find('>').unwrap()].contains(" hidden")
        })
        .count();
    assert_eq!(toc_visible, 2, "{filtered}");

    // A phone-sized picture of the page.
    let png = dir.join("method-page.png");
    browse(
        &chromium,
        &dir.join("profile-shot"),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=412,915".into(),
            "--hide-scrollbars".into(),
        ],
        &url,
    )
    .await;
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert!(bytes.len() > 1000, "a screenshot of {} bytes", bytes.len());
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    println!(
        "method page screenshot: {} ({} bytes)",
        png.display(),
        bytes.len()
    );
    eprintln!(
        "method page screenshot: {} ({} bytes)",
        png.display(),
        bytes.len()
    );
    running.shutdown().await;
}
