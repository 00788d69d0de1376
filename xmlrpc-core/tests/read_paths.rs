//! Which reader reads which document: requests captured from real clients (Python's
//! `xmlrpc.client`, xmlrpc-c's `xmlrpc` tool, Ruby's xmlrpc gem, Perl's RPC::XML) take the fast
//! path; documents outside its subset fall back to the general reader and read the same.
//! Every client is required (the CI installs them): a missing one fails the test.
//!
//! Also the reader's rules about end tags and method names, on both paths.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use xmlrpc_core::__differential as diff;
use xmlrpc_core::{last_read_path, read_call, read_response_value, Limits, ReadPath, Value};

const REPLY: &str = "<?xml version=\"1.0\"?><methodResponse><params><param><value><int>1</int>\
    </value></param></params></methodResponse>";

/// Runs `cmd` (which gets the URL as its last argument) against a one-shot HTTP listener on
/// loopback and returns the body of the request it sent.
fn capture(program: &str, args: &[&str]) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "http://127.0.0.1:{}/RPC2",
        listener.local_addr().unwrap().port()
    );
    let mut args: Vec<String> = args.iter().map(|s| s.replace("{url}", &url)).collect();
    if !args.iter().any(|a| a.contains(&url)) {
        args.push(url);
    }
    let mut child = Command::new(program)
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} is required for this test: {e}"));
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let stream = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(_) if Instant::now() < deadline => {
                if let Ok(Some(status)) = child.try_wait() {
                    let mut err = String::new();
                    child.stderr.take().unwrap().read_to_string(&mut err).ok();
                    panic!("{program} exited ({status}) without connecting: {err}");
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => {
                let _ = child.kill();
                panic!("{program} did not connect: {e}");
            }
        }
    };
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut rd = BufReader::new(stream);
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        rd.read_line(&mut line).expect("request headers");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().expect("a Content-Length");
            }
        }
    }
    let mut body = vec![0; len];
    rd.read_exact(&mut body).expect("request body");
    let mut stream = rd.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{REPLY}",
        REPLY.len()
    );
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    body
}

/// Reads `body` as a call, asserting the path it took and that both readers agree.
fn call_via(body: &[u8], want: ReadPath) -> (String, Vec<Value>) {
    let text = String::from_utf8_lossy(body);
    let call = read_call(body, &Limits::default()).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(last_read_path(), Some(want), "{text}");
    let values = call.params.to_values().unwrap();
    let general = diff::read_call_general(body, &Limits::default()).unwrap();
    assert_eq!(general.name, call.name);
    assert_eq!(general.params.to_values().unwrap(), values);
    let fast = diff::read_call_fast(body, &Limits::default());
    assert_eq!(fast.is_some(), want == ReadPath::Fast, "{text}");
    (call.name, values)
}

fn assert_sample(name: &str, values: &[Value]) {
    assert_eq!(name, "sample.echo");
    assert_eq!(values[0], Value::Int(42));
    assert_eq!(values[1], Value::String("a <b> & \"c\" 'd' ü".into()));
    assert!(values.len() >= 4, "{values:?}");
}

#[test]
fn python_requests_take_the_fast_path() {
    let script = "import sys, xmlrpc.client as x\n\
        p = x.ServerProxy(sys.argv[1], allow_none=True)\n\
        p.sample.echo(42, 'a <b> & \"c\" \\'d\\' \\u00fc', 2.5, True, [1, 'two', [3.0]],\n\
            {'k': 1, 'nested': {'deep': 'yes'}}, x.Binary(b'\\x00\\xffbin'),\n\
            x.DateTime('20260101T10:20:30'), None)\n";
    let body = capture("python3", &["-c", script]);
    let (name, values) = call_via(&body, ReadPath::Fast);
    assert_sample(&name, &values);
    assert_eq!(values.len(), 9);
    assert_eq!(values[8], Value::Nil);
}

#[test]
fn ruby_requests_take_the_fast_path() {
    let script = "require 'xmlrpc/client'\n\
        u = URI.parse(ARGV[0])\n\
        c = XMLRPC::Client.new(u.host, u.path, u.port)\n\
        c.call('sample.echo', 42, \"a <b> & \\\"c\\\" 'd' \\u00fc\", 2.5, true, [1, 'two', [3.0]],\n\
          {'k' => 1, 'nested' => {'deep' => 'yes'}}, XMLRPC::Base64.new(\"\\x00\\xffbin\".b),\n\
          XMLRPC::DateTime.new(2026, 1, 1, 10, 20, 30))\n";
    let body = capture("ruby", &["-e", script]);
    let (name, values) = call_via(&body, ReadPath::Fast);
    assert_sample(&name, &values);
}

#[test]
fn perl_requests_take_the_fast_path() {
    let script = "use RPC::XML; use RPC::XML::Client; binmode STDOUT;\n\
        my $c = RPC::XML::Client->new($ARGV[0]);\n\
        $c->simple_request('sample.echo', RPC::XML::int->new(42),\n\
          RPC::XML::string->new(\"a <b> & \\\"c\\\" 'd' \\x{fc}\"), RPC::XML::double->new(2.5),\n\
          RPC::XML::boolean->new(1), [1, 'two', [RPC::XML::double->new(3.0)]],\n\
          {k => 1, nested => {deep => 'yes'}}, RPC::XML::base64->new(\"\\x00\\xffbin\"),\n\
          RPC::XML::datetime_iso8601->new('20260101T10:20:30'));\n";
    let body = capture("perl", &["-e", script]);
    let (name, values) = call_via(&body, ReadPath::Fast);
    assert_sample(&name, &values);
}

#[test]
fn xmlrpc_c_requests_take_the_fast_path() {
    let body = capture(
        "xmlrpc",
        &[
            "{url}",
            "sample.echo",
            "i/42",
            "s/a <b> & \"c\" 'd' \u{fc}",
            "d/2.5",
            "b/true",
            "array/(i/1,s/two,array/(d/3.0))",
            "struct/{k:i/1,nested:struct/{deep:s/yes}}",
            "n/",
            "I/9000000000",
        ],
    );
    let (name, values) = call_via(&body, ReadPath::Fast);
    assert_sample(&name, &values);
    assert_eq!(values.last(), Some(&Value::I8(9_000_000_000)));
}

/// A canonical call and the same call with something outside the fast path's subset.
#[test]
fn exotic_documents_fall_back_and_read_the_same() {
    let plain = "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>m</methodName>\n<params>\n\
        <param><value><struct><member><name>a</name><value><int>1</int></value></member>\
        </struct></value></param>\n<param><value><string>x y</string></value></param>\n\
        </params>\n</methodCall>\n";
    let (_, want) = call_via(plain.as_bytes(), ReadPath::Fast);
    for (from, to) in [
        ("<params>", "<!-- a comment --><params>"),
        ("x y", "x<![CDATA[ ]]>y"),
        ("<methodName>", "<?pi here?><methodName>"),
        ("<struct>", "<struct >"),
        ("</int>", "</int >"),
        ("<methodCall>", "<methodCall a=\"b\">"),
        ("<int>1</int>", "<i4 >1</i4>"),
        ("\n</methodCall>\n", "\n</methodCall>\n<!-- after -->"),
    ] {
        let doc = plain.replace(from, to);
        let (_, got) = call_via(doc.as_bytes(), ReadPath::General);
        assert_eq!(got, want, "{doc}");
    }
}

#[test]
fn responses_report_their_path() {
    let doc = b"<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>\
        <value><i4>1</i4></value><value>two</value></data></array></value></param></params>\
        </methodResponse>";
    let v = read_response_value(doc, &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(last_read_path(), Some(ReadPath::Fast));
    assert_eq!(
        v,
        Value::Array(vec![Value::Int(1), Value::String("two".into())])
    );
    let doc = b"<methodResponse><!-- hi --><fault><value><struct><member><name>faultCode</name>\
        <value><int>4</int></value></member><member><name>faultString</name><value>no</value>\
        </member></struct></value></fault></methodResponse>";
    let f = read_response_value(doc, &Limits::default())
        .unwrap()
        .unwrap_err();
    assert_eq!(last_read_path(), Some(ReadPath::General));
    assert_eq!((f.code, f.string.as_str()), (4, "no"));
}

#[test]
fn a_mismatched_end_tag_is_a_parse_error() {
    for doc in [
        "<methodCall><methodName>m</methodName><params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><int>1</int></value></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><array><data></array></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><struct></array></value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param></params></methodCall>",
    ] {
        let e = read_call(doc.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e.fault_code(), -32700, "{doc}: {e}");
    }
    // Well-formed but not XML-RPC: -32600.
    for doc in [
        "<methodCall><methodName>m</methodName><params><value/></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param></param></params></methodCall>",
        "<methodCall><methodName>m</methodName><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodCall>",
    ] {
        let e = read_call(doc.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e.fault_code(), -32600, "{doc}: {e}");
    }
}

#[test]
fn the_method_name_is_taken_as_written() {
    for (doc, want) in [
        (
            "<methodCall><methodName>interop.add </methodName></methodCall>",
            "interop.add ",
        ),
        (
            "<methodCall><methodName>\n a.b\n</methodName></methodCall>",
            "\n a.b\n",
        ),
        (
            "<methodCall><methodName>a&#x2e;b</methodName></methodCall>",
            "a.b",
        ),
    ] {
        let call = read_call(doc.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(call.name, want);
        assert_eq!(last_read_path(), Some(ReadPath::Fast));
        let general = diff::read_call_general(doc.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(general.name, want);
    }
}
