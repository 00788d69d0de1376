use serde::{Deserialize, Serialize};

use crate::*;

#[derive(Debug, Serialize, Deserialize, PartialEq, Clone)]
struct Item {
    name: String,
    qty: i32,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Clone)]
struct Order {
    id: i64,
    items: Vec<Item>,
    note: Option<String>,
}

fn lim() -> Limits {
    Limits::default()
}

fn resp(inner: &str) -> String {
    format!("<?xml version=\"1.0\"?><methodResponse><params><param>{inner}</param></params></methodResponse>")
}

fn call(inner: &str) -> String {
    format!("<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>{inner}</params></methodCall>")
}

fn val(inner: &str) -> Result<Value, Error> {
    read_response_value(resp(inner).as_bytes(), &lim()).map(|r| r.unwrap())
}

#[test]
fn roundtrip_call_typed() {
    let order = Order {
        id: 5,
        items: vec![Item {
            name: "a<&>]]>".into(),
            qty: 3,
        }],
        note: None,
    };
    let mut out = Vec::new();
    write_call(
        "shop.order",
        &(1, &order, "x"),
        &EncodeOptions::default(),
        &mut out,
    )
    .unwrap();
    let c = read_call(&out, &lim()).unwrap();
    assert_eq!(c.name, "shop.order");
    assert_eq!(c.params.len(), 3);
    let mut a = c.params.args();
    assert_eq!(a.required::<i32>("a").unwrap(), 1);
    assert_eq!(a.required::<Order>("o").unwrap(), order);
    assert_eq!(a.required::<String>("s").unwrap(), "x");
    assert_eq!(a.optional::<i32>("opt").unwrap(), None);
    a.finish("3").unwrap();
    let (x, o, s): (i32, Order, String) = c.params.decode().unwrap();
    assert_eq!((x, o, s.as_str()), (1, order.clone(), "x"));
    let vals = c.params.to_values().unwrap();
    assert_eq!(vals[0], Value::Int(1));
    assert_eq!(from_value::<Order>(vals[1].clone()).unwrap(), order);
    let p2 = Params::from_values(vals);
    let mut a = p2.args();
    assert_eq!(a.required::<i32>("a").unwrap(), 1);
    assert_eq!(a.required::<Order>("o").unwrap(), order);
}

#[test]
fn error_paths() {
    let doc = call(
        "<param><value><int>1</int></value></param><param><value><struct><member><name>items</name><value><array><data>\
         <value><struct><member><name>qty</name><value><int>1</int></value></member></struct></value>\
         <value><struct><member><name>qty</name><value><int>1</int></value></member></struct></value>\
         <value><struct><member><name>qty</name><value><int>1</int></value></member></struct></value>\
         <value><struct><member><name>qty</name><value>x</value></member></struct></value>\
         </data></array></value></member></struct></value></param>",
    );
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Q {
        qty: i32,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct B {
        items: Vec<Q>,
    }
    let c = read_call(doc.as_bytes(), &lim()).unwrap();
    let mut a = c.params.args();
    let _: i32 = a.required("a").unwrap();
    let e = a.required::<B>("b").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Type);
    assert_eq!(e.path(), "params[1].items[3].qty");
    let s = e.to_string();
    assert!(
        s.starts_with("params[1].items[3].qty: expected int, found string"),
        "{s}"
    );
    assert!(e.position().is_some());
    let e = c.params.args().required::<String>("name").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("params[0] (name): expected string, found int"),
        "{e}"
    );
    let e = c.params.decode::<(i32,)>().unwrap_err();
    assert!(e.to_string().contains("too many parameters"), "{e}");
    let mut a = c.params.args();
    let _: i32 = a.required("a").unwrap();
    let e = a.finish("1").unwrap_err();
    assert!(e.to_string().contains("expected 1, got 2"), "{e}");
}

#[test]
fn value_forms() {
    assert_eq!(
        val("<value>  hi  </value>").unwrap(),
        Value::String("  hi  ".into())
    );
    assert_eq!(val("<value/>").unwrap(), Value::String("".into()));
    assert_eq!(
        val("<value><string/></value>").unwrap(),
        Value::String("".into())
    );
    assert_eq!(val("<value><i4>-7</i4></value>").unwrap(), Value::Int(-7));
    assert_eq!(
        val("<value>\n <int>+007</int>\n</value>").unwrap(),
        Value::Int(7)
    );
    assert_eq!(
        val("<value><i8>9223372036854775807</i8></value>").unwrap(),
        Value::I8(i64::MAX)
    );
    assert_eq!(
        val("<value><ex:i8>1</ex:i8></value>").unwrap(),
        Value::I8(1)
    );
    assert_eq!(val("<value><ex:nil/></value>").unwrap(), Value::Nil);
    assert_eq!(val("<value><nil></nil></value>").unwrap(), Value::Nil);
    assert_eq!(
        val("<value><boolean>1</boolean></value>").unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        val("<value><double>-1.5</double></value>").unwrap(),
        Value::Double(-1.5)
    );
    assert_eq!(
        val("<value><string>a&amp;b&lt;&#65;&#x1F600;<![CDATA[<x>]]><!-- c --></string></value>")
            .unwrap(),
        Value::String("a&b<A😀<x>".into())
    );
    assert_eq!(
        val("<value><string>a\r\nb\rc&#13;</string></value>").unwrap(),
        Value::String("a\nb\nc\r".into())
    );
    assert_eq!(
        val("<value><base64>aGVs\nbG8=</base64></value>").unwrap(),
        Value::Base64(b"hello".to_vec())
    );
    assert_eq!(
        val("<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>").unwrap(),
        Value::DateTime(DateTime::new(1998, 7, 17, 14, 8, 55).unwrap())
    );
    assert_eq!(
        val("<value><array><data/></array></value>").unwrap(),
        Value::Array(vec![])
    );
    assert_eq!(
        val("<value><array/></value>").unwrap(),
        Value::Array(vec![])
    );
    assert_eq!(
        val("<value><struct/></value>").unwrap(),
        Value::Struct(Map::new())
    );
    let v = val("<value><struct>\n<member><name>a</name><value><array><data><value>1</value><value><int>2</int></value></data></array></value></member>\n<member><name>b</name><value/></member></struct></value>").unwrap();
    assert_eq!(v["a"][1], Value::Int(2));
    assert_eq!(v["a"][0].as_str(), Some("1"));
    assert_eq!(v["b"].as_str(), Some(""));
    let ns = r#"<?xml version="1.0"?><methodResponse xmlns:e="http://ws.apache.org/xmlrpc/namespaces/extensions"><params><param><value><e:i8>5</e:i8></value></param></params></methodResponse>"#;
    assert_eq!(
        read_response_value(ns.as_bytes(), &lim()).unwrap().unwrap(),
        Value::I8(5)
    );
}

#[test]
fn rejects() {
    for bad in [
        "<value><int>1_000</int></value>",
        "<value><int>2147483648</int></value>",
        "<value><int></int></value>",
        "<value><boolean>2</boolean></value>",
        "<value><double>nan</double></value>",
        "<value><double>1,5</double></value>",
        "<value><base64>!!!!</base64></value>",
        "<value><dateTime.iso8601>19981317T14:08:55</dateTime.iso8601></value>",
        "<value><foo>1</foo></value>",
        "<value><struct><member><name>a</name></member></struct></value>",
        "<value><string>&#1;</string></value>",
        "<value><string>&#xFFFE;</string></value>",
        "<value><string>&#xD800;</string></value>",
        "<value><string>&bogus;</string></value>",
        "<value>x<int>1</int></value>",
        "<value><int>1</int>",
        "<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>",
        "<value><foo:i8>1</foo:i8></value>",
        "<value><int>1</string></value>",
        "<value><i4>1</int></value>",
        "<value><ex:i8>1</i8></value>",
        "<value><ex:nil></nil></value>",
        "<value>1</values>",
        "<value><array><data></array></data></value>",
        "<value><array></data></value>",
        "<value><struct></array></value>",
        "<value><struct><member><name>a</nam></member></struct></value>",
        "<value><struct><member><name>a</name><value>1</value></members></struct></value>",
        "<value><string>a</string></string>",
    ] {
        let e = val(bad).unwrap_err();
        assert!(e.position().is_some(), "{bad}: {e}");
    }
    let doctype = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><methodResponse/>";
    let e = read_response_value(doctype.as_bytes(), &lim()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert!(e.to_string().contains("DOCTYPE"));
    assert!(read_call(
        b"<methodCall><methodName>a</methodName></methodCall>junk",
        &lim()
    )
    .is_err());
    assert!(read_call(
        b"<methodCall><methodName>a</methodName></methodCall><x/>",
        &lim()
    )
    .is_err());
}

#[test]
fn depth() {
    let deep = |n: usize| {
        let mut s = String::new();
        for _ in 0..n {
            s.push_str("<value><array><data>");
        }
        s.push_str("<value><int>1</int></value>");
        for _ in 0..n {
            s.push_str("</data></array></value>");
        }
        s
    };
    assert!(val(&deep(64)).is_ok());
    let e = val(&deep(65)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    let e = read_call(
        call(&format!("<param>{}</param>", deep(100_000))).as_bytes(),
        &lim(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
}

#[test]
fn calls_without_params() {
    for doc in [
        "<methodCall><methodName>a</methodName></methodCall>",
        "<methodCall><methodName>a</methodName><params/></methodCall>",
        "<methodCall>\n<methodName>a</methodName>\n<params>\n</params>\n</methodCall>\n",
    ] {
        let c = read_call(doc.as_bytes(), &lim()).unwrap();
        assert_eq!(c.name, "a");
        assert!(c.params.is_empty());
        c.params.decode::<()>().unwrap();
    }
}

#[test]
fn faults_and_writers() {
    let mut out = Vec::new();
    write_fault(&Fault::new(4, "Too many <params>"), &mut out);
    let r = read_response::<i32>(&out, &lim()).unwrap();
    assert_eq!(r.unwrap_err(), Fault::new(4, "Too many <params>"));
    let opts = EncodeOptions {
        allow_nil: true,
        extension_namespace: true,
    };
    let v = encode_value(&(5i64, None::<i32>), &opts).unwrap();
    assert!(v.uses_extension_namespace());
    let mut out = Vec::new();
    write_response(&v, &mut out);
    let s = String::from_utf8(out.clone()).unwrap();
    assert!(s.contains("xmlns:ex="), "{s}");
    assert!(s.contains("<ex:i8>5</ex:i8>"), "{s}");
    let r: (i64, Option<i32>) = read_response(&out, &lim()).unwrap().unwrap();
    assert_eq!(r, (5, None));
    let e = encode_value(
        &None::<i32>,
        &EncodeOptions {
            allow_nil: false,
            extension_namespace: false,
        },
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Encode);
    assert!(encode_value(&f64::NAN, &EncodeOptions::default()).is_err());
    let mut out = Vec::new();
    let ok = encode_value(&7, &EncodeOptions::default()).unwrap();
    write_multicall_response(&[Ok(ok.clone()), Err(Fault::new(1, "x"))], &mut out);
    let v = read_response_value(&out, &lim()).unwrap().unwrap();
    assert_eq!(v[0][0], Value::Int(7));
    assert_eq!(v[1]["faultCode"], Value::Int(1));
    let mut batch = crate::MulticallWriter::new(&EncodeOptions::default());
    batch.add("a.b", |w| w.push_encoded(&ok)).unwrap();
    batch.add("c", |_| Ok(())).unwrap();
    let out = batch.finish();
    let c = read_call(&out, &lim()).unwrap();
    assert_eq!(c.name, "system.multicall");
    let calls = c.params.to_values().unwrap();
    assert_eq!(calls[0][0]["methodName"].as_str(), Some("a.b"));
    assert_eq!(calls[0][0]["params"][0], Value::Int(7));
    let mut out = Vec::new();
    write_call_encoded("x", &[ok], &mut out);
    assert_eq!(
        read_call(&out, &lim()).unwrap().params.to_values().unwrap(),
        vec![Value::Int(7)]
    );
}

#[test]
fn value_roundtrip() {
    let mut m = Map::new();
    m.insert("a".into(), Value::Int(1));
    m.insert(
        "b".into(),
        Value::Array(vec![Value::I8(-3), Value::Bool(false), Value::Nil]),
    );
    m.insert("c".into(), Value::Double(0.1));
    m.insert(
        "d".into(),
        Value::DateTime(DateTime::parse("20240229T23:59:59+05:30").unwrap()),
    );
    m.insert("e".into(), Value::Base64(vec![0, 1, 2, 255]));
    m.insert("f".into(), Value::String("\t<tab>&\n".into()));
    let v = Value::Struct(m);
    let enc = encode_value(&v, &EncodeOptions::default()).unwrap();
    let mut out = Vec::new();
    write_response(&enc, &mut out);
    assert_eq!(read_response_value(&out, &lim()).unwrap().unwrap(), v);
    assert_eq!(to_value(&v).unwrap(), v);
    assert_eq!(from_value::<Value>(v.clone()).unwrap(), v);
}

#[test]
fn enums() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    enum E {
        Unit,
        New(i32),
        Tup(i32, String),
        Rec { a: bool },
    }
    for e in [
        E::Unit,
        E::New(3),
        E::Tup(1, "x".into()),
        E::Rec { a: true },
    ] {
        let enc = encode_value(&e, &EncodeOptions::default()).unwrap();
        let mut out = Vec::new();
        write_response(&enc, &mut out);
        let back: E = read_response(&out, &lim()).unwrap().unwrap();
        assert_eq!(back, e);
        assert_eq!(from_value::<E>(to_value(&e).unwrap()).unwrap(), e);
    }
    let enc = encode_value(&E::Unit, &EncodeOptions::default()).unwrap();
    assert_eq!(enc.as_bytes(), b"<value><string>Unit</string></value>");
}

#[test]
fn encoding_latin1() {
    let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodResponse><params><param><value><string>caf\xe9</string></value></param></params></methodResponse>";
    assert_eq!(
        read_response_value(doc, &lim()).unwrap().unwrap(),
        Value::String("café".into())
    );
    let e = read_response_value(
        b"<?xml version=\"1.0\" encoding=\"bogus\"?><methodResponse/>",
        &lim(),
    )
    .unwrap_err();
    assert_eq!(e.fault_code(), Fault::UNSUPPORTED_ENCODING);
}

#[test]
fn value_errors_name_the_path() {
    let e = val("<value><array><data><value>1</value><value><struct><member><name>qty</name><value><int>x</int></value></member></struct></value></data></array></value>").unwrap_err();
    assert_eq!(e.path(), "[1].qty");
    assert!(e.position().is_some());
    let e = val("<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>").unwrap_err();
    assert!(e.to_string().contains("duplicate struct member `a`"), "{e}");
    let e = read_call(call("<param><value><int>1</int></value></param><param><value><array><data><value><i4>1.5</i4></value></data></array></value></param>").as_bytes(), &lim()).unwrap_err();
    assert!(e.position().is_some());
    // Values read through serde name the path too.
    let body = resp("<value><array><data><value><struct><member><name>k</name><value><string>s</string></value></member></struct></value></data></array></value>");
    let e = read_response::<Vec<std::collections::HashMap<String, i32>>>(body.as_bytes(), &lim())
        .unwrap_err();
    assert_eq!(e.path(), "[0].k");
}

#[test]
fn attributes_are_checked_and_bounded() {
    let attrs: String = (0..40).map(|i| format!(" a{i}=\"1\"")).collect();
    let doc = format!(
        "<methodResponse{attrs}><params><param><value>1</value></param></params></methodResponse>"
    );
    assert_eq!(
        read_response_value(doc.as_bytes(), &lim())
            .unwrap_err()
            .kind(),
        ErrorKind::Limit
    );
    let doc = "<methodResponse a=\"1\" a=\"2\"><params><param><value>1</value></param></params></methodResponse>";
    assert_eq!(
        read_response_value(doc.as_bytes(), &lim())
            .unwrap_err()
            .kind(),
        ErrorKind::Syntax
    );
    let doc = "<methodResponse a><params><param><value>1</value></param></params></methodResponse>";
    assert_eq!(
        read_response_value(doc.as_bytes(), &lim())
            .unwrap_err()
            .kind(),
        ErrorKind::Syntax
    );
}

#[test]
fn buffered_content_keeps_types() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Inner {
        when: DateTime,
        n: i64,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Outer {
        id: i32,
        #[serde(flatten)]
        inner: Inner,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    #[serde(untagged)]
    enum U {
        D(DateTime),
        S(String),
    }
    let o = Outer {
        id: 1,
        inner: Inner {
            when: DateTime::parse("20240102T03:04:05").unwrap(),
            n: 7,
        },
    };
    let enc = encode_value(&o, &EncodeOptions::default()).unwrap();
    let mut out = Vec::new();
    write_response(&enc, &mut out);
    assert_eq!(read_response::<Outer>(&out, &lim()).unwrap().unwrap(), o);
    assert_eq!(from_value::<Outer>(to_value(&o).unwrap()).unwrap(), o);
    for u in [
        U::D(DateTime::parse("20240102T03:04:05").unwrap()),
        U::S("x".into()),
    ] {
        let enc = encode_value(&u, &EncodeOptions::default()).unwrap();
        let mut out = Vec::new();
        write_response(&enc, &mut out);
        assert_eq!(read_response::<U>(&out, &lim()).unwrap().unwrap(), u);
    }
}

#[test]
fn duplicate_members_are_refused_up_front() {
    let dup = "<value><struct><member><name>a</name><value>1</value></member><member><name>&#97;</name><value>2</value></member></struct></value>";
    let e = read_call(call(&format!("<param>{dup}</param>")).as_bytes(), &lim()).unwrap_err();
    assert!(e.to_string().contains("duplicate struct member `a`"), "{e}");
    assert!(e.position().is_some());
    let e =
        read_response::<std::collections::HashMap<String, String>>(resp(dup).as_bytes(), &lim())
            .unwrap_err();
    assert!(e.to_string().contains("duplicate"), "{e}");
    // Same names in different structs, nested or sibling, are fine.
    let ok = "<value><struct><member><name>a</name><value><struct><member><name>a</name><value>1</value></member></struct></value></member><member><name>b</name><value><struct><member><name>a</name><value>2</value></member><member><name>b</name><value>3</value></member></struct></value></member></struct></value>";
    assert!(val(ok).is_ok());
    // Large structs go through a hash set.
    let many: String = (0..100)
        .map(|i| format!("<member><name>m{i}</name><value>{i}</value></member>"))
        .collect();
    assert_eq!(
        val(&format!("<value><struct>{many}</struct></value>"))
            .unwrap()
            .as_struct()
            .unwrap()
            .len(),
        100
    );
    let e = val(&format!(
        "<value><struct>{many}<member><name>m7</name><value/></member></struct></value>"
    ))
    .unwrap_err();
    assert!(
        e.to_string().contains("duplicate struct member `m7`"),
        "{e}"
    );
    let nested = format!("<value><array><data><value><struct>{many}<member><name>x</name><value><struct>{many}</struct></value></member></struct></value><value><struct>{many}</struct></value></data></array></value>");
    assert!(val(&nested).is_ok());
}
