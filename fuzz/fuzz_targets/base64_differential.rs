//! The reader's base64 decoder (vectorised bulk path, strict tail) against the `base64`
//! crate: the input bytes become the text of a `<base64>` element.
#![no_main]

use base64::Engine;
use libfuzzer_sys::fuzz_target;
use xmlrpc_core::{read_response, read_response_value, Limits, Value};

fuzz_target!(|data: &[u8]| {
    // Only characters that may stand in element text unescaped.
    if data
        .iter()
        .any(|&b| !(b.is_ascii_graphic() || b" \t\r\n".contains(&b)) || b"<&".contains(&b))
    {
        return;
    }
    let text = std::str::from_utf8(data).unwrap();
    let doc = format!(
        "<methodResponse><params><param><value><base64>{text}</base64></value></param></params></methodResponse>"
    );
    let compact: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b" \t\r\n".contains(b))
        .collect();
    let reference = base64::engine::general_purpose::STANDARD.decode(&compact);
    let ours = read_response_value(doc.as_bytes(), &Limits::default());
    match (&reference, &ours) {
        (Ok(want), Ok(Ok(Value::Base64(got)))) => assert_eq!(got, want, "{text:?}"),
        (Ok(want), other) => panic!(
            "{text:?}: valid base64 ({} bytes) refused: {other:?}",
            want.len()
        ),
        (Err(_), Ok(Ok(Value::Base64(got)))) => {
            // Accepting more than the strict engine is allowed only for missing (or, as the
            // reader chooses, incomplete) padding at the very end.
            let unpadded = compact
                .strip_suffix(b"==")
                .or(compact.strip_suffix(b"="))
                .unwrap_or(&compact);
            assert!(
                !unpadded.contains(&b'='),
                "{text:?}: padding inside accepted as {got:?}"
            );
            let want = base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(unpadded)
                .unwrap_or_else(|e| panic!("{text:?}: invalid base64 accepted as {got:?} ({e})"));
            assert_eq!(got, &want, "{text:?}");
        }
        (Err(_), Ok(other)) => panic!("{text:?}: read as {other:?}"),
        (Err(_), Err(e)) => assert!(e.position().is_some(), "{e}"),
    }
    // The typed path decodes the same bytes.
    let typed = read_response::<serde_bytes::ByteBuf>(doc.as_bytes(), &Limits::default());
    match (&ours, typed) {
        (Ok(Ok(Value::Base64(a))), Ok(Ok(b))) => assert_eq!(a, &b.into_vec()),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("{text:?}: Value path {a:?}, typed path {b:?}"),
    }
});
