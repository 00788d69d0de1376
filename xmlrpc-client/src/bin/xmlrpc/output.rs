//! Printing values: the readable form (the argument syntax, indented) and JSON.
//!
//! The readable form never loses a type: an `i8`, a date or a base64 value carries its type
//! prefix, a double always shows a fraction or an exponent, and strings are quoted. It is
//! the same syntax `xmlrpc-cli call` reads, so a printed result can be pasted back as an
//! argument. JSON (`--json`) is for programs and drops what JSON cannot say.

use base64::Engine as _;
use xmlrpc_core::Value;

use crate::input::{has_type_prefix, BASE64};

/// Containers whose one-line form is longer than this are written one member a line.
const LINE_WIDTH: usize = 80;

/// The readable form of a value, without a trailing newline.
pub fn readable(value: &Value) -> String {
    match value {
        // At the top level a typed scalar is written as a bare argument (`i8:5`), a string
        // in quotes: exactly what `xmlrpc-cli call` reads back.
        Value::I8(_) | Value::DateTime(_) | Value::Base64(_) => typed_scalar(value),
        Value::Nil => "nil".to_string(),
        // A quoted top-level word is always a string, so no `string:` escape is needed.
        Value::String(s) => {
            let mut out = String::new();
            quote(&mut out, s);
            out
        }
        _ => {
            let mut out = String::new();
            write_nested(&mut out, value, 0);
            out
        }
    }
}

/// A value as JSON: i8 as a number, dates as `YYYYMMDDTHH:MM:SS` strings, base64 as its
/// text and nil as `null`.
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Int(i) => J::from(*i),
        Value::I8(i) => J::from(*i),
        Value::Bool(b) => J::Bool(*b),
        Value::String(s) => J::String(s.clone()),
        // XML-RPC doubles are finite, so the conversion cannot fail; null is the JSON
        // answer for a value it cannot represent all the same.
        Value::Double(d) => serde_json::Number::from_f64(*d).map_or(J::Null, J::Number),
        Value::DateTime(d) => J::String(d.to_string()),
        Value::Base64(bytes) => J::String(BASE64.encode(bytes)),
        Value::Struct(map) => J::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Nil => J::Null,
    }
}

/// Pretty-printed JSON text of a value.
pub fn json_text(value: &serde_json::Value) -> String {
    // Serializing a serde_json::Value to a string cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A typed scalar in the argument syntax, without quotes.
fn typed_scalar(value: &Value) -> String {
    match value {
        Value::I8(i) => format!("i8:{i}"),
        Value::DateTime(d) => format!("date:{d}"),
        Value::Base64(bytes) => format!("base64:{}", BASE64.encode(bytes)),
        other => unreachable!("not a typed scalar: {other:?}"),
    }
}

/// Writes a value as it appears inside JSON: typed scalars as prefixed strings, strings
/// that would read as typed values escaped with `string:`.
fn write_nested(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // `{:?}` keeps `.0` on whole numbers and round-trips every f64.
        Value::Double(d) => out.push_str(&format!("{d:?}")),
        Value::Nil => out.push_str("null"),
        Value::String(s) if has_type_prefix(s) => quote(out, &format!("string:{s}")),
        Value::String(s) => quote(out, s),
        Value::I8(_) | Value::DateTime(_) | Value::Base64(_) => quote(out, &typed_scalar(value)),
        Value::Array(items) => {
            write_container(out, indent, ('[', ']'), items.iter().map(|v| (None, v)))
        }
        Value::Struct(map) => write_container(
            out,
            indent,
            ('{', '}'),
            map.iter().map(|(k, v)| (Some(k.as_str()), v)),
        ),
    }
}

/// Writes an array or struct on one line when it is short and flat, else one member a line.
fn write_container<'a>(
    out: &mut String,
    indent: usize,
    (open, close): (char, char),
    members: impl Iterator<Item = (Option<&'a str>, &'a Value)> + Clone,
) {
    if members.clone().next().is_none() {
        out.push(open);
        out.push(close);
        return;
    }
    // Two levels fit on a line (`[1, {"k": "v"}]`); deeper values read better unfolded.
    let flat = members.clone().all(|(_, v)| depth(v) <= 1);
    if flat {
        let mut line = String::new();
        line.push(open);
        for (i, (key, value)) in members.clone().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            write_member(&mut line, key, value, indent);
        }
        line.push(close);
        if indent + line.len() <= LINE_WIDTH {
            out.push_str(&line);
            return;
        }
    }
    out.push(open);
    let count = members.clone().count();
    for (i, (key, value)) in members.enumerate() {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        write_member(out, key, value, indent + 2);
        if i + 1 < count {
            out.push(',');
        }
    }
    out.push('\n');
    out.push_str(&" ".repeat(indent));
    out.push(close);
}

fn write_member(out: &mut String, key: Option<&str>, value: &Value, indent: usize) {
    if let Some(key) = key {
        quote(out, key);
        out.push_str(": ");
    }
    write_nested(out, value, indent);
}

/// How many levels of non-empty containers a value holds (0 for a scalar or `[]`).
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.iter().map(|v| depth(v) + 1).max().unwrap_or(0),
        Value::Struct(map) => map.values().map(|v| depth(v) + 1).max().unwrap_or(0),
        _ => 0,
    }
}

/// Appends a JSON string literal.
fn quote(out: &mut String, text: &str) {
    // Serializing a &str cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use xmlrpc_core::Map;

    use super::*;
    use crate::input::parse_arg;

    fn date() -> Value {
        parse_arg("date:20260102T03:04:05").unwrap()
    }

    #[test]
    fn scalars_keep_their_types() {
        assert_eq!(readable(&Value::Int(42)), "42");
        assert_eq!(readable(&Value::I8(42)), "i8:42");
        assert_eq!(readable(&Value::Double(1.0)), "1.0");
        assert_eq!(readable(&Value::Double(0.1)), "0.1");
        assert_eq!(readable(&Value::Bool(true)), "true");
        assert_eq!(
            readable(&Value::String("hi \"you\"".into())),
            r#""hi \"you\"""#
        );
        assert_eq!(readable(&Value::Nil), "nil");
        assert_eq!(readable(&date()), "date:20260102T03:04:05");
        assert_eq!(
            readable(&Value::Base64(b"Hello".to_vec())),
            "base64:SGVsbG8="
        );
    }

    #[test]
    fn nested_values_use_prefixed_strings() {
        let value = Value::Array(vec![
            Value::I8(5),
            Value::String("i8:5".into()),
            Value::String("plain".into()),
            Value::Nil,
            date(),
        ]);
        assert_eq!(
            readable(&value),
            r#"["i8:5", "string:i8:5", "plain", null, "date:20260102T03:04:05"]"#
        );
    }

    #[test]
    fn long_or_deep_containers_break_lines() {
        let mut inner = Map::new();
        inner.insert("n".into(), Value::Int(1));
        let mut map = Map::new();
        map.insert("name".into(), Value::String("x".into()));
        map.insert("inner".into(), Value::Struct(inner));
        map.insert("empty".into(), Value::Array(vec![]));
        let two_levels = Value::Struct(map);
        assert_eq!(
            readable(&two_levels),
            "{\"name\": \"x\", \"inner\": {\"n\": 1}, \"empty\": []}"
        );
        let three_levels = Value::Array(vec![Value::Int(0), two_levels]);
        assert_eq!(
            readable(&three_levels),
            "[\n  0,\n  {\"name\": \"x\", \"inner\": {\"n\": 1}, \"empty\": []}\n]"
        );
        let long = Value::Array((0..40).map(Value::Int).collect());
        let text = readable(&long);
        assert_eq!(text.lines().count(), 42, "{text}");
    }

    /// Whatever is printed reads back as the same value.
    #[test]
    fn printed_form_reads_back() {
        let mut map = Map::new();
        map.insert("big".into(), Value::I8(-9_000_000_000));
        map.insert("when".into(), date());
        map.insert("blob".into(), Value::Base64(vec![0, 255, 7]));
        map.insert("tricky".into(), Value::String("base64:x".into()));
        map.insert("d".into(), Value::Double(2.0));
        map.insert("none".into(), Value::Nil);
        map.insert(
            "list".into(),
            Value::Array(vec![Value::Bool(false), Value::Struct(Map::new())]),
        );
        let samples = [
            Value::Struct(map),
            Value::I8(3),
            Value::Double(-0.5),
            Value::String("42".into()),
            Value::String("nil".into()),
            Value::String("i8:5".into()),
            Value::Nil,
            date(),
            Value::Base64(b"xyz".to_vec()),
        ];
        for value in samples {
            let text = readable(&value);
            assert_eq!(parse_arg(&text).unwrap(), value, "{text}");
        }
    }

    #[test]
    fn json_form() {
        let value = Value::Array(vec![
            Value::I8(1),
            date(),
            Value::Base64(b"Hello".to_vec()),
            Value::Nil,
            Value::Double(1.5),
        ]);
        assert_eq!(
            to_json(&value).to_string(),
            r#"[1,"20260102T03:04:05","SGVsbG8=",null,1.5]"#
        );
    }
}
