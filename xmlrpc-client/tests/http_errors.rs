//! What the client makes of broken or refusing servers: canned raw HTTP answers.

mod common;

use std::io::Write;

use tokio::{io::AsyncWriteExt, net::TcpListener};
use xmlrpc_client::{Client, Error};

use common::{canned_server, http_response, ok_body, read_request};

async fn call_against(response: Vec<u8>) -> Result<i32, Error> {
    let (addr, _server) = canned_server(response).await;
    let client = Client::new(&format!("http://{addr}/RPC2")).unwrap();
    client.call::<i32, _>("add", (1, 2)).await
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn not_found() {
    let err = call_against(http_response("404 Not Found", &[], b"no such path"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert!(err.to_string().contains("no such path"), "{err}");
}

#[tokio::test]
async fn server_error_with_html() {
    let html = b"<html><body><h1>Internal Server Error</h1></body></html>";
    let response = http_response(
        "500 Internal Server Error",
        &[("Content-Type", "text/html")],
        html,
    );
    match call_against(response).await.unwrap_err() {
        Error::Status { code, body } => {
            assert_eq!(code, 500);
            assert!(body.contains("<h1>Internal Server Error</h1>"), "{body}");
        }
        other => panic!("expected a status error, got {other:?}"),
    }
}

#[tokio::test]
async fn overload_is_visible() {
    let response = http_response("503 Service Unavailable", &[("Retry-After", "1")], b"busy");
    let err = call_against(response).await.unwrap_err();
    assert!(err.is_overload(), "{err}");
    assert!(!err.is_fault());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let response = http_response("302 Found", &[("Location", "http://127.0.0.1:9/")], b"");
    let err = call_against(response).await.unwrap_err();
    assert_eq!(err.status(), Some(302), "{err}");
}

#[tokio::test]
async fn truncated_body() {
    let body = ok_body("<int>3</int>");
    let mut response = http_response("200 OK", &[("Content-Type", "text/xml")], &body);
    response.truncate(response.len() - body.len() / 2);
    let err = call_against(response).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
}

#[tokio::test]
async fn non_xml_body() {
    let response = http_response(
        "200 OK",
        &[("Content-Type", "text/xml")],
        b"{\"result\": 3}",
    );
    let err = call_against(response).await.unwrap_err();
    assert!(err.is_decode(), "{err}");
}

#[tokio::test]
async fn xml_that_is_not_a_response() {
    let response = http_response(
        "200 OK",
        &[],
        b"<?xml version=\"1.0\"?><html><p>hi</p></html>",
    );
    assert!(call_against(response).await.unwrap_err().is_decode());
}

#[tokio::test]
async fn wrong_result_type_names_the_problem() {
    let response = http_response("200 OK", &[], &ok_body("<string>three</string>"));
    let err = call_against(response).await.unwrap_err();
    assert!(err.is_decode(), "{err}");
    assert!(err.to_string().contains("string"), "{err}");
}

#[tokio::test]
async fn fault_answer() {
    let body = b"<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
        <member><name>faultCode</name><value><int>-32601</int></value></member>\
        <member><name>faultString</name><value><string>no such method</string></value></member>\
        </struct></value></fault></methodResponse>";
    let err = call_against(http_response("200 OK", &[], body))
        .await
        .unwrap_err();
    assert_eq!(err.fault_code(), Some(-32601));
    assert_eq!(err.as_fault().unwrap().string, "no such method");
}

#[tokio::test]
async fn response_larger_than_the_cap() {
    let big = ok_body(&format!("<string>{}</string>", "a".repeat(20_000)));
    let (addr, _server) = canned_server(http_response("200 OK", &[], &big)).await;
    let client = Client::builder(&format!("http://{addr}/"))
        .max_response_size(10_000)
        .build()
        .unwrap();
    let err = client.call::<String, _>("big", ()).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 10_000 }),
        "{err}"
    );

    // Without a Content-Length the cap is enforced while reading.
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for piece in big.chunks(4096) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (addr, _server) = canned_server(chunked).await;
    let client = Client::builder(&format!("http://{addr}/"))
        .max_response_size(10_000)
        .build()
        .unwrap();
    let err = client.call::<String, _>("big", ()).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err}");
}

#[tokio::test]
async fn gzip_answers_are_decoded() {
    let packed = gzip(&ok_body("<int>3</int>"));
    let response = http_response("200 OK", &[("Content-Encoding", "gzip")], &packed);
    assert_eq!(call_against(response).await.unwrap(), 3);

    let mut corrupt = packed.clone();
    corrupt.truncate(packed.len() / 2);
    let response = http_response("200 OK", &[("Content-Encoding", "gzip")], &corrupt);
    assert!(matches!(
        call_against(response).await.unwrap_err(),
        Error::Transport { .. }
    ));

    let response = http_response("200 OK", &[("Content-Encoding", "br")], b"???");
    assert!(matches!(
        call_against(response).await.unwrap_err(),
        Error::Transport { .. }
    ));
}

#[tokio::test]
async fn server_closing_without_answer() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let _ = read_request(&mut stream).await;
        let _ = stream.shutdown().await;
    });
    let client = Client::new(&format!("http://{addr}/")).unwrap();
    let err = client.call::<i32, _>("add", (1, 2)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    server.await.unwrap();
}

#[tokio::test]
async fn request_shape() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let head = read_request(&mut stream).await.unwrap();
        let response = http_response("200 OK", &[], &ok_body("<int>1</int>"));
        stream.write_all(&response).await.unwrap();
        head
    });
    let client = Client::builder(&format!("http://u:p@{addr}/api/xmlrpc"))
        .header("X-Trace", "abc")
        .build()
        .unwrap();
    assert_eq!(client.call::<i32, _>("ping", ()).await.unwrap(), 1);
    let head = server.await.unwrap().to_ascii_lowercase();
    assert!(head.starts_with("post /api/xmlrpc http/1.1\r\n"), "{head}");
    for line in [
        "content-type: text/xml",
        "accept-encoding: gzip",
        "authorization: basic dtpw",
        "x-trace: abc",
        "content-length: ",
    ] {
        assert!(head.contains(line), "{line:?} missing in {head}");
    }
}
