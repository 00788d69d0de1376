//! The README's fault-code table against the server: every code in the table is provoked
//! over HTTP and answered as documented, every case here is in the table, and every code
//! constant the server uses is in the table.

use std::{collections::BTreeSet, time::Duration};

use xmlrpc_core::{Fault, Limits};
use xmlrpc_server::{Overload, Server};

use crate::common::{call, exchange, local, post};

const README: &str = include_str!("../../README.md");

/// The codes in the rows of the README's "Fault codes" table.
fn documented_codes() -> BTreeSet<i32> {
    let section = README
        .split("\n## Fault codes\n")
        .nth(1)
        .expect("the README has a Fault codes section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|line| {
            let cell = line.strip_prefix('|')?.split('|').next()?.trim();
            cell.trim_matches('`').parse().ok()
        })
        .collect()
}

/// One way to make the server answer with a fault.
struct Case {
    code: i32,
    what: &'static str,
    body: Vec<u8>,
    extra_headers: &'static str,
}

fn case(code: i32, what: &'static str, body: impl Into<Vec<u8>>) -> Case {
    Case {
        code,
        what,
        body: body.into(),
        extra_headers: "",
    }
}

fn cases() -> Vec<Case> {
    let int = |n: i32| format!("<param><value><int>{n}</int></value></param>");
    let deep = format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>interop.echo</methodName><params>\
         <param><value>{}1{}</value></param></params></methodCall>",
        "<array><data><value>".repeat(100),
        "</value></data></array>".repeat(100)
    );
    let mut bad_utf8 = call("interop.echo", "<param><value>x</value></param>");
    let at = bad_utf8.len() - 40;
    bad_utf8[at] = 0xFF;
    let gzipped_bad_utf8 = {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&bad_utf8).unwrap();
        encoder.finish().unwrap()
    };
    vec![
        case(
            Fault::PARSE_ERROR,
            "not well-formed",
            "<methodCall><methodName>x</methodName>",
        ),
        case(
            Fault::PARSE_ERROR,
            "a DOCTYPE",
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><methodCall>\
             <methodName>x</methodName></methodCall>",
        ),
        case(Fault::PARSE_ERROR, "nesting over the depth limit", deep),
        case(
            Fault::UNSUPPORTED_ENCODING,
            "an unknown declared encoding",
            "<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?><methodCall>\
             <methodName>x</methodName></methodCall>",
        ),
        case(Fault::INVALID_CHARACTER, "malformed UTF-8", bad_utf8),
        Case {
            code: Fault::INVALID_CHARACTER,
            what: "malformed UTF-8 inside a gzip body",
            body: gzipped_bad_utf8,
            extra_headers: "Content-Encoding: gzip\r\n",
        },
        case(
            Fault::INVALID_CHARACTER,
            "a control character",
            call("interop.echo", "<param><value>a\u{1}b</value></param>"),
        ),
        case(
            Fault::INVALID_REQUEST,
            "well-formed, not a call",
            "<?xml version=\"1.0\"?><methodResponse/>",
        ),
        case(
            Fault::METHOD_NOT_FOUND,
            "an unknown method",
            call("no.such.method", ""),
        ),
        case(
            Fault::INVALID_PARAMS,
            "a string for an int",
            call(
                "interop.add",
                &format!(
                    "<param><value><string>two</string></value></param>{}",
                    int(3)
                ),
            ),
        ),
        case(
            Fault::INVALID_PARAMS,
            "too few parameters",
            call("interop.add", &int(1)),
        ),
        case(
            Fault::INTERNAL_ERROR,
            "a handler that panics",
            call("test.panic", ""),
        ),
        case(
            Fault::INTERNAL_ERROR,
            "a call over the call timeout",
            call("interop.sleep", &int(2000)),
        ),
        case(
            Fault::APPLICATION_ERROR,
            "a handler's own error",
            call("test.application_error", ""),
        ),
    ]
}

/// The code of the fault in an HTTP 200 answer.
fn fault_code(reply: &crate::common::Reply) -> i32 {
    assert_eq!(reply.status, 200, "{reply:?}");
    match xmlrpc_core::read_response_value(&reply.body, &Limits::default()) {
        Ok(Err(fault)) => fault.code,
        other => panic!("a fault, not {other:?}: {}", reply.text()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_code_is_what_the_server_sends() {
    let running = local(
        Server::builder()
            .call_timeout(Some(Duration::from_millis(300)))
            .method("test.panic", |(): ()| async move {
                if true {
                    panic!("a handler bug");
                }
                Ok::<i32, Fault>(0)
            })
            .method("test.application_error", |(): ()| async move {
                Err::<i32, _>(Fault::new(Fault::APPLICATION_ERROR, "no such record"))
            }),
    )
    .await;
    let addr = running.local_addr().unwrap();
    let mut provoked = BTreeSet::new();
    for case in cases() {
        let reply = exchange(addr, &post(&case.body, case.extra_headers))
            .await
            .unwrap_or_else(|| panic!("{}: an answer", case.what));
        assert_eq!(fault_code(&reply), case.code, "{}", case.what);
        provoked.insert(case.code);
    }
    running.shutdown().await;

    // The overload policy `Fault` has a code of its own.
    let busy = local(
        Server::builder()
            .max_workers(1)
            .max_pending(0)
            .overload(Overload::fault()),
    )
    .await;
    let addr = busy.local_addr().unwrap();
    let handle = busy.handle();
    let long_call = post(
        &call(
            "interop.sleep",
            "<param><value><int>1000</int></value></param>",
        ),
        "",
    );
    let sleeper = tokio::spawn(async move { exchange(addr, &long_call).await });
    assert!(crate::common::eventually(|| handle.stats().active == 1).await);
    let reply = exchange(addr, &post(&call("interop.add", ""), ""))
        .await
        .expect("an answer");
    assert_eq!(fault_code(&reply), Fault::SYSTEM_ERROR, "overload");
    provoked.insert(Fault::SYSTEM_ERROR);
    assert!(sleeper.await.unwrap().is_some_and(|r| r.status == 200));
    busy.shutdown().await;

    assert_eq!(
        documented_codes(),
        provoked,
        "the README's fault-code table lists exactly the codes the server sends"
    );
}

#[test]
fn every_code_constant_the_server_uses_is_documented() {
    let documented = documented_codes();
    for code in [
        Fault::PARSE_ERROR,
        Fault::UNSUPPORTED_ENCODING,
        Fault::INVALID_CHARACTER,
        Fault::INVALID_REQUEST,
        Fault::METHOD_NOT_FOUND,
        Fault::INVALID_PARAMS,
        Fault::INTERNAL_ERROR,
        Fault::APPLICATION_ERROR,
        Fault::SYSTEM_ERROR,
    ] {
        assert!(documented.contains(&code), "{code} is not in the README");
    }
    // A transport error is the client's to report; the server never sends it.
    assert!(!documented.contains(&Fault::TRANSPORT_ERROR));
}
