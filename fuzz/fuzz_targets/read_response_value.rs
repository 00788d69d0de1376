//! `read_response_value` on arbitrary bytes: never panics; a value it accepts is written
//! again and read back unchanged (in both dialects), and a fault survives the same trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmlrpc_core::{
    encode_value, read_response_value, write_fault, write_response, EncodeOptions, Limits, Value,
};

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
    match read_response_value(data, &limits) {
        Err(e) => {
            // Errors render without panicking.
            let _ = e.to_string();
        }
        Ok(Ok(value)) => {
            for options in [
                EncodeOptions::default(),
                EncodeOptions {
                    extension_namespace: true,
                    ..EncodeOptions::default()
                },
            ] {
                let enc = encode_value(&value, &options).expect("a value we read encodes");
                let mut out = Vec::new();
                write_response(&enc, &mut out);
                let back = read_response_value(&out, &limits)
                    .expect("our own response reads")
                    .expect("not a fault");
                assert!(same(&back, &value), "{value:?} != {back:?}");
            }
        }
        Ok(Err(fault)) => {
            let mut out = Vec::new();
            write_fault(&fault, &mut out);
            let back = read_response_value(&out, &limits)
                .expect("our own fault reads")
                .expect_err("a fault");
            assert_eq!(back, fault);
        }
    }
});
