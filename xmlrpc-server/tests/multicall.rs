//! `system.multicall` run in parallel: entries admitted against the same bounds as single
//! calls, results in request order, each fault isolated, and the sequential opt-out.

mod common;

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering::SeqCst},
        Arc, Mutex,
    },
    time::Duration,
};

use common::*;
use xmlrpc_core::{Fault, Map, Value};
use xmlrpc_server::{Server, ServerBuilder};

fn entry(name: &str, params: Vec<Value>) -> Value {
    let mut map = Map::new();
    map.insert("methodName".into(), Value::String(name.into()));
    map.insert("params".into(), Value::Array(params));
    Value::Struct(map)
}

fn results(value: Value) -> Vec<Value> {
    let Value::Array(results) = value else {
        panic!("multicall answers an array: {value:?}")
    };
    results
}

fn fault_code(value: &Value) -> i32 {
    let Value::Struct(map) = value else {
        panic!("not a fault struct: {value:?}")
    };
    match map["faultCode"] {
        Value::Int(code) => code,
        ref other => panic!("bad faultCode {other:?}"),
    }
}

/// Counts the calls executing at once and the highest count seen.
#[derive(Default)]
struct Peak {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Peak {
    fn enter(&self) {
        let now = self.now.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, SeqCst);
    }
}

/// `tick(ms)` (async) and `tick_blocking(ms)` (blocking): each counts itself in `peak`
/// while it sleeps `ms`, and returns `ms`.
fn counting(builder: ServerBuilder, peak: &Arc<Peak>) -> ServerBuilder {
    let (async_peak, blocking_peak) = (peak.clone(), peak.clone());
    builder
        .method("tick", move |(ms,): (u64,)| {
            let peak = async_peak.clone();
            async move {
                peak.enter();
                tokio::time::sleep(Duration::from_millis(ms)).await;
                peak.leave();
                Ok::<_, Fault>(ms)
            }
        })
        .method_sync("tick_blocking", move |(ms,): (u64,)| {
            blocking_peak.enter();
            std::thread::sleep(Duration::from_millis(ms));
            blocking_peak.leave();
            Ok::<_, Fault>(ms)
        })
}

#[tokio::test]
async fn entries_run_concurrently_within_max_workers() {
    let peak = Arc::new(Peak::default());
    let (server, addr) = start(counting(Server::builder().max_workers(3), &peak)).await;
    let calls: Vec<Value> = (0..12)
        .map(|i| entry("tick", vec![Value::Int(100 + i)]))
        .collect();
    let answers = results(call(addr, "system.multicall", &(calls,)).await.unwrap());
    // In request order, whatever order the entries finished in.
    let expected: Vec<Value> = (0..12)
        .map(|i| Value::Array(vec![Value::I8(100 + i)]))
        .collect();
    assert_eq!(answers, expected);
    // Concurrent (more than one at a time) and never beyond the bound.
    assert_eq!(peak.most.load(SeqCst), 3);
    assert_eq!(server.stats().completed, 1);
}

#[tokio::test]
async fn blocking_entries_respect_max_blocking() {
    let peak = Arc::new(Peak::default());
    let (_server, addr) = start(counting(
        Server::builder().max_workers(8).max_blocking(2),
        &peak,
    ))
    .await;
    let calls: Vec<Value> = (0..8)
        .map(|_| entry("tick_blocking", vec![Value::Int(80)]))
        .collect();
    let answers = results(call(addr, "system.multicall", &(calls,)).await.unwrap());
    assert_eq!(answers.len(), 8);
    assert!(answers
        .iter()
        .all(|a| *a == Value::Array(vec![Value::I8(80)])));
    assert_eq!(peak.most.load(SeqCst), 2);
}

#[tokio::test]
async fn faults_stay_with_their_entries_in_order() {
    let (_server, addr) = start(Server::builder().max_workers(4)).await;
    let calls = vec![
        entry("sleep", vec![Value::Int(150)]),
        entry("panic", vec![]),
        entry("sleep", vec![Value::Int(10)]),
        entry("fail", vec![Value::Int(7), Value::String("seven".into())]),
        entry("missing", vec![]),
        entry("add", vec![Value::Int(1)]),
        Value::String("not a struct".into()),
        entry("add", vec![Value::Int(2), Value::Int(3)]),
        entry("system.listMethods", vec![]),
    ];
    let answers = results(call(addr, "system.multicall", &(calls,)).await.unwrap());
    assert_eq!(answers.len(), 9);
    assert_eq!(answers[0], Value::Array(vec![Value::Int(150)]));
    assert_eq!(fault_code(&answers[1]), Fault::INTERNAL_ERROR);
    assert_eq!(answers[2], Value::Array(vec![Value::Int(10)]));
    assert_eq!(fault_code(&answers[3]), 7);
    assert_eq!(fault_code(&answers[4]), Fault::METHOD_NOT_FOUND);
    assert_eq!(fault_code(&answers[5]), Fault::INVALID_PARAMS);
    assert_eq!(fault_code(&answers[6]), Fault::INVALID_REQUEST);
    assert_eq!(answers[7], Value::Array(vec![Value::Int(5)]));
    assert!(matches!(&answers[8], Value::Array(names) if names.len() == 1));
}

#[tokio::test]
async fn a_batch_takes_its_turn_with_other_requests() {
    // Two slots, a batch of ten 200 ms entries (1 s in all): a single call arriving while the
    // batch runs waits behind at most one of its entries, not behind the whole batch.
    let (_server, addr) = start(Server::builder().max_workers(2)).await;
    let calls: Vec<Value> = (0..10)
        .map(|_| entry("sleep", vec![Value::Int(200)]))
        .collect();
    let batch = tokio::spawn(async move { call(addr, "system.multicall", &(calls,)).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(call(addr, "add", &(1, 1)).await, Ok(Value::Int(2)));
    assert!(
        !batch.is_finished(),
        "the single call waited for the whole batch"
    );
    assert_eq!(results(batch.await.unwrap().unwrap()).len(), 10);
}

#[tokio::test]
async fn the_policy_turns_a_batch_away_as_one_request() {
    let (_server, addr) = start(
        Server::builder()
            .max_workers(1)
            .max_pending(0)
            .overload(xmlrpc_server::Overload::http503()),
    )
    .await;
    let slow = tokio::spawn(async move { call(addr, "sleep", &(1500,)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls = vec![entry("add", vec![Value::Int(1), Value::Int(2)])];
    let reply = raw(addr, &post(&call_body("system.multicall", &(calls,)), ""))
        .await
        .unwrap();
    assert_eq!(reply.status, 503);
    assert_eq!(slow.await.unwrap(), Ok(Value::Int(1500)));
}

#[tokio::test]
async fn sequential_multicall_keeps_the_order_of_side_effects() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let builder = Server::builder().sequential_multicall(true).method(
        "note",
        move |(ms, tag): (u64, String)| {
            let log = seen.clone();
            async move {
                // Later entries sleep less: run concurrently, they would finish first.
                tokio::time::sleep(Duration::from_millis(ms)).await;
                log.lock().unwrap().push(tag.clone());
                Ok::<_, Fault>(tag)
            }
        },
    );
    let (_server, addr) = start(builder).await;
    let calls: Vec<Value> = (0..4)
        .map(|i| {
            entry(
                "note",
                vec![Value::Int(80 - 20 * i), Value::String(format!("n{i}"))],
            )
        })
        .collect();
    let answers = results(call(addr, "system.multicall", &(calls,)).await.unwrap());
    let order = vec!["n0", "n1", "n2", "n3"];
    assert_eq!(*log.lock().unwrap(), order);
    let tags: Vec<Value> = order
        .iter()
        .map(|t| Value::Array(vec![Value::String(t.to_string())]))
        .collect();
    assert_eq!(answers, tags);
}
