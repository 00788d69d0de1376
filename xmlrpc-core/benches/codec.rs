//! Codec throughput: parsing and writing four payloads, each
//!
//! * typed (serde straight from/to XML: `read_response::<T>` / `encode_value(&T)`),
//! * via `Value` (`read_response_value` / `encode_value(&Value)`),
//! * the ceiling: a raw quick-xml event scan that unescapes text and builds nothing (parsing),
//!   and replaying the same events through quick-xml's `Writer` (writing),
//! * the peer: the `dxr` crate (0.9), dynamic and, where it has conversions, typed.
//!
//! Plus the call of `add(2, 3)` as a server reads it, 32 and 64 levels of nesting, and
//! documents outside the fast path's canonical form (a comment, a CDATA section), which the
//! general reader reads: `ours_general_*` is the general reader alone (the reader before the
//! fast path), for comparison. Throughput is in bytes of the reference document.
//!
//! Run: `cargo bench -p xmlrpc-core --bench codec` (a full run takes a few minutes).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use dxr::TryFromValue;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use xmlrpc_core::__differential as general;
use xmlrpc_core::{
    encode_value, read_call, read_response, read_response_value, write_response, DateTime,
    EncodeOptions, Limits, Value,
};

// ---------------------------------------------------------------------------------------------
// Payloads, written by hand so that every reader sees the same neutral document.

const HEAD: &str = "<?xml version=\"1.0\"?><methodResponse><params><param><value>";
const TAIL: &str = "</value></param></params></methodResponse>";

fn array_doc(items: impl Iterator<Item = String>) -> String {
    let mut s = String::from(HEAD);
    s.push_str("<array><data>");
    for item in items {
        s.push_str("<value>");
        s.push_str(&item);
        s.push_str("</value>");
    }
    s.push_str("</data></array>");
    s.push_str(TAIL);
    s
}

fn ints_doc() -> String {
    array_doc(
        (0..10_000i64).map(|i| format!("<int>{}</int>", (i * 7919 - 3_000_000) % 2_000_000_000)),
    )
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Record {
    id: i32,
    name: String,
    price: f64,
    active: bool,
    created: DateTime,
    tags: Vec<String>,
    qty: i32,
    ratio: f64,
    code: String,
    blob: ByteBuf,
}

fn structs_doc() -> String {
    array_doc((0..2_000).map(|i| {
        format!(
            "<struct>\
<member><name>id</name><value><int>{i}</int></value></member>\
<member><name>name</name><value><string>Item number {i} &amp; friends</string></value></member>\
<member><name>price</name><value><double>{}</double></value></member>\
<member><name>active</name><value><boolean>{}</boolean></value></member>\
<member><name>created</name><value><dateTime.iso8601>2024{:02}{:02}T{:02}:{:02}:{:02}</dateTime.iso8601></value></member>\
<member><name>tags</name><value><array><data><value><string>red</string></value><value><string>tag{i}</string></value></data></array></value></member>\
<member><name>qty</name><value><int>{}</int></value></member>\
<member><name>ratio</name><value><double>{}</double></value></member>\
<member><name>code</name><value><string>C-{i:06}</string></value></member>\
<member><name>blob</name><value><base64>AAECAwQFBgcICQoLDA0ODw==</base64></value></member>\
</struct>",
            f64::from(i) * 1.25 + 0.1,
            i % 2,
            i % 12 + 1,
            i % 28 + 1,
            i % 24,
            i % 60,
            (i * 7) % 60,
            i * 3 - 1000,
            1.0 / f64::from(i + 1),
        )
    }))
}

fn base64_payload() -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..4 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn base64_doc(payload: &[u8]) -> String {
    use base64::Engine;
    format!(
        "{HEAD}<base64>{}</base64>{TAIL}",
        base64::engine::general_purpose::STANDARD.encode(payload)
    )
}

fn strings_doc() -> String {
    array_doc((0..50_000).map(|i| {
        // ~100 bytes of text with one entity each and some non-ASCII every tenth string.
        let accent = if i % 10 == 0 { "caf\u{e9} " } else { "cafe " };
        format!(
            "<string>{accent}string {i:05} of the benchmark &amp; a bit of padding to reach one hundred bytes ok</string>"
        )
    }))
}

fn nested_doc(depth: usize) -> String {
    let mut s = String::from(HEAD);
    for _ in 0..depth - 1 {
        s.push_str("<array><data><value>");
    }
    s.push_str("<array><data><value><int>1</int></value></data></array>");
    for _ in 0..depth - 1 {
        s.push_str("</value></data></array>");
    }
    s.push_str(TAIL);
    s
}

// ---------------------------------------------------------------------------------------------
// The ceiling: scan events, unescape text, build nothing.

fn scan(doc: &[u8]) -> usize {
    let mut reader = Reader::from_reader(doc);
    let mut n = 0usize;
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) | Event::Empty(e) => n += e.name().as_ref().len(),
            Event::End(e) => n += e.name().as_ref().len(),
            Event::Text(t) => n += t.decode().expect("UTF-8").len(),
            Event::CData(t) => n += t.decode().expect("UTF-8").len(),
            Event::GeneralRef(r) => {
                n += match r.resolve_char_ref().expect("char ref") {
                    Some(c) => c.len_utf8(),
                    None => {
                        let name = r.decode().expect("UTF-8");
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .expect("predefined entity")
                            .len()
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    n
}

/// The document as a list of events with unescaped text, to replay through `Writer`.
enum Tok {
    Start(String),
    End(String),
    Empty(String),
    Text(String),
}

fn tokens(doc: &[u8]) -> Vec<Tok> {
    let mut reader = Reader::from_reader(doc);
    let mut toks = Vec::new();
    let name = |q: quick_xml::name::QName| String::from_utf8(q.as_ref().to_vec()).unwrap();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => toks.push(Tok::Start(name(e.name()))),
            Event::Empty(e) => toks.push(Tok::Empty(name(e.name()))),
            Event::End(e) => toks.push(Tok::End(name(e.name()))),
            Event::Text(t) => {
                let text = t.decode().unwrap().into_owned();
                match toks.last_mut() {
                    Some(Tok::Text(prev)) => prev.push_str(&text),
                    _ => toks.push(Tok::Text(text)),
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap())
                        .unwrap()
                        .to_string(),
                };
                match toks.last_mut() {
                    Some(Tok::Text(prev)) => prev.push_str(&c),
                    _ => toks.push(Tok::Text(c)),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    toks
}

fn replay(toks: &[Tok], capacity: usize) -> Vec<u8> {
    let mut w = Writer::new(Vec::with_capacity(capacity));
    w.get_mut().extend_from_slice(b"<?xml version=\"1.0\"?>");
    for t in toks {
        match t {
            Tok::Start(n) => w.write_event(Event::Start(BytesStart::new(n.as_str()))),
            Tok::End(n) => w.write_event(Event::End(BytesEnd::new(n.as_str()))),
            Tok::Empty(n) => w.write_event(Event::Empty(BytesStart::new(n.as_str()))),
            Tok::Text(s) => w.write_event(Event::Text(BytesText::new(s))),
        }
        .unwrap();
    }
    w.into_inner()
}

// ---------------------------------------------------------------------------------------------
// Ours

fn ours_typed<T: DeserializeOwned>(doc: &[u8]) -> T {
    read_response::<T>(doc, &Limits::default())
        .unwrap()
        .unwrap()
}

fn ours_value(doc: &[u8]) -> Value {
    read_response_value(doc, &Limits::default())
        .unwrap()
        .unwrap()
}

fn general_typed<T: DeserializeOwned>(doc: &[u8]) -> T {
    general::read_response_general::<T>(doc, &Limits::default())
        .unwrap()
        .unwrap()
}

fn general_value(doc: &[u8]) -> Value {
    general::read_response_value_general(doc, &Limits::default())
        .unwrap()
        .unwrap()
}

fn ours_write<T: Serialize + ?Sized>(v: &T, capacity: usize) -> Vec<u8> {
    let enc = encode_value(v, &EncodeOptions::default()).unwrap();
    let mut out = Vec::with_capacity(capacity);
    write_response(&enc, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// dxr

fn dxr_value(doc: &[u8]) -> dxr::Value {
    let text = std::str::from_utf8(doc).unwrap();
    dxr::MethodResponse::from_xml(text).unwrap().value
}

fn dxr_write(v: &dxr::Value) -> String {
    dxr::MethodResponse { value: v.clone() }.to_xml().unwrap()
}

/// What dxr's derive would generate for `Record`, written out by hand.
fn dxr_record(v: &dxr::Value) -> Record {
    let m = BTreeMap::<String, dxr::Value>::try_from_value(v).unwrap();
    let dt = dxr::DateTime::try_from_value(&m["created"]).unwrap();
    Record {
        id: i32::try_from_value(&m["id"]).unwrap(),
        name: String::try_from_value(&m["name"]).unwrap(),
        price: f64::try_from_value(&m["price"]).unwrap(),
        active: bool::try_from_value(&m["active"]).unwrap(),
        created: DateTime::new(
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
        )
        .unwrap(),
        tags: Vec::<String>::try_from_value(&m["tags"]).unwrap(),
        qty: i32::try_from_value(&m["qty"]).unwrap(),
        ratio: f64::try_from_value(&m["ratio"]).unwrap(),
        code: String::try_from_value(&m["code"]).unwrap(),
        blob: ByteBuf::from(Vec::<u8>::try_from_value(&m["blob"]).unwrap()),
    }
}

// ---------------------------------------------------------------------------------------------

fn configure<'c>(
    c: &'c mut Criterion,
    name: &str,
    bytes: usize,
) -> BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes as u64))
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(10);
    g
}

/// Parse and write benchmarks of one payload; `typed` is the payload as its Rust type.
fn payload<T>(c: &mut Criterion, name: &str, doc: &str, dxr_typed: fn(&dxr::Value) -> T)
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let doc = doc.as_bytes();
    // Everyone reads the document to the same thing before anything is timed.
    let typed: T = ours_typed(doc);
    let value = ours_value(doc);
    let dxr = dxr_value(doc);
    assert_eq!(dxr_typed(&dxr), typed, "dxr and ours disagree on {name}");
    let toks = tokens(doc);
    assert!(scan(doc) > 0);

    let mut g = configure(c, &format!("parse/{name}"), doc.len());
    g.bench_function("ours_typed", |b| b.iter(|| ours_typed::<T>(black_box(doc))));
    g.bench_function("ours_value", |b| b.iter(|| ours_value(black_box(doc))));
    g.bench_function("ceiling_quick_xml_scan", |b| {
        b.iter(|| scan(black_box(doc)))
    });
    g.bench_function("ours_general_typed", |b| {
        b.iter(|| general_typed::<T>(black_box(doc)))
    });
    g.bench_function("ours_general_value", |b| {
        b.iter(|| general_value(black_box(doc)))
    });
    g.bench_function("dxr_value", |b| b.iter(|| dxr_value(black_box(doc))));
    g.bench_function("dxr_typed", |b| {
        b.iter(|| dxr_typed(&dxr_value(black_box(doc))))
    });
    g.finish();

    let cap = doc.len() + doc.len() / 4;
    let mut g = configure(c, &format!("write/{name}"), doc.len());
    g.bench_function("ours_typed", |b| {
        b.iter(|| ours_write(black_box(&typed), cap))
    });
    g.bench_function("ours_value", |b| {
        b.iter(|| ours_write(black_box(&value), cap))
    });
    g.bench_function("ceiling_quick_xml_writer_replay", |b| {
        b.iter(|| replay(black_box(&toks), cap))
    });
    g.bench_function("dxr_value", |b| b.iter(|| dxr_write(black_box(&dxr))));
    g.finish();
}

fn benches(c: &mut Criterion) {
    payload(c, "ints_10k", &ints_doc(), |v| {
        Vec::<i32>::try_from_value(v).unwrap()
    });
    payload(c, "structs_2k", &structs_doc(), |v| {
        let dxr::Value::Array(items) = v else {
            panic!("array")
        };
        items.iter().map(dxr_record).collect::<Vec<Record>>()
    });
    let blob = base64_payload();
    let doc = base64_doc(&blob);
    payload(c, "base64_4mib", &doc, |v| {
        ByteBuf::from(Vec::<u8>::try_from_value(v).unwrap())
    });
    payload(c, "strings_50k", &strings_doc(), |v| {
        Vec::<String>::try_from_value(v).unwrap()
    });

    // 64 levels of nesting parse; dxr gives up well before.
    let deep = nested_doc(64);
    let v = ours_value(deep.as_bytes());
    let mut depth = 0;
    let mut cur = &v;
    while let Value::Array(a) = cur {
        depth += 1;
        cur = &a[0];
    }
    assert_eq!(depth, 64);
    let dxr_depth = (1..=64)
        .find(|&d| {
            let doc = nested_doc(d);
            dxr::MethodResponse::from_xml(&doc).is_err()
        })
        .map_or_else(
            || "parses 64".to_string(),
            |d| format!("fails at {d} levels"),
        );
    eprintln!("nesting: ours parses 64 levels; dxr {dxr_depth}");
    for depth in [32, 64] {
        let deep = nested_doc(depth);
        let doc = deep.as_bytes();
        let mut g = configure(c, &format!("parse/nested_{depth}"), doc.len());
        // Typed: serde's `Deserialize` for `Value` (the visitor path), not the direct builder.
        g.bench_function("ours_typed", |b| {
            b.iter(|| ours_typed::<Value>(black_box(doc)))
        });
        g.bench_function("ours_value", |b| b.iter(|| ours_value(black_box(doc))));
        g.bench_function("ceiling_quick_xml_scan", |b| {
            b.iter(|| scan(black_box(doc)))
        });
        g.bench_function("ours_general_value", |b| {
            b.iter(|| general_value(black_box(doc)))
        });
        g.finish();
    }

    add_call(c);
    fallback(c);
}

/// The call of `add(2, 3)` as a server reads it: the call, then the typed arguments or values.
fn add_call(c: &mut Criterion) {
    let doc =
        b"<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>calc.add</methodName>\n<params>\n\
<param>\n<value><int>2</int></value>\n</param>\n<param>\n<value><int>3</int></value>\n</param>\n\
</params>\n</methodCall>\n";
    let typed = |doc: &[u8]| -> (i32, i32) {
        read_call(doc, &Limits::default())
            .unwrap()
            .params
            .decode()
            .unwrap()
    };
    assert_eq!(typed(doc), (2, 3));
    let mut g = configure(c, "parse/add_call", doc.len());
    g.bench_function("ours_typed", |b| b.iter(|| typed(black_box(doc))));
    g.bench_function("ours_value", |b| {
        b.iter(|| {
            read_call(black_box(doc), &Limits::default())
                .unwrap()
                .params
                .to_values()
                .unwrap()
        })
    });
    g.bench_function("ceiling_quick_xml_scan", |b| {
        b.iter(|| scan(black_box(doc)))
    });
    g.bench_function("ours_general_typed", |b| {
        b.iter(|| {
            general::read_call_general(black_box(doc), &Limits::default())
                .unwrap()
                .params
                .decode::<(i32, i32)>()
                .unwrap()
        })
    });
    g.finish();
}

/// Documents the fast path gives up on: a comment after the root's start tag, a CDATA
/// section in the last value (the worst case: the fast path reads nearly all of it first).
fn fallback(c: &mut Criterion) {
    let ints = ints_doc();
    let comment = ints.replacen("<params>", "<!-- generated --><params>", 1);
    let at = ints.rfind("<int>").unwrap() + 5;
    let cdata = format!("{}<![CDATA[]]>{}", &ints[..at], &ints[at..]);
    for (name, doc) in [
        ("ints_10k_comment", comment),
        ("ints_10k_cdata_last", cdata),
    ] {
        let doc = doc.as_bytes();
        assert_eq!(ours_value(doc), general_value(doc));
        let mut g = configure(c, &format!("parse/{name}"), doc.len());
        g.bench_function("ours_typed", |b| {
            b.iter(|| ours_typed::<Vec<i64>>(black_box(doc)))
        });
        g.bench_function("ours_value", |b| b.iter(|| ours_value(black_box(doc))));
        g.bench_function("ours_general_typed", |b| {
            b.iter(|| general_typed::<Vec<i64>>(black_box(doc)))
        });
        g.bench_function("ours_general_value", |b| {
            b.iter(|| general_value(black_box(doc)))
        });
        g.finish();
    }
}

criterion_group!(codec, benches);
criterion_main!(codec);
