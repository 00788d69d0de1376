//! Cross-implementation tests against Python's standard `xmlrpc.client`.
//!
//! * Documents written by `xmlrpc.client.dumps` (see `tests/python/crosscheck.py`) must read
//!   with our reader to the values they were made from.
//! * Documents written by our writer must read with `xmlrpc.client.loads` to the values we
//!   wrote.
//!
//! Both directions compare a canonical, tagged JSON form of the values (described in the
//! script), and each direction runs one Python process for the whole batch of cases.
//! python3 is required: the CI installs it, and the tests fail when it is missing.

use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value as Json};
use xmlrpc_core::{
    encode_value, read_call, read_response, read_response_value, write_call, write_call_encoded,
    write_fault, write_multicall_response, write_response, DateTime, EncodeOptions, EncodedValue,
    Fault, Limits, Map, MulticallWriter, Value,
};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn script() -> String {
    format!("{}/tests/python/crosscheck.py", env!("CARGO_MANIFEST_DIR"))
}

fn python(mode: &str, input: &[u8]) -> Json {
    let mut child = Command::new("python3")
        .arg(script())
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is required for the cross-implementation tests");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input)
        .expect("write to python3");
    let out = child.wait_with_output().expect("python3 runs");
    assert!(
        out.status.success(),
        "crosscheck.py {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("crosscheck.py prints JSON")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn datetime_text(d: &DateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}:{:02}:{:02}",
        d.year, d.month, d.day, d.hour, d.minute, d.second
    )
}

/// The canonical form of one value (see crosscheck.py).
fn canon(v: &Value) -> Json {
    match v {
        Value::Int(i) => json!({ "int": i.to_string() }),
        Value::I8(i) => json!({ "int": i.to_string() }),
        Value::Bool(b) => json!({ "boolean": b }),
        Value::String(s) => json!({ "string": s }),
        Value::Double(d) => json!({ "double": format!("{:016x}", d.to_bits()) }),
        Value::DateTime(d) => {
            assert_eq!(
                d.offset_minutes, None,
                "a zone appeared from nowhere in {d:?}"
            );
            json!({ "dateTime": datetime_text(d) })
        }
        Value::Base64(b) => json!({ "base64": hex(b) }),
        Value::Struct(m) => {
            let members: Vec<Json> = m.iter().map(|(k, v)| json!([k, canon(v)])).collect();
            json!({ "struct": members })
        }
        Value::Array(a) => json!({ "array": a.iter().map(canon).collect::<Vec<_>>() }),
        Value::Nil => json!({ "nil": null }),
    }
}

fn dt(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> DateTime {
    DateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        offset_minutes: None,
    }
}

fn strukt(members: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in members {
        m.insert((*k).to_string(), v.clone());
    }
    Value::Struct(m)
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

/// The values we write; every one must read back in Python as written.
fn value_corpus() -> Vec<(&'static str, Value)> {
    vec![
        ("int_zero", Value::Int(0)),
        ("int_max", Value::Int(i32::MAX)),
        ("int_min", Value::Int(i32::MIN)),
        ("i8_small", Value::I8(5)),
        ("i8_beyond_i32", Value::I8(i64::from(i32::MAX) + 1)),
        ("i8_max", Value::I8(i64::MAX)),
        ("i8_min", Value::I8(i64::MIN)),
        ("bool_true", Value::Bool(true)),
        ("bool_false", Value::Bool(false)),
        ("string_empty", s("")),
        ("string_spaces", s("   ")),
        ("string_whitespace_kept", s("  a\n\tb  ")),
        ("string_markup", s("<a href=\"x\">&amp; 'q'</a> ]]> &lt; >")),
        ("string_cr", s("a\r\nb\rc")),
        (
            "string_bmp",
            s("h\u{e9}llo \u{4e2d}\u{6587} \u{20ac} \u{fffd}"),
        ),
        ("string_non_bmp", s("\u{1F600} \u{10348} \u{10FFFD}")),
        ("string_long", s(&"0123456789".repeat(5000))),
        ("double_zero", Value::Double(0.0)),
        ("double_negative_zero", Value::Double(-0.0)),
        ("double_tenth", Value::Double(0.1)),
        ("double_third", Value::Double(1.0 / 3.0)),
        ("double_small", Value::Double(1e-7)),
        ("double_subnormal", Value::Double(5e-324)),
        ("double_huge", Value::Double(1e300)),
        ("double_max", Value::Double(f64::MAX)),
        ("double_min_positive", Value::Double(f64::MIN_POSITIVE)),
        ("double_negative", Value::Double(-123.456)),
        ("double_integral", Value::Double(1e16)),
        ("base64_empty", Value::Base64(vec![])),
        (
            "base64_all_bytes",
            Value::Base64((0..=255u8).cycle().take(1000).collect()),
        ),
        ("datetime", Value::DateTime(dt(1998, 7, 17, 14, 8, 55))),
        (
            "datetime_leap",
            Value::DateTime(dt(2000, 2, 29, 23, 59, 59)),
        ),
        ("datetime_year_one", Value::DateTime(dt(1, 1, 1, 0, 0, 0))),
        ("nil", Value::Nil),
        ("array_empty", Value::Array(vec![])),
        (
            "array_mixed",
            Value::Array(vec![
                Value::Int(1),
                s("two"),
                Value::Double(3.5),
                Value::Bool(true),
                Value::Nil,
                Value::I8(1 << 40),
                Value::Base64(vec![0, 255]),
            ]),
        ),
        (
            "array_nested",
            Value::Array(vec![Value::Array(vec![Value::Array(vec![
                Value::Array(vec![]),
                Value::Int(3),
            ])])]),
        ),
        ("struct_empty", Value::Struct(Map::new())),
        (
            "struct_order",
            strukt(&[
                ("z", Value::Int(1)),
                ("a", Value::Int(2)),
                ("m", Value::Int(3)),
            ]),
        ),
        (
            "struct_odd_names",
            strukt(&[
                ("", s("empty name")),
                ("a<b&c>", Value::Int(1)),
                ("\u{e9}\u{1F600}", Value::Int(2)),
                (" sp ", Value::Int(3)),
            ]),
        ),
        (
            "struct_nested",
            strukt(&[
                (
                    "outer",
                    strukt(&[(
                        "inner",
                        Value::Array(vec![strukt(&[("deep", Value::Nil)]), Value::Int(-1)]),
                    )]),
                ),
                ("when", Value::DateTime(dt(2024, 12, 31, 23, 0, 1))),
            ]),
        ),
    ]
}

/// Our documents as `(id, bytes, expected canonical form)`.
fn our_documents() -> Vec<(String, Vec<u8>, Json)> {
    let mut docs = Vec::new();
    let plain = EncodeOptions::default();
    let namespaced = EncodeOptions {
        extension_namespace: true,
        ..EncodeOptions::default()
    };
    for (id, v) in value_corpus() {
        for (dialect, opts) in [("plain", &plain), ("ex", &namespaced)] {
            let enc = encode_value(&v, opts).unwrap_or_else(|e| panic!("encode {id}: {e}"));
            let mut out = Vec::new();
            write_response(&enc, &mut out);
            docs.push((
                format!("response/{dialect}/{id}"),
                out,
                json!({ "params": [canon(&v)] }),
            ));
        }
    }

    // One call carrying every value of the corpus, written from values.
    let all: Vec<Value> = value_corpus().into_iter().map(|(_, v)| v).collect();
    let mut out = Vec::new();
    write_call("test.allTypes", &all, &plain, &mut out).unwrap();
    docs.push((
        "call/all_types".into(),
        out,
        json!({ "method": "test.allTypes", "params": all.iter().map(canon).collect::<Vec<_>>() }),
    ));

    // A call from typed Rust values (serde straight to XML).
    #[derive(Serialize)]
    struct Item {
        name: String,
        qty: i32,
        price: f64,
        tags: Vec<String>,
        note: Option<String>,
        #[serde(with = "serde_bytes")]
        blob: Vec<u8>,
        big: i64,
        flag: bool,
    }
    let item = Item {
        name: "caf\u{e9} <&>".into(),
        qty: 3,
        price: 0.1,
        tags: vec!["a".into(), "".into()],
        note: None,
        blob: b"\x00\x01binary\xff".to_vec(),
        big: 1 << 33,
        flag: true,
    };
    let mut out = Vec::new();
    write_call("shop.order", &(7u8, "text", &item), &plain, &mut out).unwrap();
    let item_canon = json!({ "struct": [
        ["name", { "string": "caf\u{e9} <&>" }],
        ["qty", { "int": "3" }],
        ["price", { "double": format!("{:016x}", 0.1f64.to_bits()) }],
        ["tags", { "array": [{ "string": "a" }, { "string": "" }] }],
        ["note", { "nil": null }],
        ["blob", { "base64": hex(b"\x00\x01binary\xff") }],
        ["big", { "int": (1i64 << 33).to_string() }],
        ["flag", { "boolean": true }],
    ]});
    docs.push((
        "call/typed".into(),
        out,
        json!({ "method": "shop.order", "params": [{ "int": "7" }, { "string": "text" }, item_canon.clone()] }),
    ));

    // A typed response.
    let enc = encode_value(&item, &plain).unwrap();
    let mut out = Vec::new();
    write_response(&enc, &mut out);
    docs.push((
        "response/typed".into(),
        out,
        json!({ "params": [item_canon] }),
    ));

    // Calls without parameters, from encoded parameters, with an odd method name.
    let mut out = Vec::new();
    write_call("system.listMethods", &(), &plain, &mut out).unwrap();
    docs.push((
        "call/unit_params".into(),
        out,
        json!({ "method": "system.listMethods", "params": [] }),
    ));
    let mut out = Vec::new();
    write_call_encoded("system.listMethods", &[], &mut out);
    docs.push((
        "call/encoded_empty".into(),
        out,
        json!({ "method": "system.listMethods", "params": [] }),
    ));
    let encoded: Vec<EncodedValue> = [Value::Int(1), s("<x>"), Value::Nil]
        .iter()
        .map(|v| encode_value(v, &plain).unwrap())
        .collect();
    let mut out = Vec::new();
    write_call_encoded("a.b_c-d:e/f", &encoded, &mut out);
    docs.push((
        "call/encoded".into(),
        out,
        json!({ "method": "a.b_c-d:e/f", "params": [{ "int": "1" }, { "string": "<x>" }, { "nil": null }] }),
    ));

    // Faults.
    for (code, message) in [
        (Fault::METHOD_NOT_FOUND, "method not found"),
        (0, ""),
        (i32::MIN, "<&> ]]> \u{e9}\u{1F600}\r\n"),
    ] {
        let mut out = Vec::new();
        write_fault(&Fault::new(code, message), &mut out);
        docs.push((
            format!("fault/{code}"),
            out,
            json!({ "fault": { "code": code, "string": message } }),
        ));
    }

    // system.multicall: the answer and the call.
    let results = vec![
        Ok(encode_value(&Value::Int(5), &plain).unwrap()),
        Err(Fault::new(Fault::INVALID_PARAMS, "bad <params>")),
        Ok(encode_value(&s("x"), &plain).unwrap()),
    ];
    let mut out = Vec::new();
    write_multicall_response(&results, &mut out);
    docs.push((
        "response/multicall".into(),
        out,
        json!({ "params": [{ "array": [
            { "array": [{ "int": "5" }] },
            { "struct": [["faultCode", { "int": "-32602" }], ["faultString", { "string": "bad <params>" }]] },
            { "array": [{ "string": "x" }] },
        ]}]}),
    ));
    let mut batch = MulticallWriter::new(&plain);
    batch.add("calc.add", |p| p.push_all(&(1, 2))).unwrap();
    batch.add("system.listMethods", |_| Ok(())).unwrap();
    let out = batch.finish();
    docs.push((
        "call/multicall".into(),
        out,
        json!({ "method": "system.multicall", "params": [{ "array": [
            { "struct": [["methodName", { "string": "calc.add" }], ["params", { "array": [{ "int": "1" }, { "int": "2" }] }]] },
            { "struct": [["methodName", { "string": "system.listMethods" }], ["params", { "array": [] }]] },
        ]}]}),
    ));
    docs
}

#[test]
fn python_reads_what_we_write() {
    let docs = our_documents();
    let input = Json::Array(
        docs.iter()
            .map(|(id, xml, _)| json!({ "id": id, "xml_b64": B64.encode(xml) }))
            .collect(),
    );
    let answers = python("read", input.to_string().as_bytes());
    let mut failures = Vec::new();
    for (id, xml, expect) in &docs {
        let got = &answers[id.as_str()];
        if got != expect {
            failures.push(format!(
                "{id}:\n  document: {}\n  expected: {expect}\n  python:   {got}",
                String::from_utf8_lossy(xml)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} documents read differently in Python:\n{}",
        failures.len(),
        docs.len(),
        failures.join("\n")
    );
}

/// Reads one document with our reader into the canonical form.
fn our_reading(kind: &str, xml: &[u8]) -> Result<Json, String> {
    let limits = Limits::default();
    match kind {
        "call" => {
            let call = read_call(xml, &limits).map_err(|e| e.to_string())?;
            let params = call.params.to_values().map_err(|e| e.to_string())?;
            let typed: Vec<Value> = call.params.decode().map_err(|e| e.to_string())?;
            if typed.iter().map(canon).ne(params.iter().map(canon)) {
                return Err(format!("typed path read {typed:?}, Value path {params:?}"));
            }
            Ok(
                json!({ "method": call.name, "params": params.iter().map(canon).collect::<Vec<_>>() }),
            )
        }
        "response" => {
            let dynamic = match read_response_value(xml, &limits).map_err(|e| e.to_string())? {
                Ok(v) => json!({ "params": [canon(&v)] }),
                Err(f) => json!({ "fault": { "code": f.code, "string": f.string } }),
            };
            // The typed path (serde straight from XML into `Value`) reads the same.
            let typed = match read_response::<Value>(xml, &limits).map_err(|e| e.to_string())? {
                Ok(v) => json!({ "params": [canon(&v)] }),
                Err(f) => json!({ "fault": { "code": f.code, "string": f.string } }),
            };
            if typed != dynamic {
                return Err(format!("typed path read {typed}, Value path {dynamic}"));
            }
            Ok(dynamic)
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn we_read_what_python_writes() {
    let cases = python("produce", b"");
    let cases = cases.as_array().expect("a list of cases");
    assert!(cases.len() > 40, "the corpus shrank to {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let xml = B64.decode(case["xml_b64"].as_str().unwrap()).unwrap();
        let expect = &case["expect"];
        // Keep the corpus honest: Python itself reads its documents as expected.
        assert_eq!(
            &case["python_reads"], expect,
            "{id}: Python's own reading differs from the corpus"
        );
        match our_reading(case["kind"].as_str().unwrap(), &xml) {
            Ok(got) if &got == expect => {}
            Ok(got) => failures.push(format!(
                "{id}:\n  document: {}\n  expected: {expect}\n  ours:     {got}",
                String::from_utf8_lossy(&xml)
            )),
            Err(e) => failures.push(format!(
                "{id}:\n  document: {}\n  error: {e}",
                String::from_utf8_lossy(&xml)
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Python documents read wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Python writes doubles with `repr`, which may use an exponent (`1e-07`) and writes
/// non-finite values as `inf`/`nan`; the former must read, the latter must be refused.
#[test]
fn python_non_finite_doubles_are_refused() {
    for text in ["inf", "-inf", "nan"] {
        let doc = format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><double>{text}</double></value>\n</param>\n</params>\n</methodResponse>\n"
        );
        let r = read_response_value(doc.as_bytes(), &Limits::default());
        assert!(r.is_err(), "{text} was accepted: {r:?}");
    }
}
