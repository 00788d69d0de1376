//! Hostile documents and requests against a server in a child process: each is answered
//! with a fault or a 4xx within 10 s, never a panic, the next normal call is served, and the
//! server's peak memory stays bounded.

use std::time::Duration;

use crate::common::{assert_served, call, exchange_within, post, ChildServer, NO_HANG};

/// The request-size cap of the child server (11 MiB), so that 10 MB documents get parsed.
const CAP: usize = 11 << 20;

/// What a case must be answered with.
enum Expect {
    /// A fault or a 4xx status.
    Refused,
    /// HTTP 200 with a result (a valid document).
    Result,
    /// Either a result or a fault / 4xx (behaviour the contract leaves open).
    Either,
}

struct Case {
    name: &'static str,
    request: Vec<u8>,
    expect: Expect,
}

fn refused(name: &'static str, body: Vec<u8>) -> Case {
    Case {
        name,
        request: post(&body, ""),
        expect: Expect::Refused,
    }
}

fn param(value_xml: &str) -> Vec<u8> {
    call(
        "interop.echo",
        &format!("<param><value>{value_xml}</value></param>"),
    )
}

fn with_doctype(doctype: &str, value: &str) -> Vec<u8> {
    let mut doc = format!("<?xml version=\"1.0\"?>{doctype}").into_bytes();
    doc.extend_from_slice(&param(value)[21..]);
    doc
}

fn billion_laughs() -> Vec<u8> {
    let mut dtd = String::from("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
    for level in 1..10 {
        let refs = format!("&lol{};", level - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{level} \"{refs}\">"));
    }
    dtd.push_str("]>");
    with_doctype(&dtd, "<string>&lol9;</string>")
}

fn nested(depth: usize, open: &str, close: &str, closed: bool) -> Vec<u8> {
    let mut value = open.repeat(depth);
    value.push_str("<int>1</int>");
    if closed {
        value.push_str(&close.repeat(depth));
    }
    param(&value)
}

/// A valid document of exactly `CAP` bytes: 10 MB of nested arrays padded with blanks.
fn wide_arrays_at_cap() -> Vec<u8> {
    let row = format!(
        "<value><array><data>{}</data></array></value>",
        "<value><int>1</int></value>".repeat(1000)
    );
    let rows = (CAP - 4096) / row.len();
    let mut doc = param(&format!(
        "<array><data><value><array><data>{}</data></array></value></data></array>",
        row.repeat(rows)
    ));
    assert!(doc.len() <= CAP);
    doc.resize(CAP, b' ');
    doc
}

/// Deterministic noise (xorshift), so a failure can be replayed.
fn random_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        refused("billion laughs", billion_laughs()),
        refused(
            "external entity file:///etc/passwd",
            with_doctype(
                "<!DOCTYPE m [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
                "<string>&xxe;</string>",
            ),
        ),
        refused(
            "external DTD over the network",
            with_doctype(
                "<!DOCTYPE methodCall SYSTEM \"http://127.0.0.1:9/evil.dtd\">",
                "<string>x</string>",
            ),
        ),
        refused("undeclared entity", param("<string>&nope;</string>")),
        refused(
            "100,000-deep arrays",
            nested(
                100_000,
                "<array><data><value>",
                "</value></data></array>",
                true,
            ),
        ),
        refused(
            "100,000-deep structs",
            nested(
                100_000,
                "<struct><member><name>a</name><value>",
                "</value></member></struct>",
                true,
            ),
        ),
        refused(
            "100,000 unclosed arrays",
            nested(100_000, "<array><data><value>", "", false),
        ),
        refused("one byte over the size cap", vec![b' '; CAP + 1]),
        refused(
            "forbidden control characters",
            param("<string>ab\u{0}\u{1}</string>"),
        ),
        refused("truncated XML", {
            let doc = param("<string>complete</string>");
            doc[..doc.len() / 2].to_vec()
        }),
        refused("empty body", Vec::new()),
        refused("random bytes", random_bytes(64 << 10)),
        refused(
            "not XML-RPC",
            b"<?xml version=\"1.0\"?><foo><bar/></foo>".to_vec(),
        ),
        refused("1 MB method name", call(&"a".repeat(1 << 20), "")),
        refused(
            "100,000 params",
            call(
                "interop.echo",
                &"<param><value><int>1</int></value></param>".repeat(100_000),
            ),
        ),
        refused("huge <int>", param("<int>99999999999999999999999999</int>")),
        refused("huge <i8>", param("<i8>99999999999999999999999999</i8>")),
        refused(
            "1 MB of digits",
            param(&format!("<int>{}</int>", "9".repeat(1 << 20))),
        ),
        refused("<double> inf", param("<double>inf</double>")),
        refused("<double> -Infinity", param("<double>-Infinity</double>")),
        refused("<double> nan", param("<double>nan</double>")),
        refused("<double> 1e400", param("<double>1e400</double>")),
        Case {
            name: "<double> 1e5",
            request: post(&param("<double>1e5</double>"), ""),
            expect: Expect::Either,
        },
        refused("invalid base64", param("<base64>!!!!</base64>")),
        refused("base64 padding inside", param("<base64>QQ==QQ==</base64>")),
        refused(
            "1999-02-29",
            param("<dateTime.iso8601>19990229T00:00:00</dateTime.iso8601>"),
        ),
        refused(
            "month 13",
            param("<dateTime.iso8601>20001301T00:00:00</dateTime.iso8601>"),
        ),
        refused(
            "hour 25",
            param("<dateTime.iso8601>20000101T25:00:00</dateTime.iso8601>"),
        ),
        refused(
            "garbage date",
            param("<dateTime.iso8601>yesterday</dateTime.iso8601>"),
        ),
        Case {
            name: "100 KB header line",
            request: post(
                &param("<int>1</int>"),
                &format!("X-Big: {}\r\n", "a".repeat(100_000)),
            ),
            expect: Expect::Refused,
        },
        Case {
            name: "500 headers",
            request: post(
                &param("<int>1</int>"),
                &(0..500)
                    .map(|i| format!("X-H{i}: v\r\n"))
                    .collect::<String>(),
            ),
            expect: Expect::Refused,
        },
    ];
    cases.push(Case {
        name: "64 KB request target",
        request: format!(
            "POST /{} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "a".repeat(64 << 10)
        )
        .into_bytes(),
        expect: Expect::Refused,
    });
    cases.push(Case {
        name: "invalid UTF-8 bytes",
        request: post(
            &{
                let mut doc = param("<string>XX</string>");
                let at = doc.windows(2).position(|w| w == b"XX").expect("marker");
                doc[at] = 0xFF;
                doc[at + 1] = 0xFE;
                doc
            },
            "",
        ),
        expect: Expect::Refused,
    });
    // Last, so that the peak memory figures of the cases before it stay apart.
    cases.push(Case {
        name: "10 MB of nested arrays at the size cap",
        request: post(&wide_arrays_at_cap(), ""),
        expect: Expect::Result,
    });
    cases
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_documents_are_refused_with_bounded_memory() {
    let max = CAP.to_string();
    let server = ChildServer::spawn(&["--max-workers", "4", "--max-request-size", &max]);
    assert_served(server.addr).await;
    let idle_kib = server.memory_kib("VmHWM");
    let mut report = Vec::new();
    for case in cases() {
        eprintln!("hostile case: {}", case.name);
        // Parsing and echoing 10 MB in a debug build on a busy machine takes a while.
        let bound = if case.request.len() > 1 << 20 {
            Duration::from_secs(60)
        } else {
            NO_HANG
        };
        let reply = exchange_within(server.addr, &case.request, bound).await;
        // A server that closes without a word on hostile header input is allowed (HTTP).
        let ok = match (&reply, &case.expect) {
            (None, Expect::Refused) => case.name.contains("header") || case.name.contains("target"),
            (None, _) => false,
            (Some(r), Expect::Refused) => r.is_fault_or_4xx(),
            (Some(r), Expect::Result) => r.status == 200 && !r.text().contains("<fault>"),
            (Some(r), Expect::Either) => r.status == 200 || r.is_fault_or_4xx(),
        };
        let text = reply.as_ref().map(|r| r.text()).unwrap_or_default();
        assert!(
            ok,
            "{}: {:?}",
            case.name,
            reply.as_ref().map(|r| (r.status, &r.head))
        );
        assert!(!text.contains("panic"), "{}: {text}", case.name);
        assert!(
            !text.contains("root:"),
            "{}: an entity was resolved",
            case.name
        );
        assert_served(server.addr).await;
        let summary = match &reply {
            None => "closed".to_string(),
            Some(r) if r.status == 200 && text.contains("<fault>") => {
                let code = text
                    .split("<int>")
                    .nth(1)
                    .and_then(|t| t.split('<').next())
                    .unwrap_or("?");
                format!("fault {code}")
            }
            Some(r) => format!("HTTP {}", r.status),
        };
        let peak = server.memory_kib("VmHWM");
        report.push(format!(
            "{:<40} {:<14} peak RSS +{} KiB",
            case.name,
            summary,
            peak.saturating_sub(idle_kib)
        ));
    }
    let peak_kib = server.memory_kib("VmHWM");
    eprintln!("idle peak RSS {idle_kib} KiB\n{}", report.join("\n"));
    // 10 MB documents are parsed into values and echoed: allow a generous multiple.
    assert!(
        peak_kib.saturating_sub(idle_kib) < 256 << 10,
        "peak RSS grew from {idle_kib} KiB to {peak_kib} KiB"
    );
}
