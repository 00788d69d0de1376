//! Reading a server's introspection: `system.listMethods`, `system.methodSignature` and
//! `system.methodHelp`, tolerant of the many ways servers answer them.

use xmlrpc_core::{MethodInfo, Value};

use crate::{failure::Failure, session::Session};

/// Most calls put in one `system.multicall` when describing many methods; servers cap
/// their batches (ours at 1,000 entries).
const BATCH: usize = 400;

/// The method names the server lists.
pub async fn list(session: &Session) -> Result<Vec<String>, Failure> {
    let answer = session.call("system.listMethods", &[]).await?;
    names(answer)
        .ok_or_else(|| Failure::Usage("system.listMethods did not answer an array of names".into()))
}

/// Everything the server says about one method.
pub async fn describe_one(session: &Session, name: &str) -> Result<MethodInfo, Failure> {
    let arg = [Value::String(name.to_string())];
    let signatures = session.call("system.methodSignature", &arg).await?;
    let help = session.call("system.methodHelp", &arg).await?;
    Ok(info(name, signatures, help))
}

/// Everything the server says about every listed method: in one round trip per batch
/// through `system.multicall` when the server has it, else one call per question. A
/// method whose signature or help the server refuses is described without it.
pub async fn describe_all(session: &Session) -> Result<Vec<MethodInfo>, Failure> {
    let names = list(session).await?;
    let mut out = Vec::with_capacity(names.len());
    for chunk in names.chunks(BATCH / 2) {
        let calls: Vec<(String, Vec<Value>)> = chunk
            .iter()
            .flat_map(|name| {
                let arg = vec![Value::String(name.clone())];
                [
                    ("system.methodSignature".to_string(), arg.clone()),
                    ("system.methodHelp".to_string(), arg),
                ]
            })
            .collect();
        match session.multicall(&calls).await {
            Ok(entries) => {
                let mut entries = entries.into_iter();
                for name in chunk {
                    let signatures = entries.next().and_then(Result::ok).unwrap_or(Value::Nil);
                    let help = entries.next().and_then(Result::ok).unwrap_or(Value::Nil);
                    out.push(info(name, signatures, help));
                }
            }
            // No system.multicall here (a fault): ask one question at a time.
            Err(Failure::Fault(_)) => {
                for name in chunk {
                    let arg = [Value::String(name.clone())];
                    let signatures =
                        answer_or_nil(session.call("system.methodSignature", &arg).await)?;
                    let help = answer_or_nil(session.call("system.methodHelp", &arg).await)?;
                    out.push(info(name, signatures, help));
                }
            }
            Err(other) => return Err(other),
        }
    }
    Ok(out)
}

/// A fault says "unknown" for one method; anything else stops the command.
fn answer_or_nil(answer: Result<Value, Failure>) -> Result<Value, Failure> {
    match answer {
        Ok(value) => Ok(value),
        Err(Failure::Fault(_)) => Ok(Value::Nil),
        Err(other) => Err(other),
    }
}

/// One method's description from the raw answers: signatures are an array of arrays of
/// type names; `"undef"`, Python's "signatures not supported" or anything else is unknown.
pub fn info(name: &str, signatures: Value, help: Value) -> MethodInfo {
    let signatures = match signatures {
        Value::Array(list) => list
            .into_iter()
            .map(names)
            .collect::<Option<Vec<Vec<String>>>>()
            .filter(|sigs| !sigs.is_empty() && sigs.iter().all(|s| !s.is_empty())),
        _ => None,
    };
    let help = match help {
        Value::String(text) => text,
        _ => String::new(),
    };
    MethodInfo {
        name: name.to_string(),
        signatures,
        help,
    }
}

/// An array of strings.
fn names(value: Value) -> Option<Vec<String>> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Value {
        Value::Array(items.iter().map(|s| Value::String(s.to_string())).collect())
    }

    #[test]
    fn signatures_in_every_dialect() {
        let ok = info(
            "add",
            Value::Array(vec![strings(&["int", "int", "int"])]),
            Value::String("Adds.".into()),
        );
        assert_eq!(
            ok.signatures,
            Some(vec![vec!["int".to_string(), "int".into(), "int".into()]])
        );
        assert_eq!(ok.help, "Adds.");
        for unknown in [
            Value::String("undef".into()),
            Value::String("signatures not supported".into()),
            Value::Array(vec![]),
            Value::Array(vec![strings(&[])]),
            Value::Array(vec![Value::Int(1)]),
            Value::Nil,
        ] {
            let described = info("m", unknown.clone(), Value::Nil);
            assert_eq!(described.signatures, None, "{unknown:?}");
            assert_eq!(described.help, "");
        }
    }
}
