//! `read_call` on arbitrary bytes: never panics; a call it accepts decodes completely, and
//! writing its parameters again and reading them back gives the same call.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use xmlrpc_core::{encode_value, read_call, write_call_encoded, EncodeOptions, Limits, Value};

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
struct Shape {
    name: String,
    sides: u8,
    size: Option<f64>,
    tags: Vec<String>,
}

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

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let Ok(call) = read_call(data, &limits) else {
        return;
    };
    let values = call
        .params
        .to_values()
        .expect("the parameters of a validated call decode");
    assert_eq!(values.len(), call.params.len());
    let seq: Vec<Value> = call
        .params
        .decode()
        .expect("the parameters of a validated call decode as values");
    assert!(values.iter().zip(&seq).all(|(a, b)| same(a, b)));

    // The typed paths may refuse, but never panic.
    let _ = call.params.decode::<(i32, String)>();
    let _ = call.params.decode::<Vec<Shape>>();
    let mut args = call.params.args();
    let _ = args.required::<Shape>("shape");
    let _ = args.optional::<Vec<Option<i64>>>("list");
    let _ = args.finish("1 or 2");

    // Write the call again and read it back.
    let options = EncodeOptions::default();
    let encoded: Vec<_> = values
        .iter()
        .map(|v| encode_value(v, &options).expect("a value we read encodes"))
        .collect();
    let mut out = Vec::new();
    write_call_encoded(&call.name, &encoded, &mut out);
    let again = read_call(&out, &limits).expect("our own call reads");
    assert_eq!(again.name, call.name);
    let again = again.params.to_values().expect("our own params decode");
    assert_eq!(again.len(), values.len());
    assert!(
        values.iter().zip(&again).all(|(a, b)| same(a, b)),
        "{values:?} != {again:?}"
    );
});
