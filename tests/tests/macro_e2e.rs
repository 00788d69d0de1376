//! A generated service on a real server, called through the generated client over 127.0.0.1:
//! every supported argument and return shape, faults, optional arguments, introspection and
//! the typed batch.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use xmlrpc_client::Client;
use xmlrpc_core::{DateTime, Fault, Value};
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::{RunningServer, Server};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub item: String,
    pub quantity: u16,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Colour {
    Red,
    Green,
}

/// An error enum with its own fault codes.
#[derive(Debug)]
pub enum ShopError {
    OutOfStock(String),
    TooMany { max: u16 },
}

impl From<ShopError> for Fault {
    fn from(e: ShopError) -> Fault {
        match e {
            ShopError::OutOfStock(item) => Fault::new(404, format!("out of stock: {item}")),
            ShopError::TooMany { max } => Fault::new(413, format!("at most {max}")),
        }
    }
}

/// A shop exercising every argument and return shape.
#[xmlrpc_service(namespace = "shop", rename_all = "camelCase")]
pub trait Shop {
    /// Adds two integers.
    ///
    /// Overflow is a fault.
    async fn add(&self, a: i32, b: i32) -> Result<i32, Fault>;
    #[xmlrpc(name = "sub", alias = "minus")]
    async fn subtract(&self, a: i64, b: i64) -> i64;
    /// Runs on the blocking pool.
    fn version(&self) -> String;
    async fn negate(&self, flag: bool) -> bool;
    async fn half(&self, x: f64) -> f64;
    /// Places an order.
    async fn place_order(&self, order: Order) -> Result<Order, ShopError>;
    fn blocking_order(&self, order: Order) -> Result<u16, ShopError>;
    async fn sum_all(&self, values: Vec<i32>) -> i32;
    async fn invert(&self, map: HashMap<String, i32>) -> BTreeMap<String, String>;
    async fn complement(&self, colour: Colour) -> Colour;
    async fn reverse_bytes(&self, data: ByteBuf) -> ByteBuf;
    async fn next_day(&self, when: DateTime) -> DateTime;
    async fn echo_value(&self, value: Value) -> Value;
    async fn maybe(&self, value: Option<i32>, tail: i32) -> Option<i32>;
    /// Greets, with a default greeting.
    async fn greet(
        &self,
        name: String,
        greeting: Option<String>,
        punctuation: Option<char>,
    ) -> String;
    async fn nothing(&self);
    async fn pair(&self) -> (i32, String);
}

struct MyShop;

impl Shop for MyShop {
    async fn add(&self, a: i32, b: i32) -> Result<i32, Fault> {
        a.checked_add(b)
            .ok_or_else(|| Fault::new(Fault::APPLICATION_ERROR, "overflow"))
    }
    async fn subtract(&self, a: i64, b: i64) -> i64 {
        a - b
    }
    fn version(&self) -> String {
        // A sync method may block: it runs on the blocking pool, not on a runtime worker.
        std::thread::sleep(std::time::Duration::from_millis(1));
        "shop 1.0".into()
    }
    async fn negate(&self, flag: bool) -> bool {
        !flag
    }
    async fn half(&self, x: f64) -> f64 {
        x / 2.0
    }
    async fn place_order(&self, order: Order) -> Result<Order, ShopError> {
        if order.item == "unicorn" {
            return Err(ShopError::OutOfStock(order.item));
        }
        Ok(Order {
            quantity: order.quantity * 2,
            ..order
        })
    }
    fn blocking_order(&self, order: Order) -> Result<u16, ShopError> {
        if order.quantity > 10 {
            Err(ShopError::TooMany { max: 10 })
        } else {
            Ok(order.quantity)
        }
    }
    async fn sum_all(&self, values: Vec<i32>) -> i32 {
        values.iter().sum()
    }
    async fn invert(&self, map: HashMap<String, i32>) -> BTreeMap<String, String> {
        map.into_iter().map(|(k, v)| (v.to_string(), k)).collect()
    }
    async fn complement(&self, colour: Colour) -> Colour {
        match colour {
            Colour::Red => Colour::Green,
            Colour::Green => Colour::Red,
        }
    }
    async fn reverse_bytes(&self, data: ByteBuf) -> ByteBuf {
        ByteBuf::from(data.iter().rev().copied().collect::<Vec<u8>>())
    }
    async fn next_day(&self, when: DateTime) -> DateTime {
        DateTime {
            day: when.day + 1,
            ..when
        }
    }
    async fn echo_value(&self, value: Value) -> Value {
        value
    }
    async fn maybe(&self, value: Option<i32>, tail: i32) -> Option<i32> {
        value.map(|v| v + tail)
    }
    async fn greet(&self, name: String, greeting: Option<String>, punct: Option<char>) -> String {
        format!(
            "{}, {name}{}",
            greeting.as_deref().unwrap_or("Hello"),
            punct.unwrap_or('.')
        )
    }
    async fn nothing(&self) {}
    async fn pair(&self) -> (i32, String) {
        (7, "seven".into())
    }
}

async fn serve() -> (RunningServer, ShopClient) {
    let server = Server::builder()
        .service(MyShop.into_service())
        .method(
            "plain.echo",
            |(s,): (String,)| async move { Ok::<_, Fault>(s) },
        )
        .build()
        .expect("server builds");
    let running = server.bind("127.0.0.1:0").await.expect("binds");
    let addr = running.local_addr().expect("tcp address");
    let client = ShopClient::from_url(&format!("http://{addr}/RPC2")).expect("client");
    (running, client)
}

fn order(item: &str, quantity: u16) -> Order {
    Order {
        item: item.into(),
        quantity,
        tags: vec!["a".into(), "b".into()],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shape_round_trips() {
    let (running, shop) = serve().await;

    assert_eq!(shop.add(2, 3).await.unwrap(), 5);
    assert_eq!(
        shop.subtract(10_000_000_000, 1).await.unwrap(),
        9_999_999_999
    );
    assert_eq!(shop.version().await.unwrap(), "shop 1.0");
    assert!(shop.negate(false).await.unwrap());
    assert_eq!(shop.half(3.0).await.unwrap(), 1.5);
    assert_eq!(
        shop.place_order(order("pen", 3)).await.unwrap(),
        order("pen", 6)
    );
    assert_eq!(shop.blocking_order(order("pen", 4)).await.unwrap(), 4);
    assert_eq!(shop.sum_all(vec![1, 2, 3, 4]).await.unwrap(), 10);
    let inverted = shop
        .invert(HashMap::from([
            ("one".to_string(), 1),
            ("two".to_string(), 2),
        ]))
        .await
        .unwrap();
    assert_eq!(
        inverted,
        BTreeMap::from([
            ("1".to_string(), "one".to_string()),
            ("2".into(), "two".into())
        ])
    );
    assert_eq!(shop.complement(Colour::Red).await.unwrap(), Colour::Green);
    assert_eq!(
        shop.reverse_bytes(ByteBuf::from(vec![1, 2, 3]))
            .await
            .unwrap(),
        ByteBuf::from(vec![3, 2, 1])
    );
    let when = DateTime::new(1998, 7, 17, 14, 8, 55).unwrap();
    assert_eq!(
        shop.next_day(when).await.unwrap(),
        DateTime::new(1998, 7, 18, 14, 8, 55).unwrap()
    );
    let value = Value::Array(vec![
        Value::Int(1),
        Value::String("x".into()),
        Value::Bool(true),
    ]);
    assert_eq!(shop.echo_value(value.clone()).await.unwrap(), value);
    assert_eq!(shop.maybe(Some(1), 2).await.unwrap(), Some(3));
    assert_eq!(shop.maybe(None, 2).await.unwrap(), None);
    shop.nothing().await.unwrap();
    assert_eq!(shop.pair().await.unwrap(), (7, "seven".to_string()));

    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_become_faults_with_their_codes() {
    let (running, shop) = serve().await;

    let overflow = shop.add(i32::MAX, 1).await.unwrap_err();
    assert_eq!(overflow.fault_code(), Some(Fault::APPLICATION_ERROR));
    let stock = shop.place_order(order("unicorn", 1)).await.unwrap_err();
    let fault = stock.as_fault().expect("a fault");
    assert_eq!(
        (fault.code, fault.string.as_str()),
        (404, "out of stock: unicorn")
    );
    let many = shop.blocking_order(order("pen", 11)).await.unwrap_err();
    assert_eq!(many.fault_code(), Some(413));

    // Wrong parameters are answered by the generated decoding, naming the parameter.
    let raw = shop.client();
    let wrong_type = raw
        .call::<i32, _>("shop.add", (1, "two"))
        .await
        .unwrap_err();
    let fault = wrong_type.as_fault().expect("a fault");
    assert_eq!(fault.code, Fault::INVALID_PARAMS);
    assert!(
        fault.string.contains('b'),
        "names the parameter: {}",
        fault.string
    );
    let too_few = raw.call::<i32, _>("shop.add", (1,)).await.unwrap_err();
    assert_eq!(too_few.fault_code(), Some(Fault::INVALID_PARAMS));
    let too_many = raw.call::<i32, _>("shop.add", (1, 2, 3)).await.unwrap_err();
    assert_eq!(too_many.fault_code(), Some(Fault::INVALID_PARAMS));
    let unknown = raw.call::<i32, _>("shop.nope", ()).await.unwrap_err();
    assert_eq!(unknown.fault_code(), Some(Fault::METHOD_NOT_FOUND));

    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailing_optional_arguments_may_be_omitted() {
    let (running, shop) = serve().await;

    assert_eq!(
        shop.greet("Ann".into(), None, None).await.unwrap(),
        "Hello, Ann."
    );
    assert_eq!(
        shop.greet("Ann".into(), Some("Hi".into()), None)
            .await
            .unwrap(),
        "Hi, Ann."
    );
    // A `None` before a `Some` is sent as nil.
    assert_eq!(
        shop.greet("Ann".into(), None, Some('!')).await.unwrap(),
        "Hello, Ann!"
    );

    // Callers of other libraries may leave them out too.
    let raw = shop.client();
    assert_eq!(
        raw.call::<String, _>("shop.greet", ("Bo",)).await.unwrap(),
        "Hello, Bo."
    );
    assert_eq!(
        raw.call::<String, _>("shop.greet", ("Bo", "Hey"))
            .await
            .unwrap(),
        "Hey, Bo."
    );
    let none = raw.call::<String, _>("shop.greet", ()).await.unwrap_err();
    assert_eq!(none.fault_code(), Some(Fault::INVALID_PARAMS));

    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aliases_and_neighbours_are_served() {
    let (running, shop) = serve().await;
    let raw = shop.client();

    assert_eq!(raw.call::<i64, _>("shop.minus", (5, 3)).await.unwrap(), 2);
    assert_eq!(raw.call::<i64, _>("shop.sub", (5, 3)).await.unwrap(), 2);
    assert_eq!(
        raw.call::<String, _>("plain.echo", ("hi",)).await.unwrap(),
        "hi"
    );

    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_comes_from_the_trait() {
    let (running, shop) = serve().await;
    let raw = shop.client();

    let names: Vec<String> = raw.call("system.listMethods", ()).await.unwrap();
    for expected in [
        "shop.add",
        "shop.sub",
        "shop.minus",
        "shop.version",
        "shop.placeOrder",
        "shop.greet",
        "plain.echo",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }

    let help: String = raw.call("system.methodHelp", ("shop.add",)).await.unwrap();
    // The doc comment, then the call line: parameter names, and what the signature cannot say.
    assert_eq!(
        help,
        "Adds two integers.\n\nOverflow is a fault.\n\nCall: shop.add(a: int, b: int) -> int"
    );
    let help: String = raw
        .call("system.methodHelp", ("shop.negate",))
        .await
        .unwrap();
    assert_eq!(help, "Call: shop.negate(flag: boolean) -> boolean");
    let help: String = raw
        .call("system.methodHelp", ("shop.maybe",))
        .await
        .unwrap();
    assert_eq!(help, "Call: shop.maybe(value: int?, tail: int) -> int?");
    let help: String = raw
        .call("system.methodHelp", ("shop.sumAll",))
        .await
        .unwrap();
    assert_eq!(help, "Call: shop.sumAll(values: array<int>) -> int");

    let sig = |name: &'static str| {
        let raw = raw.clone();
        async move {
            raw.call::<Vec<Vec<String>>, _>("system.methodSignature", (name,))
                .await
                .unwrap_or_else(|e| panic!("signature of {name}: {e}"))
        }
    };
    assert_eq!(sig("shop.add").await, [["int", "int", "int"]]);
    assert_eq!(sig("shop.minus").await, [["i8", "i8", "i8"]]);
    assert_eq!(sig("shop.version").await, [["string"]]);
    assert_eq!(sig("shop.negate").await, [["boolean", "boolean"]]);
    assert_eq!(sig("shop.half").await, [["double", "double"]]);
    assert_eq!(sig("shop.placeOrder").await, [["struct", "struct"]]);
    assert_eq!(sig("shop.sumAll").await, [["int", "array"]]);
    assert_eq!(sig("shop.invert").await, [["struct", "struct"]]);
    assert_eq!(sig("shop.complement").await, [["string", "string"]]);
    assert_eq!(sig("shop.reverseBytes").await, [["base64", "base64"]]);
    assert_eq!(
        sig("shop.nextDay").await,
        [["dateTime.iso8601", "dateTime.iso8601"]]
    );
    // A method none of whose types can be named answers the convention's plain "undef".
    let undef: String = raw
        .call("system.methodSignature", ("shop.echoValue",))
        .await
        .unwrap();
    assert_eq!(undef, "undef");
    assert_eq!(sig("shop.maybe").await, [["int", "int", "int"]]);
    assert_eq!(
        sig("shop.greet").await,
        vec![
            vec!["string", "string"],
            vec!["string", "string", "string"],
            vec!["string", "string", "string", "string"],
        ]
    );
    assert_eq!(sig("shop.nothing").await, [["nil"]]);
    assert_eq!(sig("shop.pair").await, [["array"]]);

    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_batch_hands_back_each_result() {
    let (running, shop) = serve().await;

    let mut batch = shop.batch();
    let sum = batch.add(1, 2).unwrap();
    let overflow = batch.add(i32::MAX, 1).unwrap();
    let version = batch.version().unwrap();
    let placed = batch.place_order(order("ink", 2)).unwrap();
    let greeting = batch.greet("Cy".into(), None, None).unwrap();
    let results = batch.send().await.unwrap();

    assert_eq!(results.get(&sum).unwrap(), 3);
    let failed = results.get(&overflow).unwrap_err();
    assert_eq!(failed.fault_code(), Some(Fault::APPLICATION_ERROR));
    assert_eq!(results.get(&version).unwrap(), "shop 1.0");
    assert_eq!(results.get(&placed).unwrap(), order("ink", 4));
    assert_eq!(results.get(&greeting).unwrap(), "Hello, Cy.");

    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_calls_can_be_spawned() {
    let (running, shop) = serve().await;

    let calls: Vec<_> = (0..8).map(|i| tokio::spawn(shop.add(i, i))).collect();
    for (i, call) in (0..).zip(calls) {
        assert_eq!(call.await.unwrap().unwrap(), 2 * i);
    }
    // A client made from an existing `Client` shares its settings.
    let again = ShopClient::from(Client::new(shop.client().endpoint()).unwrap());
    assert!(!again.negate(true).await.unwrap());

    running.shutdown().await;
}
