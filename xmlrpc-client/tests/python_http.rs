//! The client against Python's `xmlrpc.server.SimpleXMLRPCServer` over HTTP
//! (`tests/peers/http_server.py`).

mod common;

use std::{collections::BTreeMap, time::Duration};

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use xmlrpc_client::{Client, Error, Map, Value};

use common::{python_available, start_peer, Peer};

fn peer(args: &[&str]) -> Option<(Peer, String)> {
    if !python_available("python_http") {
        return None;
    }
    let peer = start_peer("http_server.py", args, false);
    let url = format!("http://127.0.0.1:{}/RPC2", peer.at);
    Some((peer, url))
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Order {
    id: i32,
    customer: String,
    paid: bool,
    total: f64,
    lines: Vec<Line>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Line {
    sku: String,
    qty: i32,
}

#[tokio::test]
async fn every_value_type_round_trips() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();

    let n: i32 = client.call("echo", (-42,)).await.unwrap();
    assert_eq!(n, -42);
    assert_eq!(client.call::<i32, _>("add", (2, 3)).await.unwrap(), 5);
    let yes: bool = client.call("echo", (true,)).await.unwrap();
    assert!(yes);
    let text = "grüße <&> \"quoted\" 'single' \u{1F600}";
    assert_eq!(
        client.call::<String, _>("echo", (text,)).await.unwrap(),
        text
    );
    let empty: String = client.call("echo", ("",)).await.unwrap();
    assert_eq!(empty, "");
    let x: f64 = client.call("echo", (0.1 + 0.2,)).await.unwrap();
    assert_eq!(x, 0.1 + 0.2);
    let wide: i64 = client.call("echo", (7_i64,)).await.unwrap();
    assert_eq!(wide, 7);

    let list: Vec<i32> = client.call("echo", (vec![1, 2, 3],)).await.unwrap();
    assert_eq!(list, [1, 2, 3]);
    let mut map = BTreeMap::new();
    map.insert("a".to_string(), 1);
    map.insert("b".to_string(), 2);
    let back: BTreeMap<String, i32> = client.call("echo", (&map,)).await.unwrap();
    assert_eq!(back, map);

    let order = Order {
        id: 7,
        customer: "Ada".into(),
        paid: false,
        total: 12.5,
        lines: vec![
            Line {
                sku: "A-1".into(),
                qty: 2,
            },
            Line {
                sku: "B-2".into(),
                qty: 1,
            },
        ],
    };
    let echoed: Order = client.call("echo", (&order,)).await.unwrap();
    assert_eq!(echoed, order);
}

#[tokio::test]
async fn dynamic_values_keep_wire_types() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();

    let mut members = Map::new();
    members.insert("name".into(), Value::String("x".into()));
    members.insert("n".into(), Value::Int(3));
    let sent = vec![
        Value::Int(1),
        Value::Bool(false),
        Value::String("s".into()),
        Value::Double(-2.25),
        Value::Base64(vec![0, 1, 2, 255]),
        Value::Array(vec![Value::Int(1), Value::String("two".into())]),
        Value::Struct(members),
        Value::Nil,
    ];
    for value in sent {
        let back = client
            .call_value("echo", vec![value.clone()])
            .await
            .unwrap();
        assert_eq!(back, value);
    }

    match client.call_value("the_date", ()).await.unwrap() {
        Value::DateTime(dt) => {
            assert_eq!(
                (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second),
                (2026, 11, 23, 7, 30, 5)
            );
        }
        other => panic!("expected a dateTime, got {other:?}"),
    }
    // A dateTime sent back arrives as a Python datetime.
    let date = client.call_value("the_date", ()).await.unwrap();
    let kind: String = client.call("describe", vec![date]).await.unwrap();
    assert_eq!(kind, "datetime");
    // Typed calls into `Value` keep the wire types too.
    let made: Value = client.call("make_binary", (3,)).await.unwrap();
    assert_eq!(made, Value::Base64(vec![0, 1, 2]));
    let date: Value = client.call("the_date", ()).await.unwrap();
    assert!(matches!(date, Value::DateTime(_)), "{date:?}");

    // i8 travels out; Python reads it as an int (it cannot send values beyond i32 back).
    let kind: String = client
        .call("describe", vec![Value::I8(1 << 40)])
        .await
        .unwrap();
    assert_eq!(kind, "int");
}

#[tokio::test]
async fn binary_both_ways() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    let data = ByteBuf::from((0..=255u8).cycle().take(1000).collect::<Vec<_>>());
    let n: i32 = client.call("binary_length", (&data,)).await.unwrap();
    assert_eq!(n, 1000);
    let back: ByteBuf = client.call("echo", (&data,)).await.unwrap();
    assert_eq!(back, data);
    let made: ByteBuf = client.call("make_binary", (300,)).await.unwrap();
    assert_eq!(made.len(), 300);
    assert_eq!(made[257], 1);
    let kind: String = client.call("describe", (&data,)).await.unwrap();
    assert_eq!(kind, "bytes");
}

#[tokio::test]
async fn faults_and_decode_errors() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();

    let err = client
        .call::<i32, _>("fail", (42, "boom <&> ünïcode"))
        .await
        .unwrap_err();
    assert!(err.is_fault(), "{err}");
    assert_eq!(err.fault_code(), Some(42));
    assert_eq!(err.as_fault().unwrap().string, "boom <&> ünïcode");

    let err = client
        .call::<i32, _>("no.such.method", ())
        .await
        .unwrap_err();
    assert!(err.is_fault(), "{err}");
    assert!(
        err.as_fault().unwrap().string.contains("not supported"),
        "{err}"
    );

    // Python cannot send an integer beyond i32: its fault reaches us.
    let err = client
        .call::<i64, _>("add", (i32::MAX, 1))
        .await
        .unwrap_err();
    assert!(err.is_fault(), "{err}");

    // A result that does not fit the requested type names the place in the value.
    let err = client
        .call::<Vec<i32>, _>(
            "echo",
            (vec![
                Value::Int(1),
                Value::Int(2),
                Value::String("x".into()),
            ],),
        )
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err}");
    assert!(err.to_string().contains("[2]"), "{err}");
    let err = client
        .call::<Order, _>("echo", (BTreeMap::from([("id", 1)]),))
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err}");
}

#[tokio::test]
async fn multicall_with_a_failing_entry() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    let mut batch = client.multicall();
    let sum = batch.add::<i32, _>("add", (40, 2)).unwrap();
    let failed = batch.add::<i32, _>("fail", (7, "seven")).unwrap();
    let text = batch
        .add::<String, _>("echo", ("after the fault",))
        .unwrap();
    let missing = batch.add::<i32, _>("missing", ()).unwrap();
    let wrong = batch.add::<i32, _>("echo", ("not a number",)).unwrap();
    let values = batch
        .add::<Value, _>("echo", vec![Value::Base64(vec![9])])
        .unwrap();
    assert_eq!(batch.len(), 6);
    let results = batch.send().await.unwrap();

    assert_eq!(results.len(), 6);
    assert_eq!(results.get(&sum).unwrap(), 42);
    let err = results.get(&failed).unwrap_err();
    assert_eq!(err.fault_code(), Some(7));
    assert_eq!(err.as_fault().unwrap().string, "seven");
    assert_eq!(results.get(&text).unwrap(), "after the fault");
    assert!(results.get(&missing).unwrap_err().is_fault());
    let err = results.get(&wrong).unwrap_err();
    assert!(err.is_decode(), "{err}");
    assert!(err.to_string().contains("[4]"), "{err}");
    assert_eq!(
        results.value(5).unwrap().as_ref().unwrap(),
        &Value::Base64(vec![9])
    );
    assert_eq!(results.get(&values).unwrap(), Value::Base64(vec![9]));
    let outcomes: Vec<bool> = results.into_iter().map(|r| r.is_ok()).collect();
    assert_eq!(outcomes, [true, false, true, false, true, true]);

    let empty = client.multicall().send().await.unwrap();
    assert!(empty.is_empty());
}

#[tokio::test]
async fn introspection() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    let methods: Vec<String> = client.call("system.listMethods", ()).await.unwrap();
    for name in ["add", "echo", "system.multicall", "system.methodHelp"] {
        assert!(
            methods.iter().any(|m| m == name),
            "{name} missing from {methods:?}"
        );
    }
    let help: String = client.call("system.methodHelp", ("add",)).await.unwrap();
    assert_eq!(help, "Adds two numbers.");
    // Python answers a plain string where signatures are unknown.
    let signature = client
        .call_value("system.methodSignature", ("add",))
        .await
        .unwrap();
    assert!(matches!(signature, Value::String(_)), "{signature:?}");
}

#[tokio::test]
async fn nil_with_allow_none() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    let none: Option<i32> = client.call("nothing", ()).await.unwrap();
    assert_eq!(none, None);
    assert_eq!(client.call_value("nothing", ()).await.unwrap(), Value::Nil);
    let arrived_as_none: bool = client.call("is_none", (None::<i32>,)).await.unwrap();
    assert!(arrived_as_none);
    let some: Option<i32> = client.call("echo", (Some(5),)).await.unwrap();
    assert_eq!(some, Some(5));

    // The client can refuse to send nil, before anything goes on the wire.
    let strict = Client::builder(&url).allow_nil(false).build().unwrap();
    let err = strict
        .call::<bool, _>("is_none", (None::<i32>,))
        .await
        .unwrap_err();
    assert!(err.is_encode(), "{err}");
    let mut batch = strict.multicall();
    assert!(batch
        .add::<bool, _>("is_none", (None::<i32>,))
        .unwrap_err()
        .is_encode());
}

#[tokio::test]
async fn nil_without_allow_none() {
    let Some((_peer, url)) = peer(&["--no-allow-none"]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    // Python cannot marshal the None result: a fault, not a broken response.
    let err = client
        .call::<Option<i32>, _>("nothing", ())
        .await
        .unwrap_err();
    assert!(err.is_fault(), "{err}");
    assert!(err.as_fault().unwrap().string.contains("None"), "{err}");
    assert_eq!(client.call::<i32, _>("add", (1, 1)).await.unwrap(), 2);
}

#[tokio::test]
async fn basic_auth() {
    let Some((peer, _)) = peer(&["--auth", "alice:pa:ss wörd"]) else {
        return;
    };
    let port = &peer.at;

    let anonymous = Client::new(&format!("http://127.0.0.1:{port}/RPC2")).unwrap();
    let err = anonymous.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert!(!err.is_overload());

    let from_url = Client::new(&format!(
        "http://alice:pa%3Ass%20w%C3%B6rd@127.0.0.1:{port}/RPC2"
    ))
    .unwrap();
    assert_eq!(from_url.call::<i32, _>("add", (1, 2)).await.unwrap(), 3);
    assert!(!from_url.endpoint().contains("alice"));

    let from_builder = Client::builder(&format!("http://127.0.0.1:{port}/RPC2"))
        .basic_auth("alice", "pa:ss wörd")
        .build()
        .unwrap();
    assert_eq!(from_builder.call::<i32, _>("add", (2, 2)).await.unwrap(), 4);

    let wrong = Client::builder(&format!(
        "http://alice:pa%3Ass%20w%C3%B6rd@127.0.0.1:{port}/"
    ))
    .basic_auth("alice", "guess")
    .build()
    .unwrap();
    assert_eq!(
        wrong
            .call::<i32, _>("add", (1, 2))
            .await
            .unwrap_err()
            .status(),
        Some(401)
    );
}

#[tokio::test]
async fn gzip_responses_and_requests() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    let headers: BTreeMap<String, String> = client.call("headers", ()).await.unwrap();
    assert_eq!(
        headers.get("accept-encoding").map(String::as_str),
        Some("gzip")
    );
    assert!(headers["user-agent"].starts_with("xmlrpc-client/"));
    // Python gzips answers over 1400 bytes when the client accepts gzip.
    let big: String = client.call("big", (200_000,)).await.unwrap();
    assert_eq!(big.len(), 200_000);

    // The cap also holds after decompression: 200 kB of 'x' gzip to a few hundred bytes.
    let capped = Client::builder(&url)
        .max_response_size(50_000)
        .build()
        .unwrap();
    let err = capped
        .call::<String, _>("big", (200_000,))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 50_000 }),
        "{err}"
    );
    let plain = Client::builder(&url).accept_gzip(false).build().unwrap();
    let headers: BTreeMap<String, String> = plain.call("headers", ()).await.unwrap();
    assert!(!headers.contains_key("accept-encoding"), "{headers:?}");
    assert_eq!(
        plain
            .call::<String, _>("big", (5_000,))
            .await
            .unwrap()
            .len(),
        5_000
    );

    // Compressed requests: Python decodes `Content-Encoding: gzip`.
    let packing = Client::builder(&url)
        .gzip_requests_over(0)
        .header("X-Test-Case", "gzip")
        .user_agent("tests/1.0")
        .build()
        .unwrap();
    let headers: BTreeMap<String, String> = packing.call("headers", ()).await.unwrap();
    assert_eq!(
        headers.get("content-encoding").map(String::as_str),
        Some("gzip")
    );
    assert_eq!(headers.get("x-test-case").map(String::as_str), Some("gzip"));
    assert_eq!(
        headers.get("user-agent").map(String::as_str),
        Some("tests/1.0")
    );
    let long = "y".repeat(100_000);
    assert_eq!(
        packing.call::<String, _>("echo", (&long,)).await.unwrap(),
        long
    );
}

#[tokio::test]
async fn timeout_on_a_sleeping_server() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::builder(&url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.call::<f64, _>("sleep", (2.0,)).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(!err.is_connect());
    // The client stays usable after a timeout.
    assert_eq!(client.call::<i32, _>("add", (1, 2)).await.unwrap(), 3);
    // A clone with a longer timeout shares the pool and lets the slow call finish.
    let patient = client.with_timeout(Duration::from_secs(30));
    assert_eq!(patient.timeout(), Duration::from_secs(30));
    assert_eq!(patient.call::<f64, _>("sleep", (0.2,)).await.unwrap(), 0.2);
}

#[tokio::test]
async fn concurrent_calls_share_a_client() {
    let Some((_peer, url)) = peer(&[]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call::<i32, _>("add", (i, 100)).await })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap().unwrap(), i as i32 + 100);
    }
}

#[tokio::test]
async fn stock_http10_server_closing_after_each_answer() {
    let Some((_peer, url)) = peer(&["--http10"]) else {
        return;
    };
    let client = Client::new(&url).unwrap();
    for i in 0..5 {
        assert_eq!(client.call::<i32, _>("add", (i, 1)).await.unwrap(), i + 1);
    }
    let mut batch = client.multicall();
    let a = batch.add::<i32, _>("add", (1, 1)).unwrap();
    assert_eq!(batch.send().await.unwrap().get(&a).unwrap(), 2);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(&format!("http://127.0.0.1:{port}/RPC2")).unwrap();
    let err = client.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert!(err.is_connect(), "{err}");
    assert!(!err.is_timeout() && !err.is_fault());
    assert!(err.to_string().contains("refused"), "{err}");
}
