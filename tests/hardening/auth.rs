//! HTTP Basic authentication (header-level and per-method policies) and the request hook,
//! from raw requests and from our client (builder credentials and URL credentials).

use std::sync::{Arc, Mutex};

use xmlrpc_client::{Client, Error};
use xmlrpc_core::Fault;
use xmlrpc_server::{BasicAuth, Deny, Server};

use crate::common::{call, exchange, header, local, post};

/// What the hook saw of the last call: peer address and accepted user.
type Seen = Arc<Mutex<Vec<(String, Option<std::net::SocketAddr>, Option<String>)>>>;

async fn guarded_server(seen: Seen) -> xmlrpc_server::RunningServer {
    local(
        Server::builder()
            .rpc_paths(["/RPC2", "/admin"])
            .basic_auth(
                BasicAuth::credentials("xmlrpc", [("alice", "wonder")])
                    .except_methods(["system.listMethods"]),
            )
            .basic_auth(BasicAuth::credentials("admin", [("alice", "wonder")]).paths(["/admin"]))
            .request_hook(move |info| {
                seen.lock().unwrap().push((
                    info.method_name.to_owned(),
                    info.peer,
                    info.user.map(str::to_owned),
                ));
                match info.method_name {
                    "interop.nil" => Err(Deny::Fault(Fault::new(4031, "nil is not for you"))),
                    "interop.fault" => Err(Deny::Status(http::StatusCode::FORBIDDEN)),
                    _ => Ok(()),
                }
            }),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_auth_and_the_request_hook() {
    let seen = Seen::default();
    let running = guarded_server(seen.clone()).await;
    let addr = running.local_addr().unwrap();
    let url = format!("http://{addr}/RPC2");

    // No or wrong credentials: 401 with a challenge naming the realm.
    let anonymous = Client::new(&url).unwrap();
    match anonymous.call::<i32, _>("interop.add", (1, 2)).await {
        Err(Error::Status { code: 401, .. }) => {}
        other => panic!("expected 401, got {other:?}"),
    }
    let add = call("interop.add", "");
    let reply = exchange(
        addr,
        &post(&add, "Authorization: Basic YWxpY2U6d3Jvbmc=\r\n"),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 401);
    let challenge = header(&reply.head, "www-authenticate").unwrap_or_default();
    assert!(
        challenge.starts_with("Basic realm=\"xmlrpc\""),
        "{challenge}"
    );

    // Credentials from the builder and from the URL.
    let alice = Client::builder(&url)
        .basic_auth("alice", "wonder")
        .build()
        .unwrap();
    assert_eq!(
        alice.call::<i32, _>("interop.add", (1, 2)).await.unwrap(),
        3
    );
    let in_url = Client::new(&format!("http://alice:wonder@{addr}/RPC2")).unwrap();
    assert_eq!(
        in_url.call::<i32, _>("interop.add", (2, 2)).await.unwrap(),
        4
    );

    // The exempt method is public; a multicall is always covered by a method scope.
    let names: Vec<String> = anonymous.call("system.listMethods", ()).await.unwrap();
    assert!(names.iter().any(|n| n == "interop.add"));
    let multicall = call(
        "system.multicall",
        "<param><value><array><data></data></array></value></param>",
    );
    assert_eq!(
        exchange(addr, &post(&multicall, "")).await.unwrap().status,
        401
    );

    // The hook turns calls away with a fault or a status, and sees peer and user.
    match alice.call::<(), _>("interop.nil", ()).await {
        Err(Error::Fault(fault)) => assert_eq!(fault.code, 4031),
        other => panic!("expected the hook's fault, got {other:?}"),
    }
    match alice.call::<i32, _>("interop.fault", (1, "x")).await {
        Err(Error::Status { code: 403, .. }) => {}
        other => panic!("expected 403, got {other:?}"),
    }
    let seen = seen.lock().unwrap().clone();
    let last = seen.last().unwrap();
    assert_eq!(last.0, "interop.fault");
    assert_eq!(last.1.map(|a| a.ip()), Some(addr.ip()));
    assert_eq!(last.2.as_deref(), Some("alice"));
    // Calls refused by authentication never reached the hook.
    assert!(seen
        .iter()
        .all(|(name, _, user)| user.is_some() || name == "system.listMethods"));

    // A path-wide policy answers from the headers: a large unauthenticated body is not
    // read, and the connection is closed after the 401.
    let big = vec![b' '; 900_000];
    let mut request = post(&big, "").to_vec();
    let at = request.windows(5).position(|w| w == b"/RPC2").unwrap();
    request.splice(at..at + 5, b"/admin".iter().copied());
    let reply = exchange(addr, &request).await.unwrap();
    assert_eq!(reply.status, 401);
    assert!(header(&reply.head, "www-authenticate")
        .unwrap()
        .contains("\"admin\""));
    assert_eq!(header(&reply.head, "connection"), Some("close"));
    running.shutdown().await;
}
