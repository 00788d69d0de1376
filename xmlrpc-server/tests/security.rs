//! Authentication and the request hook in the embedded (tower) and CGI forms, and the
//! settings that guard them.

mod common;

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use common::{call_body, methods};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xmlrpc_core::{Fault, Value};
use xmlrpc_server::{cgi, BasicAuth, BuildError, Deny, PeerAddr, Server};

type Seen = Arc<Mutex<Vec<(String, Option<SocketAddr>, Option<String>)>>>;

fn guarded(seen: Seen) -> Server {
    methods(Server::builder())
        .basic_auth(BasicAuth::credentials("embedded \"realm\"", [("u", "p")]).methods(["add"]))
        .request_hook(move |info| {
            seen.lock().unwrap().push((
                info.method_name.to_owned(),
                info.peer,
                info.user.map(str::to_owned),
            ));
            if info.method_name == "fail" {
                return Err(Deny::Fault(Fault::new(7, "refused by the hook")));
            }
            Ok(())
        })
        .build()
        .unwrap()
}

fn request(
    method: &str,
    params: &impl serde::Serialize,
    auth: Option<&str>,
) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    let body = call_body(method, params);
    let mut builder = http::Request::post("/mounted").header("content-length", body.len());
    if let Some(auth) = auth {
        builder = builder.header("authorization", auth);
    }
    let mut request = builder
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .unwrap();
    request
        .extensions_mut()
        .insert(PeerAddr("192.0.2.7:4000".parse().unwrap()));
    request
}

#[tokio::test]
async fn tower_form_applies_auth_and_the_hook() {
    let seen = Seen::default();
    let service = guarded(seen.clone()).tower_service();

    let response = service
        .clone()
        .oneshot(request("add", &(1, 2), None))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert_eq!(
        challenge,
        r#"Basic realm="embedded \"realm\"", charset="UTF-8""#
    );

    // u:p
    let response = service
        .clone()
        .oneshot(request("add", &(1, 2), Some("Basic dTpw")))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let xml = response.into_body().collect().await.unwrap().to_bytes();
    let value = xmlrpc_core::read_response_value(&xml, &Default::default()).unwrap();
    assert_eq!(value, Ok(Value::Int(3)));

    // Methods outside the policy need no credentials; the hook still runs.
    let response = service
        .clone()
        .oneshot(request("fail", &(1, "x"), None))
        .await
        .unwrap();
    let xml = response.into_body().collect().await.unwrap().to_bytes();
    let fault = xmlrpc_core::read_response_value(&xml, &Default::default())
        .unwrap()
        .unwrap_err();
    assert_eq!(fault.code, 7);

    let seen = seen.lock().unwrap().clone();
    let peer = Some("192.0.2.7:4000".parse().unwrap());
    assert_eq!(
        seen,
        vec![
            ("add".to_string(), peer, Some("u".to_string())),
            ("fail".to_string(), peer, None),
        ]
    );
}

#[tokio::test]
async fn cgi_passes_the_remote_address_and_credentials() {
    let seen = Seen::default();
    let server = guarded(seen.clone());
    let body = call_body("add", &(20, 22));
    let length = body.len().to_string();
    let mut env: HashMap<String, String> = [
        ("REQUEST_METHOD", "POST"),
        ("CONTENT_LENGTH", length.as_str()),
        ("REMOTE_ADDR", "2001:db8::1"),
        ("REMOTE_PORT", "5000"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let mut out = Vec::new();
    cgi::respond(&server, &env, &body[..], &mut out)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("Status: 401"));

    env.insert("HTTP_AUTHORIZATION".into(), "Basic dTpw".into());
    let mut out = Vec::new();
    cgi::respond(&server, &env, &body[..], &mut out)
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("Status: 200"), "{text}");
    assert!(text.contains("<int>42</int>"), "{text}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].1, Some("[2001:db8::1]:5000".parse().unwrap()));
}

#[test]
fn a_tiny_header_limit_is_refused() {
    let built = Server::builder().max_header_size(1024).build();
    assert!(matches!(built, Err(BuildError::InvalidConfig(_))));
    assert!(Server::builder().max_header_size(8192).build().is_ok());
}

#[tokio::test]
async fn tower_layers_stack_in_front_of_the_endpoint() {
    let seen = Seen::default();
    // A layer of the host's own supplies the client address that hooks see.
    let service = tower::ServiceBuilder::new()
        .map_request(
            |mut request: http::Request<http_body_util::Full<bytes::Bytes>>| {
                request
                    .extensions_mut()
                    .insert(PeerAddr("198.51.100.1:1".parse().unwrap()));
                request
            },
        )
        .service(guarded(seen.clone()).tower_service());
    let body = call_body("echo", &("layered",));
    let request = http::Request::post("/")
        .header("content-length", body.len())
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .unwrap();
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0].1, Some("198.51.100.1:1".parse().unwrap()));
}
