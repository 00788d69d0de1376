//! The parameters of a call decoded into typed structs two ways, straight from the XML
//! (`Params::get_typed`) and through `Value` (`from_value`): never a panic, and what the
//! direct path accepts the `Value` path accepts with the same result, which survives a
//! write/read trip.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use xmlrpc_core::{
    encode_value, from_value, read_call, write_call_encoded, DateTime, EncodeOptions, Limits, Value,
};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Mode {
    Fast,
    Safe,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Item {
    sku: String,
    qty: u16,
    price: Option<f64>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Order {
    id: i64,
    customer: String,
    paid: bool,
    #[serde(default)]
    note: Option<String>,
    placed: Option<DateTime>,
    mode: Mode,
    items: Vec<Item>,
    #[serde(with = "serde_bytes")]
    signature: Vec<u8>,
    extra: BTreeMap<String, i32>,
}

fn same_double_bits(a: &impl Serialize, b: &impl Serialize) -> bool {
    let options = EncodeOptions::default();
    let (Ok(a), Ok(b)) = (encode_value(a, &options), encode_value(b, &options)) else {
        return false;
    };
    let (mut x, mut y) = (Vec::new(), Vec::new());
    write_call_encoded("m", &[a], &mut x);
    write_call_encoded("m", &[b], &mut y);
    x == y
}

fn check<T>(params: &xmlrpc_core::Params<'_>, values: &[Value], index: usize)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let Some(Ok(direct)) = params.get_typed::<T>(index) else {
        return;
    };
    let via_value: T = from_value(values[index].clone())
        .expect("the Value path decodes what the direct path decoded");
    // Compared through their encoding, so that NaN-free doubles compare bit for bit.
    assert!(
        same_double_bits(&direct, &via_value),
        "{direct:?} != {via_value:?}"
    );

    // Write it as a call and read it back into the same type.
    let encoded = encode_value(&direct, &EncodeOptions::default()).expect("encodes");
    let mut out = Vec::new();
    write_call_encoded("m", &[encoded], &mut out);
    let again = read_call(&out, &Limits::default()).expect("our own call reads");
    let back: T = again
        .params
        .get_typed(0)
        .expect("one parameter")
        .expect("our own parameter decodes");
    assert!(same_double_bits(&back, &direct), "{back:?} != {direct:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(call) = read_call(data, &Limits::default()) else {
        return;
    };
    let Ok(values) = call.params.to_values() else {
        return;
    };
    for index in 0..values.len().min(4) {
        check::<Order>(&call.params, &values, index);
        check::<Vec<Item>>(&call.params, &values, index);
        check::<(i32, String, Option<bool>)>(&call.params, &values, index);
        check::<BTreeMap<String, Vec<i64>>>(&call.params, &values, index);
    }
});
