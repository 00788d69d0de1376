//! The input rules of the reader, one by one (INTEROP.md section 3 and issue 2).
//!
//! Every refused document must give an error (never a panic), and errors about a value carry
//! the byte position of the offending value.

use serde::Deserialize;
use xmlrpc_core::{
    read_call, read_response, read_response_value, DateTime, Error, ErrorKind, Limits, Map, Value,
};

const PREFIX: &str = "<?xml version=\"1.0\"?>\n<methodResponse><params><param>";
const SUFFIX: &str = "</param></params></methodResponse>";

/// A response whose single parameter is `<value>{inner}</value>`.
fn doc(inner: &str) -> String {
    format!("{PREFIX}<value>{inner}</value>{SUFFIX}")
}

/// The same response without the XML declaration.
fn bare_doc(inner: &str) -> String {
    format!("<methodResponse><params><param><value>{inner}</value>{SUFFIX}")
}

fn read(body: &[u8]) -> Result<Value, Error> {
    read_response_value(body, &Limits::default()).map(|r| r.expect("a value, not a fault"))
}

fn value(inner: &str) -> Value {
    let body = doc(inner);
    read(body.as_bytes()).unwrap_or_else(|e| panic!("{inner:?} refused: {e}"))
}

/// Reads a document that must be refused with a position inside the offending `<value>`.
fn refused(inner: &str) -> Error {
    let body = doc(inner);
    let err = match read(body.as_bytes()) {
        Ok(v) => panic!("{inner:?} accepted as {v:?}"),
        Err(e) => e,
    };
    let start = PREFIX.len() as u64;
    let end = (PREFIX.len() + "<value>".len() + inner.len() + "</value>".len()) as u64;
    let pos = err
        .position()
        .unwrap_or_else(|| panic!("{inner:?}: error without a position: {err}"));
    assert!(
        (start..=end).contains(&pos),
        "{inner:?}: position {pos} outside the value at {start}..{end}: {err}"
    );
    assert!(
        err.to_string().contains(&format!("byte {pos}")),
        "{inner:?}: the message does not show the position: {err}"
    );
    err
}

/// Reads a whole document that must be refused (anywhere), returning the error.
fn refused_doc(body: &[u8]) -> Error {
    match read_response_value(body, &Limits::default()) {
        Ok(v) => panic!(
            "document accepted as {v:?}: {}",
            String::from_utf8_lossy(body)
        ),
        Err(e) => e,
    }
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

// ---------------------------------------------------------------------------------------------
// Strings and untyped values

#[test]
fn untyped_value_is_a_string_with_whitespace_kept() {
    assert_eq!(value("plain"), s("plain"));
    assert_eq!(value("  two  words \n\t"), s("  two  words \n\t"));
    assert_eq!(value("   "), s("   "));
    assert_eq!(value(""), s(""));
    assert_eq!(read(doc_self_closing().as_bytes()).unwrap(), s(""));
}

fn doc_self_closing() -> String {
    format!("{PREFIX}<value/>{SUFFIX}")
}

#[test]
fn string_whitespace_is_kept_and_between_elements_ignored() {
    assert_eq!(value("<string>  x \n </string>"), s("  x \n "));
    assert_eq!(value("<string/>"), s(""));
    assert_eq!(value("<string></string>"), s(""));
    assert_eq!(value("\n  <string>x</string>\n  "), s("x"));
    assert_eq!(value("\n  <int>5</int>\n  "), Value::Int(5));
    let v = value(
        "\n <array>\n  <data>\n   <value><int>1</int></value>\n   <value>two</value>\n  </data>\n </array>\n",
    );
    assert_eq!(v, Value::Array(vec![Value::Int(1), s("two")]));
    let v =
        value("<struct>\n <member>\n  <name>a</name>\n  <value> b </value>\n </member>\n</struct>");
    let mut m = Map::new();
    m.insert("a".into(), s(" b "));
    assert_eq!(v, Value::Struct(m));
}

#[test]
fn predefined_entities_and_character_references() {
    assert_eq!(
        value("<string>&lt;&gt;&amp;&apos;&quot;</string>"),
        s("<>&'\"")
    );
    assert_eq!(value("&lt;untyped&gt; &amp;"), s("<untyped> &"));
    assert_eq!(
        value("<string>&#65;&#x42;&#x043;&#x00e9;</string>"),
        s("ABC\u{e9}")
    );
    assert_eq!(
        value("<string>&#x1F600;&#128512;</string>"),
        s("\u{1F600}\u{1F600}")
    );
    assert_eq!(value("<string>&#9;&#10;&#13;</string>"), s("\t\n\r"));
    assert_eq!(value("<string>a&#x10FFFF;</string>"), s("a\u{10FFFF}"));
    // Entities in names and the method name.
    let call = read_call(
        b"<methodCall><methodName>a&amp;b&#x2e;c</methodName><params/></methodCall>",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(call.name, "a&b.c");
    let v = value("<struct><member><name>&lt;k&#x3E;</name><value>v</value></member></struct>");
    let Value::Struct(m) = v else { panic!() };
    assert_eq!(m.keys().collect::<Vec<_>>(), ["<k>"]);
}

#[test]
fn unknown_entities_and_bad_references_are_refused() {
    for bad in [
        "<string>&nbsp;</string>",
        "<string>&unknown;</string>",
        "<string>&amp</string>",
        "<string>& </string>",
        "<string>&#;</string>",
        "<string>&#x;</string>",
        "<string>&#X43;</string>",
        "<string>&#xZZ;</string>",
        "<string>&#12a;</string>",
        "<string>&#x110000;</string>",
        "<string>&#99999999999999999999;</string>",
    ] {
        refused_doc(doc(bad).as_bytes());
    }
}

#[test]
fn forbidden_characters_are_refused() {
    for bad in [
        "<string>&#0;</string>",
        "<string>&#1;</string>",
        "<string>&#x1F;</string>",
        "<string>&#xFFFE;</string>",
        "<string>&#xFFFF;</string>",
        "<string>&#xD800;</string>",
        "<string>&#xDFFF;</string>",
        "<string>a\u{1}b</string>",
        "<string>\u{8}</string>",
        "<string>\u{1F}</string>",
        "<string>\u{FFFE}</string>",
        "<string>\u{FFFF}</string>",
        "untyped\u{0}",
    ] {
        refused_doc(doc(bad).as_bytes());
    }
    // A forbidden character in the method name too.
    assert!(read_call(
        b"<methodCall><methodName>a&#1;</methodName></methodCall>",
        &Limits::default()
    )
    .is_err());
}

#[test]
fn malformed_utf8_is_refused() {
    let cases: [&[u8]; 7] = [
        b"\xff",
        b"\xc3",             // truncated two-byte sequence
        b"\xc3(",            // bad continuation
        b"\xc0\xaf",         // overlong '/'
        b"\xed\xa0\x80",     // encoded surrogate D800
        b"\xf4\x90\x80\x80", // beyond U+10FFFF
        b"\xe2\x82",         // truncated three-byte sequence
    ];
    for bad in cases {
        for wrap in [("<string>", "</string>"), ("", "")] {
            let mut body = format!("{PREFIX}<value>{}", wrap.0).into_bytes();
            body.extend_from_slice(bad);
            body.extend_from_slice(format!("{}</value>{SUFFIX}", wrap.1).as_bytes());
            let e = refused_doc(&body);
            assert_eq!(e.kind(), ErrorKind::Syntax, "{bad:?}: {e}");
        }
    }
    let mut body = b"<methodCall><methodName>m\xff</methodName></methodCall>".to_vec();
    assert!(read_call(&body, &Limits::default()).is_err());
    body = b"<methodCall><methodName>m</methodName><params><param><value><struct><member><name>\xc3</name><value>1</value></member></struct></value></param></params></methodCall>".to_vec();
    let call = read_call(&body, &Limits::default());
    assert!(call.is_err(), "bad UTF-8 in a member name accepted");
}

#[test]
fn cdata_sections() {
    assert_eq!(
        value("<string><![CDATA[<a>&amp;]]></string>"),
        s("<a>&amp;")
    );
    assert_eq!(value("<string>a<![CDATA[<]]>b&amp;</string>"), s("a<b&"));
    assert_eq!(value("<![CDATA[ untyped ]]>"), s(" untyped "));
    assert_eq!(value("<string><![CDATA[]]></string>"), s(""));
    assert_eq!(
        value("<string><![CDATA[\u{1F600}]]><![CDATA[]]]]><![CDATA[>]]></string>"),
        s("\u{1F600}]]>")
    );
    assert_eq!(value("<int><![CDATA[42]]></int>"), Value::Int(42));
}

#[test]
fn comments_and_processing_instructions() {
    assert_eq!(value("<string>a<!-- comment -->b</string>"), s("ab"));
    assert_eq!(value("<!-- c --><int>1</int><!-- c -->"), Value::Int(1));
    assert_eq!(value("<string>a<?pi x?>b</string>"), s("ab"));
    let body = b"<?xml version=\"1.0\"?>\n<!-- before -->\n<?pi before?>\n<methodCall><!-- c --><methodName>m</methodName><?pi inside?><params><!-- c --><param><value><i4>1</i4></value></param></params></methodCall>\n<!-- after -->\n";
    let call = read_call(body, &Limits::default()).unwrap();
    assert_eq!(call.name, "m");
    assert_eq!(call.params.to_values().unwrap(), vec![Value::Int(1)]);
}

// ---------------------------------------------------------------------------------------------
// Integers

#[test]
fn int_and_i4_are_both_int() {
    assert_eq!(value("<int>42</int>"), Value::Int(42));
    assert_eq!(value("<i4>42</i4>"), Value::Int(42));
    assert_eq!(value("<int>-7</int>"), Value::Int(-7));
    assert_eq!(value("<int>+5</int>"), Value::Int(5));
    assert_eq!(value("<int>007</int>"), Value::Int(7));
    assert_eq!(value("<int>-0</int>"), Value::Int(0));
    assert_eq!(value("<int>2147483647</int>"), Value::Int(i32::MAX));
    assert_eq!(value("<i4>-2147483648</i4>"), Value::Int(i32::MIN));
    assert_eq!(
        value("<int>0000000000002147483647</int>"),
        Value::Int(i32::MAX)
    );
}

#[test]
fn bad_ints_are_refused() {
    for bad in [
        "2147483648",
        "-2147483649",
        "99999999999999999999",
        "1_000",
        "1,000",
        "\u{661}\u{662}",
        "\u{ff11}",
        "0x10",
        "1e3",
        "1.0",
        "",
        "-",
        "+",
        "--1",
        "+-1",
        "1-",
        "abc",
        "1 2",
    ] {
        refused(&format!("<int>{bad}</int>"));
        refused(&format!("<i4>{bad}</i4>"));
    }
}

#[test]
fn int_whitespace_is_trimmed_or_refused() {
    let body = doc("<int> 12 </int>");
    match read(body.as_bytes()) {
        Ok(v) => assert_eq!(v, Value::Int(12)),
        Err(e) => assert!(e.position().is_some(), "{e}"),
    }
}

#[test]
fn i8_and_its_namespaced_form() {
    assert_eq!(value("<i8>9223372036854775807</i8>"), Value::I8(i64::MAX));
    assert_eq!(value("<i8>-9223372036854775808</i8>"), Value::I8(i64::MIN));
    assert_eq!(value("<i8>5</i8>"), Value::I8(5));
    let ns = "<methodResponse xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"><params><param><value><ex:i8>4294967296</ex:i8></value></param></params></methodResponse>";
    assert_eq!(read(ns.as_bytes()).unwrap(), Value::I8(1 << 32));
    assert_eq!(value("<ex:i8>-1</ex:i8>"), Value::I8(-1));
    for bad in [
        "9223372036854775808",
        "-9223372036854775809",
        "1.5",
        "",
        "x",
    ] {
        refused(&format!("<i8>{bad}</i8>"));
        refused(&format!("<ex:i8>{bad}</ex:i8>"));
    }
}

// ---------------------------------------------------------------------------------------------
// nil

#[test]
fn nil_in_all_its_forms_everywhere() {
    assert_eq!(value("<nil/>"), Value::Nil);
    assert_eq!(value("<nil></nil>"), Value::Nil);
    assert_eq!(value("<ex:nil/>"), Value::Nil);
    assert_eq!(value("<ex:nil></ex:nil>"), Value::Nil);
    assert_eq!(
        value("<array><data><value><nil/></value><value><ex:nil/></value></data></array>"),
        Value::Array(vec![Value::Nil, Value::Nil])
    );
    let v = value("<struct><member><name>n</name><value><nil/></value></member></struct>");
    let mut m = Map::new();
    m.insert("n".into(), Value::Nil);
    assert_eq!(v, Value::Struct(m));
    refused_doc(doc("<nil>x</nil>").as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Booleans, doubles, base64, dates

#[test]
fn booleans_are_exactly_0_or_1() {
    assert_eq!(value("<boolean>0</boolean>"), Value::Bool(false));
    assert_eq!(value("<boolean>1</boolean>"), Value::Bool(true));
    for bad in [
        "true", "false", "2", " 1", "1 ", "", "01", "-1", "yes", "\u{661}",
    ] {
        refused(&format!("<boolean>{bad}</boolean>"));
    }
}

#[test]
fn doubles_round_trip_exactly() {
    let cases: [(&str, f64); 10] = [
        ("0.1", 0.1),
        ("1.5", 1.5),
        ("-2.25", -2.25),
        ("0", 0.0),
        ("42", 42.0),
        ("0.30000000000000004", 0.30000000000000004),
        ("3.141592653589793", std::f64::consts::PI),
        ("+1.5", 1.5),
        ("-0.5", -0.5),
        ("100000000000000000000000", 1e23),
    ];
    // Rust's own decimal rendering of the extremes (no exponent), and the subnormal minimum.
    let extremes = [
        format!("{}", f64::MAX),
        format!("{}", f64::MIN_POSITIVE),
        format!("{}", 5e-324),
        format!("{}", -f64::MAX),
    ];
    let extremes = [
        (extremes[0].as_str(), f64::MAX),
        (extremes[1].as_str(), f64::MIN_POSITIVE),
        (extremes[2].as_str(), 5e-324),
        (extremes[3].as_str(), -f64::MAX),
    ];
    for (text, expect) in cases.into_iter().chain(extremes) {
        match value(&format!("<double>{text}</double>")) {
            Value::Double(d) => assert_eq!(d.to_bits(), expect.to_bits(), "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    match value("<double>-0.0</double>") {
        Value::Double(d) => assert!(d == 0.0 && d.is_sign_negative(), "-0.0 read as {d}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn double_exponent_is_accepted_or_refused_never_misread() {
    for (text, expect) in [
        ("1e5", 1e5f64),
        ("1e-7", 1e-7),
        ("1E300", 1e300),
        ("2.5e+3", 2500.0),
    ] {
        let body = doc(&format!("<double>{text}</double>"));
        match read(body.as_bytes()) {
            Ok(Value::Double(d)) => assert_eq!(d.to_bits(), expect.to_bits(), "{text}"),
            Ok(other) => panic!("{text}: {other:?}"),
            Err(e) => assert!(e.position().is_some(), "{e}"),
        }
    }
}

#[test]
fn bad_doubles_are_refused() {
    for bad in [
        "NaN",
        "nan",
        "-nan",
        "inf",
        "-inf",
        "+inf",
        "Infinity",
        "-Infinity",
        "INF",
        "1e400",
        "-1e400",
        "1_000.5",
        "1,5",
        "1.2.3",
        "",
        " ",
        "abc",
        "0x1p3",
        "1.5f",
        "--1",
        "\u{661}.5",
        ".",
        "e5",
        "1e",
        "1e+",
    ] {
        refused(&format!("<double>{bad}</double>"));
    }
}

#[test]
fn base64_with_whitespace_anywhere() {
    for text in [
        "aGVsbG8=",
        "aGVs\nbG8=",
        "\n  aGVsbG8=\n",
        "a G V s b G 8 =",
        "aGVs\r\n\tbG8=",
        "aGVsbG8=\n",
    ] {
        assert_eq!(
            value(&format!("<base64>{text}</base64>")),
            Value::Base64(b"hello".to_vec()),
            "{text:?}"
        );
    }
    assert_eq!(value("<base64></base64>"), Value::Base64(vec![]));
    assert_eq!(value("<base64/>"), Value::Base64(vec![]));
    assert_eq!(value("<base64>  \n </base64>"), Value::Base64(vec![]));
    assert_eq!(
        value("<base64>AP8=</base64>"),
        Value::Base64(vec![0x00, 0xff])
    );
    assert_eq!(
        value("<base64>+/+/</base64>"),
        Value::Base64(vec![0xfb, 0xff, 0xbf])
    );
}

#[test]
fn base64_missing_padding_is_accepted_or_refused() {
    let body = doc("<base64>aGVsbG8</base64>");
    match read(body.as_bytes()) {
        Ok(v) => assert_eq!(v, Value::Base64(b"hello".to_vec())),
        Err(e) => assert!(e.position().is_some(), "{e}"),
    }
}

#[test]
fn bad_base64_is_refused() {
    for bad in [
        "aGVsbG8*",
        "aGVs=bG8=",
        "aGVsbG8=x",
        "aGVsbG8=aGVs",
        "aGVsbG8===",
        "a",
        "aGVsb",
        "=",
        "====",
        "aGVsbG8-",
        "aGVsbG8_",
        "aGVs\u{e9}bG8=",
        "aGVs&#0;bG8=",
    ] {
        refused_doc(doc(&format!("<base64>{bad}</base64>")).as_bytes());
    }
    for bad in ["aGVsbG8*", "aGVs=bG8=", "aGVsbG8=x", "a"] {
        refused(&format!("<base64>{bad}</base64>"));
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

#[test]
fn datetimes() {
    let d = dt(1998, 7, 17, 14, 8, 55);
    let tag = |t: &str| value(&format!("<dateTime.iso8601>{t}</dateTime.iso8601>"));
    assert_eq!(tag("19980717T14:08:55"), Value::DateTime(d));
    assert_eq!(tag("1998-07-17T14:08:55"), Value::DateTime(d));
    assert_eq!(
        tag("19980717T14:08:55Z"),
        Value::DateTime(DateTime {
            offset_minutes: Some(0),
            ..d
        })
    );
    assert_eq!(
        tag("1998-07-17T14:08:55+02:00"),
        Value::DateTime(DateTime {
            offset_minutes: Some(120),
            ..d
        })
    );
    assert_eq!(
        tag("19980717T14:08:55-05:30"),
        Value::DateTime(DateTime {
            offset_minutes: Some(-330),
            ..d
        })
    );
    assert_eq!(
        tag("20000229T00:00:00"),
        Value::DateTime(dt(2000, 2, 29, 0, 0, 0))
    );
    assert_eq!(
        tag("99991231T23:59:59"),
        Value::DateTime(dt(9999, 12, 31, 23, 59, 59))
    );
}

#[test]
fn bad_datetimes_are_refused() {
    for bad in [
        "19991301T00:00:00",
        "19990001T00:00:00",
        "19990229T00:00:00",
        "19000229T00:00:00",
        "19990431T00:00:00",
        "19990100T00:00:00",
        "19990132T00:00:00",
        "19980717T25:00:00",
        "19980717T24:00:01",
        "19980717T14:60:00",
        "19980717T14:08:61",
        "19980717 14:08:55",
        "1998071T14:08:55",
        "19980717T14:08",
        "19980717T14:08:55+25:00",
        "19980717T14:08:55 garbage",
        "1998-0717T14:08:55",
        "",
        "garbage",
        "\u{661}9980717T14:08:55",
    ] {
        refused(&format!("<dateTime.iso8601>{bad}</dateTime.iso8601>"));
    }
}

// ---------------------------------------------------------------------------------------------
// Structure

#[test]
fn unknown_types_and_broken_structure_are_refused() {
    for bad in [
        "<foo>1</foo>",
        "<int>1</int><int>2</int>",
        "<string>a</string>b",
        "<struct><member><name>a</name></member></struct>",
        "<struct><member><value>1</value></member></struct>",
        "<struct><member><name>a</name><value>1</value><value>2</value></member></struct>",
        "<struct><value>1</value></struct>",
        "<array><value>1</value></array>",
        "<array><data><int>1</int></data></array>",
        "<int><i4>1</i4></int>",
        "<string><b>bold</b></string>",
    ] {
        refused_doc(doc(bad).as_bytes());
    }
    for body in [
        &b""[..],
        b"   ",
        b"<?xml version=\"1.0\"?>",
        b"<methodResponse>",
        b"<methodResponse><params><param><value>1</value></param></params>",
        b"<foo/>",
        b"<methodResponse><params><param><value>1</value></param></params></methodResponse><x/>",
        b"<methodResponse><params><param><value>1</value></param></params></methodResponse>junk",
        b"<methodResponse><params><param><value>1</value></params></param></methodResponse>",
        b"<methodResponse><params><param><value>1</value></param></params></methodresponse>",
        b"<methodResponse></methodResponse>",
    ] {
        let e = refused_doc(body);
        assert!(
            matches!(e.kind(), ErrorKind::Syntax | ErrorKind::Structure),
            "{}: {e:?}",
            String::from_utf8_lossy(body)
        );
    }
    // Faults that are not `{faultCode: int, faultString: string}`.
    for body in [
        &b"<methodResponse><fault><value><int>1</int></value></fault></methodResponse>"[..],
        b"<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>",
        b"<methodResponse><fault><value><struct><member><name>faultCode</name><value>x</value></member><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>",
    ] {
        refused_doc(body);
        assert!(read_response::<i32>(body, &Limits::default()).is_err());
    }
    for body in [
        &b"<methodCall><params/></methodCall>"[..],
        b"<methodCall><methodName>m</methodName><methodName>n</methodName></methodCall>",
        b"<methodCall><methodName>m</methodName><params><value>1</value></params></methodCall>",
        b"<methodCall><methodName>m</methodName><params><param></param></params></methodCall>",
        b"<methodResponse><params><param><value>1</value></param></params></methodResponse>",
        b"<methodCall><methodName>m</methodName>",
    ] {
        assert!(
            read_call(body, &Limits::default()).is_err(),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn duplicate_member_names_are_refused_or_one_wins() {
    let v = read(doc("<struct><member><name>a</name><value><int>1</int></value></member><member><name>a</name><value><int>2</int></value></member></struct>").as_bytes());
    if let Ok(v) = v {
        let Value::Struct(m) = v else { panic!("{v:?}") };
        assert_eq!(m.len(), 1);
        assert!(matches!(m["a"], Value::Int(1) | Value::Int(2)));
    }
}

/// A call that `read_call` accepted ("validating it whole") decodes; a duplicate member is
/// refused up front or one of the two wins, never accepted first and refused later.
#[test]
fn duplicate_member_names_in_a_call_are_refused_up_front_or_one_wins() {
    let body = b"<methodCall><methodName>m</methodName><params><param><value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value></param></params></methodCall>";
    if let Ok(call) = read_call(body, &Limits::default()) {
        let values = call
            .params
            .to_values()
            .expect("read_call accepted the call, so its parameters decode");
        let Value::Struct(m) = &values[0] else {
            panic!("{values:?}")
        };
        assert_eq!(m.len(), 1);
        assert!(m["a"] == s("1") || m["a"] == s("2"), "{m:?}");
    }
}

#[test]
fn struct_member_order_is_preserved() {
    let Value::Struct(m) = value(
        "<struct><member><name>z</name><value>1</value></member><member><name>a</name><value>2</value></member><member><name>m</name><value>3</value></member></struct>",
    ) else {
        panic!()
    };
    assert_eq!(m.keys().collect::<Vec<_>>(), ["z", "a", "m"]);
}

#[test]
fn faults_read_as_faults() {
    let body = b"<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value><string>Too many parameters.</string></value></member></struct></value></fault></methodResponse>";
    let fault = read_response_value(body, &Limits::default())
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (fault.code, fault.string.as_str()),
        (4, "Too many parameters.")
    );
    // Member order and an untyped faultString.
    let body = b"<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member><member><name>faultCode</name><value><i4>-32601</i4></value></member></struct></value></fault></methodResponse>";
    let fault = read_response::<i32>(body, &Limits::default())
        .unwrap()
        .unwrap_err();
    assert_eq!((fault.code, fault.string.as_str()), (-32601, "x"));
}

// ---------------------------------------------------------------------------------------------
// DOCTYPE

#[test]
fn any_doctype_is_refused() {
    let billion_laughs = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>m</methodName><params><param><value><string>&lol9;</string></value></param></params></methodCall>"#;
    let external = br#"<?xml version="1.0"?>
<!DOCTYPE methodCall [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>&xxe;</methodName><params><param><value><string>&xxe;</string></value></param></params></methodCall>"#;
    let external_dtd = br#"<?xml version="1.0"?>
<!DOCTYPE methodCall SYSTEM "http://127.0.0.1:9/evil.dtd">
<methodCall><methodName>m</methodName></methodCall>"#;
    let parameter_entity =
        br#"<!DOCTYPE methodCall [<!ENTITY % pe SYSTEM "file:///etc/passwd"> %pe;]>
<methodCall><methodName>m</methodName></methodCall>"#;
    let plain = b"<!DOCTYPE methodCall>\n<methodCall><methodName>m</methodName></methodCall>";
    let late = b"<methodCall><!DOCTYPE x><methodName>m</methodName></methodCall>";
    for body in [
        &billion_laughs[..],
        external,
        external_dtd,
        parameter_entity,
        plain,
        late,
    ] {
        let err = match read_call(body, &Limits::default()) {
            Ok(call) => panic!("DOCTYPE accepted: {}", call.name),
            Err(e) => e,
        };
        assert_eq!(err.kind(), ErrorKind::Syntax, "{err}");
        assert!(!err.to_string().contains("root:"), "{err}");
        // The same document as a response.
        assert!(read_response_value(body, &Limits::default()).is_err());
        assert!(read_response::<String>(body, &Limits::default()).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Depth

fn nested_arrays(depth: usize) -> String {
    let mut s = String::with_capacity(depth * 40 + 200);
    s.push_str(PREFIX);
    for _ in 0..depth {
        s.push_str("<value><array><data>");
    }
    s.push_str("<value><int>1</int></value>");
    for _ in 0..depth {
        s.push_str("</data></array></value>");
    }
    s.push_str(SUFFIX);
    s
}

fn nested_structs(depth: usize) -> String {
    let mut s = String::from(PREFIX);
    for _ in 0..depth {
        s.push_str("<value><struct><member><name>k</name>");
    }
    s.push_str("<value><int>1</int></value>");
    for _ in 0..depth {
        s.push_str("</member></struct></value>");
    }
    s.push_str(SUFFIX);
    s
}

fn depth_of(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        Value::Struct(m) => 1 + m.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn sixty_four_levels_parse_and_the_sixty_fifth_is_refused() {
    let limits = Limits::default();
    assert_eq!(limits.max_depth, 64);
    for make in [nested_arrays, nested_structs] {
        let v = read(make(64).as_bytes()).expect("64 levels");
        assert_eq!(depth_of(&v), 64);
        let e = read(make(65).as_bytes()).expect_err("65 levels");
        assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
        assert!(e.position().is_some(), "{e}");
    }
    // Typed decoding honours the same cap.
    let v: serde::de::IgnoredAny = read_response(nested_arrays(64).as_bytes(), &limits)
        .unwrap()
        .unwrap();
    let _ = v;
    assert!(read_response::<serde::de::IgnoredAny>(nested_arrays(65).as_bytes(), &limits).is_err());
}

#[test]
fn depth_limit_is_configurable() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(read_response_value(nested_arrays(3).as_bytes(), &limits).is_ok());
    assert!(read_response_value(nested_arrays(4).as_bytes(), &limits).is_err());
    let limits = Limits {
        max_depth: 200,
        ..Limits::default()
    };
    assert!(read_response_value(nested_arrays(200).as_bytes(), &limits).is_ok());
}

/// 100,000 levels: an error, no stack overflow. The reading runs on a thread with a small
/// stack so that recursion per level would show.
#[test]
fn hundred_thousand_levels_error_without_crashing() {
    let arrays = nested_arrays(100_000);
    let structs = nested_structs(100_000);
    let mut call = String::from("<methodCall><methodName>m</methodName><params><param>");
    for _ in 0..100_000 {
        call.push_str("<value><array><data>");
    }
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let limits = Limits::default();
            for body in [&arrays, &structs] {
                let e = read_response_value(body.as_bytes(), &limits).expect_err("too deep");
                assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
                assert!(read_response::<serde::de::IgnoredAny>(body.as_bytes(), &limits).is_err());
                assert!(read_response::<Vec<Value>>(body.as_bytes(), &limits).is_err());
            }
            // Unclosed, as an attacker would send it.
            assert!(read_call(call.as_bytes(), &limits).is_err());
        })
        .unwrap();
    handle.join().expect("reader crashed on deep nesting");
}

/// Validating a call does not recurse per level even when the depth cap is lifted.
#[test]
fn call_validation_does_not_recurse_per_level() {
    let mut call = String::from("<methodCall><methodName>m</methodName><params><param>");
    for _ in 0..100_000 {
        call.push_str("<value><array><data>");
    }
    let mut closed = call.clone();
    closed.push_str("<value>x</value>");
    for _ in 0..100_000 {
        closed.push_str("</data></array></value>");
    }
    closed.push_str("</param></params></methodCall>");
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let huge = Limits {
                max_depth: usize::MAX,
                ..Limits::default()
            };
            assert!(read_call(call.as_bytes(), &huge).is_err());
            let parsed = read_call(closed.as_bytes(), &huge).expect("deep but well-formed");
            assert_eq!(parsed.params.len(), 1);
        })
        .unwrap()
        .join()
        .expect("call validation crashed on deep nesting");
}

// ---------------------------------------------------------------------------------------------
// Encodings and BOM

#[test]
fn declared_latin1_and_windows_1252_are_decoded() {
    let mut body =
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>caf\xe9</methodName><params><param><value><string>\xe9\xff\xe0 &#x20AC;</string></value></param><param><value><struct><member><name>cl\xe9</name><value>\xfc</value></member></struct></value></param></params></methodCall>".to_vec();
    let call = read_call(&body, &Limits::default()).unwrap();
    assert_eq!(call.name, "caf\u{e9}");
    let mut m = Map::new();
    m.insert("cl\u{e9}".into(), s("\u{fc}"));
    assert_eq!(
        call.params.to_values().unwrap(),
        vec![s("\u{e9}\u{ff}\u{e0} \u{20ac}"), Value::Struct(m)]
    );
    let (text, map): (String, std::collections::BTreeMap<String, String>) =
        call.params.decode().unwrap();
    assert_eq!(text, "\u{e9}\u{ff}\u{e0} \u{20ac}");
    assert_eq!(map["cl\u{e9}"], "\u{fc}");

    body = b"<?xml version='1.0' encoding='windows-1252'?>\n<methodResponse><params><param><value><string>\x80 \x9c \x93q\x94 \xe9</string></value></param></params></methodResponse>".to_vec();
    assert_eq!(
        read(&body).unwrap(),
        s("\u{20ac} \u{153} \u{201c}q\u{201d} \u{e9}")
    );
    assert_eq!(
        read_response::<String>(&body, &Limits::default())
            .unwrap()
            .unwrap(),
        "\u{20ac} \u{153} \u{201c}q\u{201d} \u{e9}"
    );

    for label in ["latin1", "iso-8859-1", "ISO8859-1", "cp1252"] {
        let body = format!("<?xml version=\"1.0\" encoding=\"{label}\"?>").into_bytes();
        let mut body = body;
        body.extend_from_slice(
            b"<methodResponse><params><param><value>\xe9</value></param></params></methodResponse>",
        );
        assert_eq!(read(&body).unwrap(), s("\u{e9}"), "{label}");
    }
    // Declared UTF-8 in any spelling.
    for label in ["UTF-8", "utf-8", "Utf-8"] {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"{label}\"?>{}",
            bare_doc("\u{e9}")
        );
        assert_eq!(read(body.as_bytes()).unwrap(), s("\u{e9}"), "{label}");
    }
}

#[test]
fn unknown_encodings_are_refused() {
    for label in ["x-unknown-123", "klingon", ""] {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"{label}\"?><methodResponse><params><param><value>a</value></param></params></methodResponse>"
        );
        let e = refused_doc(body.as_bytes());
        assert_eq!(e.kind(), ErrorKind::Syntax, "{label}: {e}");
    }
}

#[test]
fn byte_order_mark_is_skipped() {
    let mut body = b"\xef\xbb\xbf<?xml version=\"1.0\"?>".to_vec();
    body.extend_from_slice(bare_doc("\u{e9}").as_bytes());
    assert_eq!(read(&body).unwrap(), s("\u{e9}"));
    let body = b"\xef\xbb\xbf<methodCall><methodName>m</methodName></methodCall>";
    assert_eq!(read_call(body, &Limits::default()).unwrap().name, "m");
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded_or_refused() {
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><methodCall><methodName>m\u{e9}</methodName><params><param><value>\u{1F600}\u{20ac}</value></param></params></methodCall>";
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for body in [le, be] {
        // Never mis-decoded: either the right text or an error.
        if let Ok(call) = read_call(&body, &Limits::default()) {
            assert_eq!(call.name, "m\u{e9}");
            assert_eq!(
                call.params.to_values().unwrap(),
                vec![s("\u{1F600}\u{20ac}")]
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters

#[test]
fn missing_and_empty_params_are_no_params() {
    for body in [
        &b"<methodCall><methodName>m</methodName></methodCall>"[..],
        b"<methodCall><methodName>m</methodName><params/></methodCall>",
        b"<methodCall><methodName>m</methodName><params></params></methodCall>",
        b"<methodCall>\n  <methodName>m</methodName>\n  <params>\n  </params>\n</methodCall>\n",
    ] {
        let call = read_call(body, &Limits::default()).unwrap();
        assert_eq!(call.name, "m");
        assert!(call.params.is_empty());
        assert_eq!(call.params.len(), 0);
        assert_eq!(call.params.to_values().unwrap(), vec![]);
        call.params.args().finish("0").unwrap();
        assert_eq!(call.params.decode::<Vec<i32>>().unwrap(), Vec::<i32>::new());
    }
}

#[test]
fn empty_method_name_and_limits() {
    let call = read_call(
        b"<methodCall><methodName></methodName></methodCall>",
        &Limits::default(),
    );
    if let Ok(call) = call {
        assert_eq!(call.name, "");
    }
    let long = format!(
        "<methodCall><methodName>{}</methodName></methodCall>",
        "m".repeat(300)
    );
    let e = read_call(long.as_bytes(), &Limits::default()).expect_err("method name over 256 bytes");
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
    let mut many = String::from("<methodCall><methodName>m</methodName><params>");
    for _ in 0..11 {
        many.push_str("<param><value><int>1</int></value></param>");
    }
    many.push_str("</params></methodCall>");
    let limits = Limits {
        max_params: 10,
        ..Limits::default()
    };
    let e = read_call(many.as_bytes(), &limits).expect_err("11 params over a limit of 10");
    assert_eq!(e.kind(), ErrorKind::Limit, "{e}");
}

#[test]
fn call_is_validated_whole() {
    // A bad value in the third parameter fails read_call itself, not only a later decode.
    let body = b"<methodCall><methodName>m</methodName><params><param><value><int>1</int></value></param><param><value>ok</value></param><param><value><int>x</int></value></param></params></methodCall>";
    let e = read_call(body, &Limits::default()).expect_err("bad third param");
    let pos = e.position().expect("a position") as usize;
    let at = std::str::from_utf8(body).unwrap().find("<int>x").unwrap();
    assert!(
        (at - "<value>".len()..=at + 20).contains(&pos),
        "position {pos}, value at {at}: {e}"
    );
}

// ---------------------------------------------------------------------------------------------
// Typed decoding: error paths and positions

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    name: String,
    qty: i32,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Order {
    customer: String,
    items: Vec<Item>,
}

fn order_call(qty3: &str) -> String {
    let mut items = String::new();
    for i in 0..5 {
        let qty = if i == 3 {
            qty3.to_string()
        } else {
            format!("<int>{i}</int>")
        };
        items.push_str(&format!(
            "<value><struct><member><name>name</name><value>item{i}</value></member><member><name>qty</name><value>{qty}</value></member></struct></value>"
        ));
    }
    format!(
        "<methodCall><methodName>shop.order</methodName><params><param><value><int>7</int></value></param><param><value><struct><member><name>customer</name><value>ann</value></member><member><name>items</name><value><array><data>{items}</data></array></value></member></struct></value></param></params></methodCall>"
    )
}

#[test]
fn typed_params_decode() {
    let body = order_call("<int>3</int>");
    let call = read_call(body.as_bytes(), &Limits::default()).unwrap();
    let (n, order): (i32, Order) = call.params.decode().unwrap();
    assert_eq!(n, 7);
    assert_eq!(order.customer, "ann");
    assert_eq!(
        order.items[3],
        Item {
            name: "item3".into(),
            qty: 3
        }
    );
    let mut args = call.params.args();
    assert_eq!(args.required::<i32>("n").unwrap(), 7);
    assert_eq!(args.required::<Order>("order").unwrap().items.len(), 5);
    assert_eq!(args.optional::<i32>("extra").unwrap(), None);
    args.finish("2 or 3").unwrap();
}

#[test]
fn typed_errors_name_the_member_and_the_position() {
    let body = order_call("<string>three</string>");
    let call = read_call(body.as_bytes(), &Limits::default()).unwrap();
    let e = call
        .params
        .decode::<(i32, Order)>()
        .expect_err("qty is a string");
    assert_eq!(e.path(), "params[1].items[3].qty", "{e}");
    let text = e.to_string();
    assert!(
        text.starts_with("params[1].items[3].qty: "),
        "message without the path: {text}"
    );
    assert!(text.contains("int") && text.contains("string"), "{text}");
    assert_eq!(e.kind(), ErrorKind::Type, "{e:?}");
    let pos = e
        .position()
        .expect("typed errors from XML carry a byte position") as usize;
    let at = body.find("<string>three").unwrap();
    assert!(
        (at - "<value>".len()..=at + "<string>three</string></value>".len()).contains(&pos),
        "position {pos} is not at the bad value ({at}): {e}"
    );

    let mut args = call.params.args();
    args.required::<i32>("n").unwrap();
    let e = args
        .required::<Order>("order")
        .expect_err("qty is a string");
    assert!(e.path().starts_with("params[1]"), "{e}");
    assert!(e.path().ends_with("items[3].qty"), "{e}");
    assert!(
        e.to_string().contains("order"),
        "the argument name is missing: {e}"
    );

    // The wrong type of a whole parameter names it.
    let call = read_call(body.as_bytes(), &Limits::default()).unwrap();
    let mut args = call.params.args();
    let e = args
        .required::<String>("count")
        .expect_err("an int is not a string");
    assert!(e.path().starts_with("params[0]"), "{e}");
    assert!(e.to_string().contains("count"), "{e}");
}

#[test]
fn parameter_count_errors() {
    let body = order_call("<int>3</int>");
    let call = read_call(body.as_bytes(), &Limits::default()).unwrap();
    let mut args = call.params.args();
    args.required::<i32>("n").unwrap();
    let e = args.finish("1").expect_err("a parameter is left over");
    assert_eq!(e.fault_code(), -32602, "{e}");
    assert!(e.to_string().contains('1'), "{e}");
    let mut args = call.params.args();
    args.required::<i32>("n").unwrap();
    args.required::<Order>("order").unwrap();
    let e = args.required::<i32>("third").expect_err("only two params");
    assert!(e.to_string().contains("third"), "{e}");
    assert!(call.params.decode::<(i32,)>().is_err());
    assert!(call.params.decode::<(i32, Order, i32)>().is_err());
}

#[test]
fn typed_response_errors_name_the_member() {
    let body = format!(
        "{PREFIX}<value><array><data><value><struct><member><name>name</name><value>a</value></member><member><name>qty</name><value><int>1</int></value></member></struct></value><value><struct><member><name>name</name><value>b</value></member><member><name>qty</name><value><boolean>1</boolean></value></member></struct></value></data></array></value>{SUFFIX}"
    );
    let e = read_response::<Vec<Item>>(body.as_bytes(), &Limits::default())
        .expect_err("qty is a boolean");
    assert!(e.path().ends_with("[1].qty"), "{e}");
    assert!(e.position().is_some(), "{e}");
    let missing = format!(
        "{PREFIX}<value><struct><member><name>name</name><value>a</value></member></struct></value>{SUFFIX}"
    );
    let e = read_response::<Item>(missing.as_bytes(), &Limits::default()).expect_err("no qty");
    assert!(e.to_string().contains("qty"), "{e}");
}

#[test]
fn int_overflow_into_narrow_rust_types_is_an_error() {
    let body = doc("<int>300</int>");
    assert!(read_response::<u8>(body.as_bytes(), &Limits::default()).is_err());
    assert_eq!(
        read_response::<u16>(body.as_bytes(), &Limits::default())
            .unwrap()
            .unwrap(),
        300
    );
    let body = doc("<i8>4294967296</i8>");
    assert!(read_response::<i32>(body.as_bytes(), &Limits::default()).is_err());
    assert_eq!(
        read_response::<i64>(body.as_bytes(), &Limits::default())
            .unwrap()
            .unwrap(),
        1 << 32
    );
    let body = doc("<int>-1</int>");
    assert!(read_response::<u32>(body.as_bytes(), &Limits::default()).is_err());
}
