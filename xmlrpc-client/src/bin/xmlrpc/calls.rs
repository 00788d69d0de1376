//! The calls of `xmlrpc-cli multicall`: from `--call METHOD ARGS...` options or a JSON file.

use std::{io::Read as _, path::Path};

use xmlrpc_core::Value;

use crate::input::{from_json, parse_arg};

/// A method name and its parameters.
pub type Call = (String, Vec<Value>);

/// The calls given as `--call` options, arguments in the command-line syntax.
pub fn from_args(calls: &[Vec<String>]) -> Result<Vec<Call>, String> {
    calls
        .iter()
        .enumerate()
        .map(|(i, words)| {
            let (method, args) = words
                .split_first()
                .ok_or_else(|| format!("--call number {} names no method", i + 1))?;
            let params = args
                .iter()
                .enumerate()
                .map(|(j, word)| {
                    parse_arg(word).map_err(|e| format!("call {method}, argument {}: {e}", j + 1))
                })
                .collect::<Result<_, _>>()?;
            Ok((method.clone(), params))
        })
        .collect()
}

/// The calls in a JSON file (`-` is standard input).
pub fn from_file(path: &Path) -> Result<Vec<Call>, String> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    from_json_text(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The calls of a JSON document: an array whose items are `{"methodName": ..., "params":
/// [...]}` or `["method", arg, ...]`.
fn from_json_text(text: &str) -> Result<Vec<Call>, String> {
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let serde_json::Value::Array(items) = json else {
        return Err("expected a JSON array of calls".into());
    };
    if items.is_empty() {
        return Err("the array holds no calls".into());
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| one(item).map_err(|e| format!("call [{i}]: {e}")))
        .collect()
}

fn one(item: &serde_json::Value) -> Result<Call, String> {
    use serde_json::Value as J;
    let (method, params): (&J, Vec<&J>) = match item {
        J::Object(members) => {
            if let Some(unknown) = members
                .keys()
                .find(|k| !matches!(k.as_str(), "methodName" | "params"))
            {
                return Err(format!(
                    "unknown member {unknown:?} (a call has methodName and params)"
                ));
            }
            let method = members.get("methodName").ok_or("no methodName")?;
            let params = match members.get("params") {
                None => Vec::new(),
                Some(J::Array(params)) => params.iter().collect(),
                Some(_) => return Err("params must be an array".into()),
            };
            (method, params)
        }
        J::Array(words) => {
            let (method, params) = words
                .split_first()
                .ok_or("an empty array names no method")?;
            (method, params.iter().collect())
        }
        _ => {
            return Err(
                r#"expected {"methodName": ..., "params": [...]} or ["method", args...]"#.into(),
            )
        }
    };
    let J::String(method) = method else {
        return Err("the method name must be a string".into());
    };
    let params = params
        .into_iter()
        .enumerate()
        .map(|(j, p)| from_json(p).map_err(|e| format!("params[{j}]: {e}")))
        .collect::<Result<_, _>>()?;
    Ok((method.clone(), params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_json_forms() {
        let calls = from_json_text(
            r#"[{"methodName": "a", "params": [1, "i8:2"]}, ["b", "x", null], {"methodName": "c"}]"#,
        )
        .unwrap();
        assert_eq!(
            calls,
            vec![
                ("a".to_string(), vec![Value::Int(1), Value::I8(2)]),
                ("b".to_string(), vec![Value::String("x".into()), Value::Nil]),
                ("c".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn json_errors_point_at_the_call() {
        for (text, expected) in [
            ("{}", "JSON array"),
            ("[]", "no calls"),
            ("[1]", "call [0]: expected"),
            (r#"[["a"], [2]]"#, "call [1]: the method name"),
            (r#"[{"params": []}]"#, "no methodName"),
            (
                r#"[{"methodName": "a", "params": 1}]"#,
                "params must be an array",
            ),
            (
                r#"[{"methodName": "a", "parms": []}]"#,
                "unknown member \"parms\"",
            ),
            (r#"[["a", "int:x"]]"#, "call [0]: params[0]: int:x"),
            ("[", "invalid JSON"),
        ] {
            let err = from_json_text(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn command_line_calls() {
        let words = vec![
            vec!["a".to_string(), "1".into(), "x".into()],
            vec!["b".to_string()],
        ];
        assert_eq!(
            from_args(&words).unwrap(),
            vec![
                (
                    "a".to_string(),
                    vec![Value::Int(1), Value::String("x".into())]
                ),
                ("b".to_string(), vec![]),
            ]
        );
        let bad = vec![vec!["a".to_string(), "i8:x".into()]];
        let err = from_args(&bad).unwrap_err();
        assert!(err.starts_with("call a, argument 1: i8:x"), "{err}");
    }

    #[test]
    fn files() {
        let path =
            std::env::temp_dir().join(format!("xmlrpc-cli-calls-{}.json", std::process::id()));
        std::fs::write(&path, r#"[["m", 1]]"#).unwrap();
        let calls = from_file(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(calls.unwrap(), vec![("m".to_string(), vec![Value::Int(1)])]);
        let err = from_file(Path::new("/nonexistent/calls.json")).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }
}
