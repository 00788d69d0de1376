//! The client's cost per call, generated stub against `Client::call`: once over a transport
//! that answers at once from memory (what is left is encoding the call, decoding the answer
//! and the client's own overhead), and once against our server on 127.0.0.1 (calls per
//! second of one sequential caller).
//!
//! Run: `cargo bench -p tests --bench client`. For an instruction count of one in-memory case,
//! `CLIENT_BENCH_PROFILE=order/stub valgrind --tool=callgrind <bench binary>` runs it 10,000
//! times and exits (cases: `add/stub`, `add/client_call`, `order/stub`, `order/client_call`).

use std::time::Duration;

use criterion::{criterion_group, Criterion, Throughput};
use serde::{Deserialize, Serialize};
use xmlrpc_client::{Client, Transport, TransportFuture};
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Server;

/// A record of the size a typical business call carries (~1 KB encoded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: i32,
    pub customer: String,
    pub lines: Vec<Line>,
    pub paid: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub item: String,
    pub quantity: i32,
    pub price: f64,
}

#[xmlrpc_service]
pub trait Bench {
    async fn add(&self, a: i32, b: i32) -> i32;
    async fn place(&self, order: Order, note: Option<String>) -> i32;
}

struct Impl;

impl Bench for Impl {
    async fn add(&self, a: i32, b: i32) -> i32 {
        a + b
    }
    async fn place(&self, order: Order, _note: Option<String>) -> i32 {
        order.lines.len() as i32
    }
}

fn order() -> Order {
    Order {
        id: 42,
        customer: "Ada Lovelace & Co <analytical>".into(),
        lines: (0..8)
            .map(|i| Line {
                item: format!("item number {i}"),
                quantity: i,
                price: 9.5 + f64::from(i),
            })
            .collect(),
        paid: true,
    }
}

/// Answers every call with `<int>5</int>` without touching a socket.
struct Memory;

impl Transport for Memory {
    fn send(&self, request: Vec<u8>) -> TransportFuture<'_> {
        std::hint::black_box(request);
        Box::pin(async {
            Ok(b"<methodResponse><params><param><value><int>8</int></value></param></params></methodResponse>".to_vec())
        })
    }
}

/// The cases, each a call of the generated stub or the same call through `Client::call`.
const CASES: [&str; 4] = [
    "add/stub",
    "add/client_call",
    "order/stub",
    "order/client_call",
];

/// One call of `case`; returns the answer.
fn run_case(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    stub: &BenchClient,
    order: &Order,
    case: &str,
) -> i32 {
    let answer = match case {
        "add/stub" => rt.block_on(stub.add(2, 3)),
        "add/client_call" => rt.block_on(client.call("add", (2, 3))),
        "order/stub" => rt.block_on(stub.place(order.clone(), None)),
        "order/client_call" => rt.block_on(client.call("place", (order.clone(),))),
        other => panic!("no case {other}"),
    };
    answer.expect("call")
}

fn bench_cases(c: &mut Criterion, group: &str, rt: &tokio::runtime::Runtime, client: &Client) {
    let stub = BenchClient::new(client.clone());
    let order = order();
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Elements(1));
    for case in CASES {
        group.bench_function(case, |b| {
            b.iter(|| run_case(rt, client, &stub, &order, case))
        });
    }
    group.finish();
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn in_memory(c: &mut Criterion) {
    let client = Client::with_transport(Memory).build().expect("client");
    bench_cases(c, "client_in_memory", &current_thread(), &client);
}

fn loopback(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (running, client) = rt.block_on(async {
        let server = Server::builder()
            .service(Impl.into_service())
            .build()
            .expect("server builds");
        let running = server.bind("127.0.0.1:0").await.expect("binds");
        let url = format!(
            "http://{}/RPC2",
            running.local_addr().expect("a TCP address")
        );
        (running, Client::new(&url).expect("client"))
    });
    // The server really answers what the benchmark measures.
    let stub = BenchClient::new(client.clone());
    for (case, expected) in CASES.iter().zip([5, 5, 8, 8]) {
        assert_eq!(
            run_case(&rt, &client, &stub, &order(), case),
            expected,
            "{case}"
        );
    }
    bench_cases(c, "client_loopback", &rt, &client);
    rt.block_on(running.shutdown());
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = in_memory, loopback
}
/// Runs one in-memory case 10,000 times, for a profiler.
fn profile(case: &str) {
    let rt = current_thread();
    let client = Client::with_transport(Memory).build().expect("client");
    let stub = BenchClient::new(client.clone());
    let order = order();
    for _ in 0..10_000 {
        std::hint::black_box(run_case(&rt, &client, &stub, &order, case));
    }
}

fn main() {
    if let Ok(case) = std::env::var("CLIENT_BENCH_PROFILE") {
        return profile(&case);
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
