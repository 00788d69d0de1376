//! Property tests: arbitrary values and typed structs survive every write/read path.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use xmlrpc_core::{
    encode_value, from_value, read_call, read_response, read_response_value, to_value, write_call,
    write_response, DateTime, EncodeOptions, Limits, Map, Value,
};

// ---------------------------------------------------------------------------------------------
// Strategies

/// Characters XML 1.0 allows, with the ones that need escaping and the line ends favoured.
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range(' ', '~'),
        2 => prop::sample::select(vec!['<', '>', '&', '"', '\'', ']', ' ', '\n', '\t', '\r']),
        1 => prop::char::range('\u{80}', '\u{D7FF}'),
        1 => prop::char::range('\u{E000}', '\u{FFFD}'),
        1 => prop::char::range('\u{10000}', '\u{10FFFF}'),
    ]
}

fn xml_string() -> impl Strategy<Value = String> {
    prop::collection::vec(xml_char(), 0..24).prop_map(String::from_iter)
}

fn finite_double() -> impl Strategy<Value = f64> {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO,
        prop::sample::select(vec![
            0.1,
            1e-7,
            1e300,
            -0.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324
        ]),
    ]
}

fn datetime() -> impl Strategy<Value = DateTime> {
    (
        (1u16..=9999, 1u8..=12, 1u8..=31, 0u8..24, 0u8..60, 0u8..60),
        prop_oneof![3 => Just(None), 1 => (-1439i16..=1439).prop_map(Some)],
    )
        .prop_filter_map("a real date", |((y, mo, d, h, mi, s), offset)| {
            DateTime::new(y, mo, d, h, mi, s)
                .ok()
                .map(|dt| dt.with_offset(offset))
        })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Int),
        any::<i64>().prop_map(Value::I8),
        any::<bool>().prop_map(Value::Bool),
        xml_string().prop_map(Value::String),
        finite_double().prop_map(Value::Double),
        datetime().prop_map(Value::DateTime),
        prop::collection::vec(any::<u8>(), 0..48).prop_map(Value::Base64),
        Just(Value::Nil),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((xml_string(), inner), 0..6)
                .prop_map(|members| Value::Struct(members.into_iter().collect::<Map>())),
        ]
    })
}

/// Equality that tells `-0.0` from `0.0` (and would tell NaN payloads apart).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Struct(x), Value::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

fn response(v: &Value, options: &EncodeOptions) -> Vec<u8> {
    let enc = encode_value(v, options).expect("every value encodes");
    let mut out = Vec::new();
    write_response(&enc, &mut out);
    out
}

macro_rules! prop_assert_same {
    ($got:expr, $want:expr, $doc:expr) => {
        prop_assert!(
            same(&$got, &$want),
            "\n got:  {:?}\n want: {:?}\n doc:  {}",
            $got,
            $want,
            String::from_utf8_lossy(&$doc[..])
        )
    };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn value_through_response(v in arb_value()) {
        let limits = Limits::default();
        for options in [
            EncodeOptions::default(),
            EncodeOptions { extension_namespace: true, ..EncodeOptions::default() },
        ] {
            let doc = response(&v, &options);
            let back = read_response_value(&doc, &limits).unwrap().unwrap();
            prop_assert_same!(back, v, doc);
            // The typed path into Value agrees.
            let typed: Value = read_response(&doc, &limits).unwrap().unwrap();
            prop_assert_same!(typed, v, doc);
        }
    }

    #[test]
    fn value_through_call(v in arb_value(), name in "[A-Za-z_][A-Za-z0-9_.:/]{0,30}") {
        let limits = Limits::default();
        let mut doc = Vec::new();
        write_call(&name, &(&v, 7i32, &v), &EncodeOptions::default(), &mut doc).unwrap();
        let call = read_call(&doc, &limits).unwrap();
        prop_assert_eq!(&call.name, &name);
        let values = call.params.to_values().unwrap();
        prop_assert_eq!(values.len(), 3);
        prop_assert_same!(values[0], v, doc);
        prop_assert_same!(values[1], Value::Int(7), doc);
        prop_assert_same!(values[2], v, doc);
        let (a, n, b): (Value, i32, Value) = call.params.decode().unwrap();
        prop_assert_same!(a, v, doc);
        prop_assert_eq!(n, 7);
        prop_assert_same!(b, v, doc);
        let mut args = call.params.args();
        let a: Value = args.required("a").unwrap();
        let n: i32 = args.required("n").unwrap();
        let b: Option<Value> = args.optional("b").unwrap();
        args.finish("3").unwrap();
        prop_assert_same!(a, v, doc);
        prop_assert_eq!(n, 7);
        match b {
            None => prop_assert_eq!(&v, &Value::Nil),
            Some(b) => prop_assert_same!(b, v, doc),
        }
    }

    #[test]
    fn value_through_serde(v in arb_value()) {
        let converted = to_value(&v).unwrap();
        prop_assert_same!(converted, v, b"(no document)");
        let back: Value = from_value(v.clone()).unwrap();
        prop_assert_same!(back, v, b"(no document)");
    }

    #[test]
    fn strings_survive_exactly(s in xml_string()) {
        let v = Value::String(s.clone());
        let doc = response(&v, &EncodeOptions::default());
        let back: String = read_response(&doc, &Limits::default()).unwrap().unwrap();
        prop_assert_eq!(&back, &s, "doc: {}", String::from_utf8_lossy(&doc));
        // A raw CR in the document would be read back as LF by any conforming XML reader.
        prop_assert!(!doc.contains(&b'\r'), "raw CR written: {}", String::from_utf8_lossy(&doc));
    }

    #[test]
    fn doubles_survive_exactly(d in finite_double()) {
        let doc = response(&Value::Double(d), &EncodeOptions::default());
        let back: f64 = read_response(&doc, &Limits::default()).unwrap().unwrap();
        prop_assert_eq!(back.to_bits(), d.to_bits(), "doc: {}", String::from_utf8_lossy(&doc));
    }
}

// ---------------------------------------------------------------------------------------------
// Typed structs

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Kind {
    Alpha,
    Beta,
    Gamma,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Inner {
    x: f64,
    label: Option<String>,
    #[serde(with = "serde_bytes")]
    raw: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    id: i32,
    big: i64,
    small: u8,
    medium: i16,
    unsigned: u32,
    wide: u64,
    flag: bool,
    name: String,
    score: f64,
    ratio: f32,
    letter: char,
    maybe: Option<i32>,
    tags: Vec<String>,
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
    when: DateTime,
    pair: (i32, String),
    kind: Kind,
    attrs: BTreeMap<String, i32>,
    nested: Vec<Inner>,
    inner: Option<Inner>,
    matrix: Vec<Vec<i64>>,
}

fn arb_inner() -> impl Strategy<Value = Inner> {
    (
        finite_double(),
        prop::option::of(xml_string()),
        prop::collection::vec(any::<u8>(), 0..16),
    )
        .prop_map(|(x, label, raw)| Inner { x, label, raw })
}

fn arb_record() -> impl Strategy<Value = Record> {
    let scalars = (
        any::<i32>(),
        any::<i64>(),
        any::<u8>(),
        any::<i16>(),
        any::<u32>(),
        0..=i64::MAX as u64,
        any::<bool>(),
        xml_string(),
        finite_double(),
        (prop::num::f32::NORMAL
            | prop::num::f32::ZERO
            | prop::num::f32::NEGATIVE
            | prop::num::f32::POSITIVE),
        xml_char(),
        prop::option::of(any::<i32>()),
    );
    let compound = (
        prop::collection::vec(xml_string(), 0..4),
        prop::collection::vec(any::<u8>(), 0..32),
        datetime(),
        (any::<i32>(), xml_string()),
        prop::sample::select(vec![Kind::Alpha, Kind::Beta, Kind::Gamma]),
        prop::collection::btree_map(xml_string(), any::<i32>(), 0..4),
        prop::collection::vec(arb_inner(), 0..3),
        prop::option::of(arb_inner()),
        prop::collection::vec(prop::collection::vec(any::<i64>(), 0..3), 0..3),
    );
    (scalars, compound).prop_map(
        |(
            (id, big, small, medium, unsigned, wide, flag, name, score, ratio, letter, maybe),
            (tags, blob, when, pair, kind, attrs, nested, inner, matrix),
        )| Record {
            id,
            big,
            small,
            medium,
            unsigned,
            wide,
            flag,
            name,
            score,
            ratio,
            letter,
            maybe,
            tags,
            blob,
            when,
            pair,
            kind,
            attrs,
            nested,
            inner,
            matrix,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn typed_struct_round_trips(r in arb_record()) {
        let limits = Limits::default();
        let options = EncodeOptions::default();

        // Straight to XML and straight back.
        let enc = encode_value(&r, &options).unwrap();
        let mut doc = Vec::new();
        write_response(&enc, &mut doc);
        let back: Record = read_response(&doc, &limits).unwrap().unwrap();
        prop_assert_eq!(&back, &r, "doc: {}", String::from_utf8_lossy(&doc));

        // Through Value.
        let v = to_value(&r).unwrap();
        let back: Record = from_value(v.clone()).unwrap();
        prop_assert_eq!(&back, &r);

        // The typed writer and to_value describe the same XML-RPC value.
        let dynamic = read_response_value(&doc, &limits).unwrap().unwrap();
        prop_assert_same!(dynamic, v, doc);
        let back: Record = from_value(dynamic).unwrap();
        prop_assert_eq!(&back, &r);

        // Written from the Value, read typed.
        let doc2 = response(&v, &options);
        let back: Record = read_response(&doc2, &limits).unwrap().unwrap();
        prop_assert_eq!(&back, &r, "doc: {}", String::from_utf8_lossy(&doc2));

        // As call parameters.
        let mut call_doc = Vec::new();
        write_call("records.put", &(&r, 5u8), &options, &mut call_doc).unwrap();
        let call = read_call(&call_doc, &limits).unwrap();
        prop_assert_eq!(call.name.as_str(), "records.put");
        let (back, five): (Record, u8) = call.params.decode().unwrap();
        prop_assert_eq!(&back, &r);
        prop_assert_eq!(five, 5);
        let mut args = call.params.args();
        let back: Record = args.required("record").unwrap();
        prop_assert_eq!(&back, &r);
        let five: i32 = args.required("n").unwrap();
        prop_assert_eq!(five, 5);
        args.finish("2").unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Mapping spot checks the properties rely on

#[test]
fn mapping_of_rust_types() {
    assert_eq!(to_value(&5u8).unwrap(), Value::Int(5));
    assert_eq!(to_value(&-5i16).unwrap(), Value::Int(-5));
    assert_eq!(to_value(&5i64).unwrap(), Value::I8(5));
    assert_eq!(to_value(&5u32).unwrap(), Value::I8(5));
    assert_eq!(to_value(&5u64).unwrap(), Value::I8(5));
    assert!(to_value(&u64::MAX).is_err(), "u64 beyond i64 must not wrap");
    assert_eq!(to_value(&'x').unwrap(), Value::String("x".into()));
    assert_eq!(to_value(&None::<i32>).unwrap(), Value::Nil);
    assert_eq!(to_value(&Kind::Beta).unwrap(), Value::String("Beta".into()));
    assert_eq!(
        to_value(&serde_bytes::ByteBuf::from(vec![1, 2])).unwrap(),
        Value::Base64(vec![1, 2])
    );
    assert_eq!(
        to_value(&(1, "a")).unwrap(),
        Value::Array(vec![Value::Int(1), Value::String("a".into())])
    );
    let no_nil = EncodeOptions {
        allow_nil: false,
        ..EncodeOptions::default()
    };
    assert!(encode_value(&None::<i32>, &no_nil).is_err());
    assert!(encode_value(&Some(1), &no_nil).is_ok());
    let mut map = std::collections::HashMap::new();
    map.insert(1, 2);
    assert!(to_value(&map).is_err(), "maps need string keys");
    assert!(encode_value(&map, &EncodeOptions::default()).is_err());
    assert!(encode_value(&f64::NAN, &EncodeOptions::default()).is_err());
    assert!(encode_value(&f64::INFINITY, &EncodeOptions::default()).is_err());
}

// ---------------------------------------------------------------------------------------------
// The two readers: canonical documents take the fast path; the same documents with comments,
// CDATA or whitespace inside tags fall back to the general reader, and every variant reads to
// the values written.

mod read_paths {
    use super::*;
    use xmlrpc_core::{last_read_path, ReadPath};

    /// The offsets of the boundaries between two tags (`>` followed by `<`) after the root's
    /// start tag, and whether the tag before each is a start or end tag (not `/>` or `?>`).
    fn boundaries(doc: &str) -> Vec<(usize, bool)> {
        let root = doc.find("<method").expect("a root");
        let b = doc.as_bytes();
        (root + 1..b.len().saturating_sub(1))
            .filter(|&i| b[i] == b'>' && b[i + 1] == b'<')
            .map(|i| (i + 1, b[i - 1] != b'/' && b[i - 1] != b'?'))
            .collect()
    }

    fn call_doc(values: &[Value], options: &EncodeOptions) -> String {
        let mut out = Vec::new();
        write_call("path.test", &values, options, &mut out).expect("every value encodes");
        String::from_utf8(out).expect("UTF-8")
    }

    fn read_values(doc: &str) -> (Vec<Value>, Option<ReadPath>) {
        let call =
            read_call(doc.as_bytes(), &Limits::default()).unwrap_or_else(|e| panic!("{e}: {doc}"));
        let path = last_read_path();
        assert_eq!(call.name, "path.test");
        (call.params.to_values().expect("params decode"), path)
    }

    fn all_same(a: &[Value], b: &[Value]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn canonical_documents_take_the_fast_path(
            values in prop::collection::vec(arb_value(), 0..4),
            namespaced in any::<bool>(),
            ws in prop::sample::select(vec!["\n", "\r\n", " ", "\t\n  "]),
            at in any::<prop::sample::Index>(),
        ) {
            let options = EncodeOptions { extension_namespace: namespaced, ..EncodeOptions::default() };
            let doc = call_doc(&values, &options);
            let (got, path) = read_values(&doc);
            prop_assert_eq!(path, Some(ReadPath::Fast), "{}", doc);
            prop_assert!(all_same(&got, &values), "{:?} != {:?}", got, values);
            // Whitespace between elements stays in the subset (not inside an empty name or
            // string, where it would be text).
            let spots: Vec<_> = boundaries(&doc)
                .into_iter()
                .filter(|&(i, _)| !doc[..i].ends_with("<name>") && !doc[..i].ends_with("<string>"))
                .collect();
            let (i, _) = spots[at.index(spots.len())];
            let spaced = format!("{}{ws}{}", &doc[..i], &doc[i..]);
            let (got, path) = read_values(&spaced);
            prop_assert_eq!(path, Some(ReadPath::Fast), "{}", spaced);
            prop_assert!(all_same(&got, &values));
            // Responses too, typed and as values.
            let v = Value::Array(values.clone());
            let resp = response(&v, &options);
            let back = read_response_value(&resp, &Limits::default()).unwrap().unwrap();
            prop_assert_eq!(last_read_path(), Some(ReadPath::Fast));
            prop_assert!(same(&back, &v));
            let typed: Value = read_response(&resp, &Limits::default()).unwrap().unwrap();
            prop_assert_eq!(last_read_path(), Some(ReadPath::Fast));
            prop_assert!(same(&typed, &v));
        }

        #[test]
        fn exotic_documents_fall_back_to_the_same_values(
            values in prop::collection::vec(arb_value(), 1..4),
            kind in 0..3usize,
            at in any::<prop::sample::Index>(),
        ) {
            let doc = call_doc(&values, &EncodeOptions::default());
            let exotic = match kind {
                // A comment between two tags.
                0 => {
                    let spots = boundaries(&doc);
                    let (i, _) = spots[at.index(spots.len())];
                    format!("{}<!-- note -->{}", &doc[..i], &doc[i..])
                }
                // A CDATA section of whitespace before a value's type element.
                1 => {
                    let spots: Vec<usize> = doc.match_indices("<value>").map(|(i, _)| i + 7).collect();
                    let i = spots[at.index(spots.len())];
                    format!("{}<![CDATA[ ]]>{}", &doc[..i], &doc[i..])
                }
                // Whitespace inside a start or end tag.
                _ => {
                    let spots: Vec<usize> = boundaries(&doc).into_iter().filter(|s| s.1).map(|s| s.0).collect();
                    let i = spots[at.index(spots.len())] - 1;
                    format!("{} {}", &doc[..i], &doc[i..])
                }
            };
            let (got, path) = read_values(&exotic);
            prop_assert_eq!(path, Some(ReadPath::General), "{}", exotic);
            prop_assert!(all_same(&got, &values), "{:?} != {:?}", got, values);
        }
    }
}
