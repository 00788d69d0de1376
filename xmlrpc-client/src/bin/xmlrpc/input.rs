//! The argument syntax: command-line words and JSON documents into XML-RPC values.
//!
//! A bare word is read the way a person means it (`42` an int, `3.5` a double, `true` a
//! boolean, `nil`, JSON for arrays and structs, anything else a string); a type prefix
//! (`i8:5`, `date:20260101T00:00:00`, `base64:@file.bin`) says the type outright. Inside
//! JSON, a string with a type prefix is that typed value, so every XML-RPC type can be
//! written at any depth; the printer writes values back in this same syntax.

use std::path::Path;

use base64::Engine as _;
use xmlrpc_core::{DateTime, Map, Value};

/// How `base64:` text is decoded and base64 values are printed.
pub const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The type prefixes, as `(prefix, canonical name)`, longest spellings first where one
/// starts another, so the help text and the printer agree with the parser.
const PREFIXES: &[(&str, &str)] = &[
    ("int", "int"),
    ("i4", "int"),
    ("i8", "i8"),
    ("double", "double"),
    ("boolean", "boolean"),
    ("bool", "boolean"),
    ("string", "string"),
    ("str", "string"),
    ("dateTime.iso8601", "date"),
    ("datetime", "date"),
    ("date", "date"),
    ("base64", "base64"),
];

/// Reads one command-line argument.
pub fn parse_arg(word: &str) -> Result<Value, String> {
    if let Some((kind, rest)) = split_prefix(word) {
        return typed(kind, rest);
    }
    match word {
        "nil" => return Ok(Value::Nil),
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    match word.trim_start().chars().next() {
        Some('[' | '{') => {
            let json: serde_json::Value = serde_json::from_str(word).map_err(|e| {
                format!("invalid JSON ({e}); write string:{word} to send it as a string")
            })?;
            return from_json(&json);
        }
        // A quoted word is a string, whatever it looks like: `'"42"'` is the string 42.
        Some('"') => {
            return serde_json::from_str::<String>(word)
                .map(Value::String)
                .map_err(|e| format!("invalid quoted string ({e})"));
        }
        _ => {}
    }
    if let Some(number) = number(word)? {
        return Ok(number);
    }
    Ok(Value::String(word.to_string()))
}

/// Converts a JSON document: numbers become int, i8 or double by their form, `null` nil,
/// and strings with a type prefix the typed value (`"i8:5"`, `"string:i8:5"` for the text).
pub fn from_json(json: &serde_json::Value) -> Result<Value, String> {
    Ok(match json {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                int(i)
            } else if n.is_f64() {
                Value::Double(n.as_f64().ok_or_else(|| format!("{n} is not a double"))?)
            } else {
                return Err(format!("{n} is outside the i8 (64-bit) range"));
            }
        }
        serde_json::Value::String(s) => match split_prefix(s) {
            Some((kind, rest)) => typed(kind, rest)?,
            None => Value::String(s.clone()),
        },
        serde_json::Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| from_json(item).map_err(|e| format!("[{i}]: {e}")))
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(members) => {
            let mut map = Map::with_capacity(members.len());
            for (name, member) in members {
                let value = from_json(member).map_err(|e| format!("{name:?}: {e}"))?;
                map.insert(name.clone(), value);
            }
            Value::Struct(map)
        }
    })
}

/// Whether a string would be read as a typed value inside JSON, so the printer must write
/// it with a `string:` prefix to keep it a string.
pub fn has_type_prefix(text: &str) -> bool {
    split_prefix(text).is_some()
}

/// Splits `kind:rest` when `kind` is a type prefix, giving the canonical kind.
fn split_prefix(word: &str) -> Option<(&'static str, &str)> {
    let (head, rest) = word.split_once(':')?;
    PREFIXES
        .iter()
        .find(|(prefix, _)| *prefix == head)
        .map(|(_, kind)| (*kind, rest))
}

/// The value of an explicitly typed argument.
fn typed(kind: &str, rest: &str) -> Result<Value, String> {
    let bad = |what: &str| format!("{kind}:{rest}: {what}");
    Ok(match kind {
        "int" => Value::Int(
            rest.parse()
                .map_err(|_| bad("not an int (a 32-bit integer)"))?,
        ),
        "i8" => Value::I8(
            rest.parse()
                .map_err(|_| bad("not an i8 (a 64-bit integer)"))?,
        ),
        "double" => match rest.parse::<f64>() {
            Ok(d) if d.is_finite() => Value::Double(d),
            _ => return Err(bad("not a finite double")),
        },
        "boolean" => match rest {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(bad("a boolean is true, false, 1 or 0")),
        },
        "string" => Value::String(rest.to_string()),
        "date" => Value::DateTime(rest.parse::<DateTime>().map_err(|e| {
            bad(&format!(
                "not a dateTime.iso8601 like 20260101T09:30:00 ({e})"
            ))
        })?),
        "base64" => Value::Base64(base64_bytes(rest).map_err(|e| bad(&e))?),
        other => unreachable!("prefix table names {other}"),
    })
}

/// The bytes of a `base64:` argument: `@path` reads a file, anything else is base64 text.
fn base64_bytes(rest: &str) -> Result<Vec<u8>, String> {
    match rest.strip_prefix('@') {
        Some(path) => std::fs::read(Path::new(path))
            .map_err(|e| format!("cannot read the file {path:?}: {e}")),
        None => BASE64
            .decode(rest.trim())
            .map_err(|e| format!("invalid base64 ({e}); write base64:@FILE to send a file")),
    }
}

/// A number written plainly: an int when it fits 32 bits, else an i8; a double when it has
/// a fraction or an exponent. `None` when the word is not a number at all.
fn number(word: &str) -> Result<Option<Value>, String> {
    let digits = word.strip_prefix(['-', '+']).unwrap_or(word);
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return match word.parse::<i64>() {
            Ok(i) => Ok(Some(int(i))),
            Err(_) => Err(format!(
                "{word} is outside the i8 (64-bit) range; write string:{word} to send it as a string"
            )),
        };
    }
    // Only decimal notation counts: `inf`, `NaN` and `0x10` stay strings.
    let decimal = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    match word.parse::<f64>() {
        Ok(d) if decimal && d.is_finite() => Ok(Some(Value::Double(d))),
        _ => Ok(None),
    }
}

/// An integer as `int` when it fits 32 bits, else `i8`.
fn int(i: i64) -> Value {
    i32::try_from(i).map_or(Value::I8(i), Value::Int)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(word: &str) -> Value {
        parse_arg(word).unwrap_or_else(|e| panic!("{word}: {e}"))
    }

    #[test]
    fn natural_words() {
        assert_eq!(arg("42"), Value::Int(42));
        assert_eq!(arg("-7"), Value::Int(-7));
        assert_eq!(arg("+7"), Value::Int(7));
        assert_eq!(arg("2147483648"), Value::I8(2_147_483_648));
        assert_eq!(arg("-2147483648"), Value::Int(i32::MIN));
        assert_eq!(arg("3.5"), Value::Double(3.5));
        assert_eq!(arg("-1e3"), Value::Double(-1000.0));
        assert_eq!(arg(".5"), Value::Double(0.5));
        assert_eq!(arg("true"), Value::Bool(true));
        assert_eq!(arg("false"), Value::Bool(false));
        assert_eq!(arg("nil"), Value::Nil);
        assert_eq!(arg("hello world"), Value::String("hello world".into()));
        assert_eq!(arg(""), Value::String(String::new()));
        for word in ["inf", "NaN", "0x10", "1.2.3", "-", "1_000", "e5", "12abc"] {
            assert_eq!(arg(word), Value::String(word.into()), "{word}");
        }
    }

    #[test]
    fn quoted_words_are_strings() {
        assert_eq!(arg("\"42\""), Value::String("42".into()));
        assert_eq!(arg("\"nil\""), Value::String("nil".into()));
        assert_eq!(arg("\"i8:5\""), Value::String("i8:5".into()));
        assert_eq!(arg(r#""tab\there""#), Value::String("tab\there".into()));
        assert!(parse_arg("\"unterminated").is_err());
    }

    #[test]
    fn prefixes() {
        assert_eq!(arg("i8:5"), Value::I8(5));
        assert_eq!(arg("int:-5"), Value::Int(-5));
        assert_eq!(arg("i4:7"), Value::Int(7));
        assert_eq!(arg("double:2"), Value::Double(2.0));
        assert_eq!(arg("bool:1"), Value::Bool(true));
        assert_eq!(arg("boolean:false"), Value::Bool(false));
        assert_eq!(arg("string:42"), Value::String("42".into()));
        assert_eq!(arg("str:nil"), Value::String("nil".into()));
        assert_eq!(arg("string:a:b"), Value::String("a:b".into()));
        assert_eq!(arg("base64:SGVsbG8="), Value::Base64(b"Hello".to_vec()));
        assert_eq!(arg("base64:"), Value::Base64(Vec::new()));
        // A colon after something that is not a type keeps the whole word a string.
        assert_eq!(
            arg("http://example.com"),
            Value::String("http://example.com".into())
        );
    }

    #[test]
    fn prefix_errors_say_what_was_expected() {
        for (word, hint) in [
            ("int:3000000000", "32-bit"),
            ("i8:99999999999999999999", "64-bit"),
            ("int:x", "int"),
            ("double:nan", "finite"),
            ("bool:yes", "true, false"),
            ("base64:***", "base64:@FILE"),
            ("date:yesterday", "20260101T09:30:00"),
            ("99999999999999999999", "string:"),
        ] {
            let err = parse_arg(word).unwrap_err();
            assert!(err.contains(hint), "{word}: {err}");
        }
    }

    #[test]
    fn dates() {
        match arg("date:20260101T09:30:05") {
            Value::DateTime(d) => {
                assert_eq!((d.year, d.month, d.day), (2026, 1, 1));
                assert_eq!((d.hour, d.minute, d.second), (9, 30, 5));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            arg("dateTime.iso8601:20260101T09:30:05"),
            arg("datetime:20260101T09:30:05")
        );
        assert!(parse_arg("date:20261301T00:00:00").is_err());
    }

    #[test]
    fn base64_from_a_file() {
        let path = std::env::temp_dir().join(format!("xmlrpc-cli-b64-{}", std::process::id()));
        std::fs::write(&path, [0u8, 1, 2, 255]).unwrap();
        let word = format!("base64:@{}", path.display());
        let value = arg(&word);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(value, Value::Base64(vec![0, 1, 2, 255]));
        let err = parse_arg("base64:@/nonexistent/file.bin").unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }

    #[test]
    fn json_documents() {
        assert_eq!(
            arg(r#"[1, 2.5, "x", null, true, 5000000000]"#),
            Value::Array(vec![
                Value::Int(1),
                Value::Double(2.5),
                Value::String("x".into()),
                Value::Nil,
                Value::Bool(true),
                Value::I8(5_000_000_000),
            ])
        );
        let Value::Struct(map) = arg(r#"{"b": {"n": "i8:1"}, "a": "string:i8:1", "c": []}"#) else {
            panic!("not a struct")
        };
        // Member order is kept as written.
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(map["a"], Value::String("i8:1".into()));
        assert_eq!(map["c"], Value::Array(vec![]));
        let Value::Struct(inner) = &map["b"] else {
            panic!("not a struct")
        };
        assert_eq!(inner["n"], Value::I8(1));
    }

    #[test]
    fn json_errors_name_the_place() {
        let err = parse_arg(r#"{"a": [1, "int:x"]}"#).unwrap_err();
        assert!(err.starts_with(r#""a": [1]: int:x"#), "{err}");
        let err = parse_arg("[1, 2").unwrap_err();
        assert!(err.contains("invalid JSON"), "{err}");
        let err = parse_arg("[18446744073709551615]").unwrap_err();
        assert!(err.contains("i8"), "{err}");
    }
}
