//! The metrics endpoint: off by default, valid for Prometheus' own checker after a mixed
//! load, and its counters equal to what the clients saw.

mod common;

use std::{collections::BTreeMap, net::SocketAddr, process::Stdio, time::Duration};

use common::{call_body, post, raw, WAIT};
use tokio::io::AsyncWriteExt;
use xmlrpc_core::{Fault, Value};
use xmlrpc_server::{BasicAuth, Overload, Server};

fn get(path: &str, extra: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n").into_bytes()
}

async fn scrape(addr: SocketAddr, path: &str) -> String {
    let reply = raw(addr, &get(path, "")).await.unwrap();
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    String::from_utf8(reply.body).unwrap()
}

/// Every sample line as `series -> value`.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').unwrap();
            (series.to_string(), value.parse().unwrap())
        })
        .collect()
}

fn value(samples: &BTreeMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(series)
        .unwrap_or_else(|| panic!("no series {series} in {samples:#?}"))
}

/// `promtool check metrics` on `text`: present here, or the check skips loudly (and fails
/// in CI).
async fn promtool_check(text: &str) {
    let present = std::process::Command::new("promtool")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("promtool is missing in CI: run `bash .ci/install-peers`");
        }
        eprintln!("\n*** SKIPPED: promtool is not installed (bash .ci/install-peers) ***\n");
        return;
    }
    let mut child = tokio::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(text.as_bytes()).await.unwrap();
    drop(stdin);
    let output = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("promtool finishes")
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Any finding (an error or a lint) fails the check.
    assert!(
        output.status.success() && said.trim().is_empty(),
        "promtool check metrics: {}\n{said}\n{text}",
        output.status
    );
    eprintln!("promtool check metrics: clean ({} bytes)", text.len());
}

#[tokio::test]
async fn off_by_default() {
    let (running, addr) = common::start(Server::builder()).await;
    let reply = raw(addr, &get("/metrics", "")).await.unwrap();
    assert_eq!(reply.status, 405);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_add_up_to_what_clients_saw_and_promtool_accepts_them() {
    let builder = Server::builder()
        .metrics(true)
        .max_workers(1)
        .max_pending(0)
        .overload(Overload::fault());
    let server = common::methods(builder).build().unwrap();
    let running = server.clone().bind("127.0.0.1:0").await.unwrap();
    let addr = running.local_addr().unwrap();
    let mut connections = 0u64;
    let mut results: BTreeMap<&str, u64> = BTreeMap::new();
    let mut faults: BTreeMap<i32, u64> = BTreeMap::new();
    let mut record = |method: &'static str, answer: Result<Value, Fault>| match answer {
        Ok(_) => *results.entry(method).or_default() += 1,
        Err(fault) => *faults.entry(fault.code).or_default() += 1,
    };

    for i in 0..25 {
        record("add", common::call(addr, "add", &(i, 1)).await);
        connections += 1;
    }
    for _ in 0..6 {
        record("fail", common::call(addr, "fail", &(42, "no")).await);
        connections += 1;
    }
    for _ in 0..3 {
        record("(other)", common::call(addr, "no.such.method", &()).await);
        connections += 1;
    }
    record("panic", common::call(addr, "panic", &()).await);
    connections += 1;
    for body in [&b"<methodCall><methodName>add"[..], b"not xml at all"] {
        let reply = raw(addr, &post(body, "")).await.unwrap();
        record("-", reply.value());
        connections += 1;
    }

    // Overload: one slow call holds the only worker, so these calls meet the Fault policy.
    let slow = tokio::spawn(common::call(addr, "sleep", &(1500u64,)));
    connections += 1;
    let waited = std::time::Instant::now();
    while server.stats().active == 0 {
        assert!(waited.elapsed() < WAIT, "the slow call never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for _ in 0..4 {
        record("add", common::call(addr, "add", &(1, 1)).await);
        connections += 1;
    }
    record("sleep", slow.await.unwrap());

    assert_eq!(faults.get(&Fault::SYSTEM_ERROR), Some(&4), "{faults:?}");
    let text = scrape(addr, "/metrics").await;
    connections += 1;
    promtool_check(&text).await;
    let s = samples(&text);

    // Per method and outcome: results as the clients received them; faults per method are
    // the decoded calls that failed (the overload faults never reached a method).
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_calls_total{method="add",outcome="result"}"#
        ),
        results["add"] as f64
    );
    assert_eq!(results["add"], 25);
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_calls_total{method="add",outcome="fault"}"#
        ),
        0.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_calls_total{method="fail",outcome="fault"}"#
        ),
        6.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_calls_total{method="panic",outcome="fault"}"#
        ),
        1.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_calls_total{method="sleep",outcome="result"}"#
        ),
        1.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_calls_total{method="(other)",outcome="fault"}"#
        ),
        3.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_calls_total{method="echo",outcome="result"}"#
        ),
        0.0
    );

    // Faults by code: exactly the codes and counts the clients saw.
    let by_code: BTreeMap<i32, u64> = s
        .iter()
        .filter_map(|(series, v)| {
            let code = series.strip_prefix("xmlrpc_faults_total{code=\"")?;
            Some((code.trim_end_matches("\"}").parse().unwrap(), *v as u64))
        })
        .collect();
    assert_eq!(by_code, faults);

    // The histogram counts every decoded call, and the slow call sits above 1 s.
    assert_eq!(
        value(&s, r#"xmlrpc_method_duration_seconds_count{method="add"}"#),
        25.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_duration_seconds_bucket{method="add",le="+Inf"}"#
        ),
        25.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_duration_seconds_bucket{method="sleep",le="1"}"#
        ),
        0.0
    );
    assert_eq!(
        value(
            &s,
            r#"xmlrpc_method_duration_seconds_bucket{method="sleep",le="2.5"}"#
        ),
        1.0
    );
    assert!(value(&s, r#"xmlrpc_method_duration_seconds_sum{method="sleep"}"#) >= 1.5);

    // The stats counters and gauges.
    let total_results: u64 = results.values().sum();
    let total_faults: u64 = faults.values().sum();
    assert_eq!(
        value(&s, "xmlrpc_calls_completed_total"),
        total_results as f64
    );
    assert_eq!(
        value(&s, "xmlrpc_calls_errored_total"),
        (total_faults - 4) as f64
    );
    assert_eq!(
        value(&s, r#"xmlrpc_requests_rejected_total{policy="fault"}"#),
        4.0
    );
    assert_eq!(
        value(&s, r#"xmlrpc_requests_rejected_total{policy="http503"}"#),
        0.0
    );
    assert_eq!(value(&s, "xmlrpc_requests_active"), 0.0);
    assert_eq!(
        value(&s, "xmlrpc_connections_accepted_total"),
        connections as f64
    );
    assert!(
        value(&s, "xmlrpc_connections_open") >= 1.0,
        "the scrape's own"
    );

    // The embedders' function renders the same series.
    let rendered = samples(&server.render_metrics());
    assert_eq!(
        value(
            &rendered,
            r#"xmlrpc_method_calls_total{method="add",outcome="result"}"#
        ),
        25.0
    );
    running.shutdown().await;
}

#[tokio::test]
async fn path_is_configurable_and_authentication_guards_it() {
    let builder = Server::builder()
        .metrics(true)
        .metrics_path("/internal/metrics")
        .basic_auth(BasicAuth::credentials("ops", [("prom", "pw")]).paths(["/internal/metrics"]));
    let (running, addr) = common::start(builder).await;
    assert_eq!(raw(addr, &get("/metrics", "")).await.unwrap().status, 405);
    assert_eq!(
        raw(addr, &get("/internal/metrics", ""))
            .await
            .unwrap()
            .status,
        401
    );
    // prom:pw
    let reply = raw(
        addr,
        &get("/internal/metrics", "Authorization: Basic cHJvbTpwdw==\r\n"),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200);
    // Calls on the RPC path are not covered by that policy.
    let reply = raw(addr, &post(&call_body("add", &(1, 2)), ""))
        .await
        .unwrap();
    assert_eq!(reply.value(), Ok(Value::Int(3)));
    running.shutdown().await;
}

#[tokio::test]
async fn without_metrics_the_function_still_renders_the_stats() {
    let server = common::methods(Server::builder()).build().unwrap();
    let text = server.render_metrics();
    assert!(text.contains("xmlrpc_calls_completed_total 0"));
    assert!(!text.contains("xmlrpc_method_calls_total"));
    promtool_check(&text).await;
}
