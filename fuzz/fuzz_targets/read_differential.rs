//! The fast path against the general reader on arbitrary bytes. Wherever the fast path accepts
//! a document, the general reader must read the same call (name, values, typed results with
//! their errors) or the same response (value, typed value, fault); and the public readers,
//! whichever path they take, must give exactly what the general reader gives, errors included.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use xmlrpc_core::__differential as diff;
use xmlrpc_core::{
    read_call, read_response, read_response_value, DateTime, Error, Fault, Limits, Params, Value,
};

#[allow(dead_code)]
#[derive(Debug, PartialEq, Deserialize)]
struct Shape {
    name: String,
    sides: u8,
    size: Option<f64>,
    tags: Vec<String>,
    when: Option<DateTime>,
    attrs: Option<BTreeMap<String, i64>>,
}

/// Values equal, doubles bit for bit.
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

fn same_response(a: &Result<Result<Value, Fault>, Error>, b: &Result<Result<Value, Fault>, Error>) -> bool {
    match (a, b) {
        (Ok(Ok(x)), Ok(Ok(y))) => same(x, y),
        (Ok(Err(x)), Ok(Err(y))) => x == y,
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

/// Everything a server does with parameters gives the same result on both.
fn same_params(a: &Params<'_>, b: &Params<'_>) {
    assert_eq!(a.len(), b.len());
    let (va, vb) = (a.to_values(), b.to_values());
    match (&va, &vb) {
        (Ok(x), Ok(y)) => assert!(x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))),
        _ => assert_eq!(va, vb),
    }
    assert_eq!(a.decode::<(i32, String)>(), b.decode::<(i32, String)>());
    assert_eq!(a.decode::<Vec<Shape>>(), b.decode::<Vec<Shape>>());
    assert_eq!(a.decode::<(Shape,)>(), b.decode::<(Shape,)>());
    assert_eq!(a.decode::<Vec<Option<i64>>>(), b.decode::<Vec<Option<i64>>>());
    let (mut x, mut y) = (a.args(), b.args());
    assert_eq!(x.required::<Shape>("shape"), y.required::<Shape>("shape"));
    assert_eq!(
        x.optional::<Vec<Option<i64>>>("list"),
        y.optional::<Vec<Option<i64>>>("list")
    );
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_depth: 12,
        max_params: 8,
        max_method_name: 40,
    };

    // Calls.
    let general = diff::read_call_general(data, &limits);
    if let Some(fast) = diff::read_call_fast(data, &limits) {
        let general = general.as_ref().expect("the general reader accepts what the fast path accepts");
        assert_eq!(fast.name, general.name);
        same_params(&fast.params, &general.params);
    }
    match (read_call(data, &limits), &general) {
        (Ok(c), Ok(g)) => {
            assert_eq!(c.name, g.name);
            same_params(&c.params, &g.params);
        }
        (Err(e), Err(g)) => assert_eq!(&e, g),
        (c, g) => panic!("read_call {:?} but the general reader {:?}", c.map(|c| c.name), g.as_ref().map(|c| &c.name)),
    }

    // Responses into values.
    let general = diff::read_response_value_general(data, &limits);
    if let Some(fast) = diff::read_response_value_fast(data, &limits) {
        assert!(same_response(&Ok(fast), &general), "fast path and general reader differ");
    }
    assert!(same_response(&read_response_value(data, &limits), &general));

    // Responses into types (the fast path gives up where the type does not fit).
    let general = diff::read_response_general::<Vec<Shape>>(data, &limits);
    if let Some(fast) = diff::read_response_fast::<Vec<Shape>>(data, &limits) {
        assert_eq!(Ok(fast), general);
    }
    assert_eq!(read_response::<Vec<Shape>>(data, &limits), general);
    let general = diff::read_response_general::<(i64, String, Option<bool>)>(data, &limits);
    assert_eq!(read_response::<(i64, String, Option<bool>)>(data, &limits), general);
});
