//! Cost of the operations features: the method page of a 50-method service (size, render
//! time) and the metrics text (size, render time) after calls to every method, and the cost
//! per request of per-method metrics, through the full request path (HTTP rules, pool,
//! dispatch) of the tower form without a socket.
//!
//! Run: `cargo bench -p xmlrpc-server --bench ops`. For instruction counts, run one mode
//! under callgrind (`calls-off` or `calls-on`: N requests; `page`, `metrics-text`: N
//! renders; N from `OPS_CALLS`) and divide by N after subtracting a run with a smaller N:
//!
//! ```sh
//! OPS_CALLS=12000 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/deps/ops-<hash> calls-on
//! ```

use std::{
    convert::Infallible,
    time::{Duration, Instant},
};

use bytes::Bytes;
use http_body_util::Full;
use xmlrpc_core::{EncodeOptions, Fault};
use xmlrpc_server::{Method, Server, ServerBuilder};

/// A service of 50 documented methods, each with two signatures and a help text of the
/// length doc comments usually have.
fn fifty(builder: ServerBuilder) -> ServerBuilder {
    (0..50).fold(builder, |builder, i| {
        builder.register(
            Method::new(
                format!("inventory.method{i:02}"),
                |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) },
            )
            .help(format!(
                "Looks up item {i} and returns its count.\n\nThe first argument is the \
                 warehouse, the second the shelf; `0` means every shelf.\n\n- faults with \
                 code 4 when the item is unknown\n- faults with code 5 when the warehouse is closed"
            ))
            .signature(["int", "int", "int"])
            .signature(["int", "string", "int"]),
        )
    })
}

fn time<R>(label: &str, rounds: u32, mut f: impl FnMut() -> R) -> R {
    let started = Instant::now();
    let mut last = None;
    for _ in 0..rounds {
        last = Some(std::hint::black_box(f()));
    }
    let per = started.elapsed() / rounds;
    println!("{label}: {:.1} us", per.as_secs_f64() * 1e6);
    last.unwrap()
}

fn gzip_len(data: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap().len()
}

/// `n` calls of `add` through the tower form (every request rule, the pool, dispatch).
async fn calls(server: &Server, n: usize) {
    use tower::Service;
    let mut body = Vec::new();
    xmlrpc_core::write_call(
        "inventory.method07",
        &(2, 3),
        &EncodeOptions::default(),
        &mut body,
    )
    .unwrap();
    let body = Bytes::from(body);
    let mut service = server.tower_service();
    for _ in 0..n {
        let request = http::Request::post("/RPC2")
            .header("content-type", "text/xml")
            .header("content-length", body.len())
            .body(Full::new(body.clone()))
            .unwrap();
        let response: Result<_, Infallible> = service.call(request).await;
        assert_eq!(response.unwrap().status(), 200);
    }
}

fn main() {
    let mode = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .or_else(|| std::env::var("OPS_MODE").ok());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let off = fifty(Server::builder()).build().unwrap();
    let on = fifty(Server::builder().metrics(true)).build().unwrap();
    let n: usize = std::env::var("OPS_CALLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    match mode.as_deref() {
        Some("calls-off") => return runtime.block_on(calls(&off, n)),
        Some("calls-on") => return runtime.block_on(calls(&on, n)),
        // N renders of the page, or of the metrics after 1000 calls.
        Some("page") => {
            for _ in 0..n {
                std::hint::black_box(on.render_method_page());
            }
            return;
        }
        Some("metrics-text") => {
            runtime.block_on(calls(&on, 1000));
            for _ in 0..n {
                std::hint::black_box(on.render_metrics());
            }
            return;
        }
        _ => {}
    }

    let page = time("method page of 50 methods: render", 500, || {
        on.render_method_page()
    });
    println!(
        "method page of 50 methods: {} bytes, {} bytes gzipped",
        page.len(),
        gzip_len(page.as_bytes())
    );

    runtime.block_on(calls(&on, 1000));
    let text = time(
        "metrics text (50 methods, 1000 calls): render",
        2000,
        || on.render_metrics(),
    );
    println!(
        "metrics text: {} bytes, {} bytes gzipped",
        text.len(),
        gzip_len(text.as_bytes())
    );

    // Per request, metrics off and on, alternating rounds so a slow spell hits both.
    let rounds = 5;
    let mut per = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        for (slot, server) in [&off, &on].into_iter().enumerate() {
            let started = Instant::now();
            runtime.block_on(calls(server, n));
            per[slot].push(started.elapsed() / n as u32);
        }
    }
    for (slot, label) in ["off", "on"].into_iter().enumerate() {
        per[slot].sort();
        let median: Duration = per[slot][rounds / 2];
        println!(
            "one request through the tower form, metrics {label}: {:.2} us (median of {rounds})",
            median.as_secs_f64() * 1e6
        );
    }
}
