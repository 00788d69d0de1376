//! `read_response::<T>` (serde straight from XML) on arbitrary bytes: never panics; what it
//! accepts agrees with the `Value` path and survives a write/read trip.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};
use xmlrpc_core::{
    encode_value, from_value, read_response, read_response_value, write_response, DateTime,
    EncodeOptions, Limits,
};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Kind {
    Alpha,
    Beta,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Inner {
    x: f64,
    label: Option<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Target {
    id: i32,
    big: Option<i64>,
    flag: bool,
    name: String,
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
    when: Option<DateTime>,
    kind: Kind,
    pair: (u8, String),
    attrs: BTreeMap<String, i32>,
    items: Vec<Inner>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum Answer {
    One(Target),
    Many(Vec<Target>),
}

fn check<T>(data: &[u8])
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let limits = Limits::default();
    let Ok(Ok(answer)) = read_response::<T>(data, &limits) else {
        return;
    };
    // The Value path accepts the same document and maps to the same Rust value.
    let value = read_response_value(data, &limits)
        .expect("the Value path reads what the typed path read")
        .expect("not a fault");
    let via_value: T = from_value(value).expect("the Value path decodes the same type");
    assert_eq!(via_value, answer);
    // Write it and read it back.
    let enc = encode_value(&answer, &EncodeOptions::default()).expect("encodes");
    let mut out = Vec::new();
    write_response(&enc, &mut out);
    let back: T = read_response(&out, &limits)
        .expect("our own response reads")
        .expect("not a fault");
    assert_eq!(back, answer);
}

fuzz_target!(|data: &[u8]| {
    // Straight from XML events into a struct, into a sequence of structs, and through
    // serde's buffered (untagged) path.
    check::<Target>(data);
    check::<Vec<Target>>(data);
    check::<Answer>(data);
});
