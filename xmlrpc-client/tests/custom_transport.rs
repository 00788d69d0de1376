//! A caller-supplied transport: a mock that records requests and answers canned bodies.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use xmlrpc_client::{Client, Error, Transport, TransportFuture};

use common::ok_body;

/// What the mock answers to one request.
type Answer = Result<Vec<u8>, Error>;

/// Answers each request with the next canned answer and keeps the requests.
#[derive(Default, Clone)]
struct Mock {
    answers: Arc<Mutex<Vec<Answer>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Mock {
    fn answering(answers: Vec<Answer>) -> Mock {
        let mock = Mock::default();
        *mock.answers.lock().unwrap() = answers.into_iter().rev().collect();
        mock
    }
}

impl Transport for Mock {
    fn send(&self, request: Vec<u8>) -> TransportFuture<'_> {
        self.requests
            .lock()
            .unwrap()
            .push(String::from_utf8(request).unwrap());
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop()
            .unwrap_or_else(|| Err(Error::Config("no answer left".into())));
        Box::pin(async move { answer })
    }
}

const FAULT: &[u8] = b"<methodResponse><fault><value><struct>\
    <member><name>faultCode</name><value><int>4</int></value></member>\
    <member><name>faultString</name><value><string>Too many parameters.</string></value></member>\
    </struct></value></fault></methodResponse>";

#[tokio::test]
async fn calls_go_through_the_mock() {
    let mock = Mock::answering(vec![
        Ok(ok_body("<int>5</int>")),
        Ok(FAULT.to_vec()),
        Ok(ok_body(
            "<array><data><value><array><data><value><int>3</int></value></data></array></value>\
             <value><struct><member><name>faultCode</name><value><int>9</int></value></member>\
             <member><name>faultString</name><value>nine</value></member></struct></value>\
             </data></array>",
        )),
        Err(Error::Status {
            code: 503,
            body: String::new(),
        }),
    ]);
    let client = Client::with_transport(mock.clone()).build().unwrap();
    assert_eq!(client.endpoint(), "custom transport");

    assert_eq!(client.call::<i32, _>("add", (2, 3)).await.unwrap(), 5);
    let err = client.call::<i32, _>("add", (1, 2, 3)).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(4));

    let mut batch = client.multicall();
    let a = batch.add::<i32, _>("add", (1, 2)).unwrap();
    let b = batch.add::<i32, _>("nine", ()).unwrap();
    let results = batch.send().await.unwrap();
    assert_eq!(results.get(&a).unwrap(), 3);
    assert_eq!(results.get(&b).unwrap_err().fault_code(), Some(9));

    assert!(client
        .call::<i32, _>("add", (1, 1))
        .await
        .unwrap_err()
        .is_overload());

    let requests = mock.requests.lock().unwrap();
    assert_eq!(requests.len(), 4);
    assert!(
        requests[0].contains("<methodName>add</methodName>"),
        "{}",
        requests[0]
    );
    assert!(requests[2].contains("system.multicall"), "{}", requests[2]);
}

#[tokio::test]
async fn limits_apply_to_custom_transports() {
    let big = ok_body(&format!("<string>{}</string>", "b".repeat(5_000)));
    let client = Client::with_transport(Mock::answering(vec![Ok(big)]))
        .max_response_size(1_000)
        .build()
        .unwrap();
    let err = client.call::<String, _>("big", ()).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1_000 }),
        "{err}"
    );

    let strict = Client::with_transport(Mock::default())
        .allow_nil(false)
        .build()
        .unwrap();
    assert!(strict
        .call::<i32, _>("f", (None::<i32>,))
        .await
        .unwrap_err()
        .is_encode());
}

/// Never answers.
struct Silent;

impl Transport for Silent {
    fn send(&self, _request: Vec<u8>) -> TransportFuture<'_> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn the_timeout_covers_custom_transports() {
    let client = Client::with_transport(Silent)
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let err = client.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
}
