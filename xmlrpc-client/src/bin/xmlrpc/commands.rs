//! Running each command: ask the server, print the answer.

use std::io::Write as _;

use xmlrpc_client::Error;
use xmlrpc_core::{Fault, Value};

use crate::{
    args::{Cli, Command, Output},
    calls,
    failure::Failure,
    gen::{self, GenOptions},
    input::parse_arg,
    introspect, output, progress,
    session::{Entry, Session},
    table,
};

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let common = &cli.common;
    match cli.command {
        Command::Call {
            url,
            method,
            args,
            output,
        } => {
            let params = args
                .iter()
                .enumerate()
                .map(|(i, word)| {
                    parse_arg(word).map_err(|e| Failure::Usage(format!("argument {}: {e}", i + 1)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let session = Session::open(&url, common, output.xml)?;
            call(&session, &method, &params, output).await
        }
        Command::List { url, json } => {
            let session = Session::open(&url, common, false)?;
            let names = introspect::list(&session).await?;
            if json {
                emit(&output::json_text(&serde_json::json!(names)))
            } else {
                emit(names.join("\n").trim_end())
            }
        }
        Command::Help { url, method, json } => {
            let session = Session::open(&url, common, false)?;
            let info = introspect::describe_one(&session, &method).await?;
            if info.signatures.is_none() && info.help.is_empty() {
                // Some servers (Python's) answer for methods they do not have.
                let names = introspect::list(&session).await?;
                if !names.contains(&method) {
                    return Err(Failure::Usage(format!(
                        "the server has no method {method:?}; `xmlrpc-cli list {url}` shows its methods"
                    )));
                }
            }
            if json {
                emit(&output::json_text(&table::to_json(&info)))
            } else {
                emit(table::help_page(&info).trim_end())
            }
        }
        Command::Describe { url, json } => {
            let session = Session::open(&url, common, false)?;
            let methods = introspect::describe_all(&session).await?;
            if json {
                let list: Vec<_> = methods.iter().map(table::to_json).collect();
                emit(&output::json_text(&serde_json::Value::Array(list)))
            } else {
                emit(table::describe(&methods).trim_end())
            }
        }
        Command::Multicall {
            url,
            file,
            calls: words,
            output,
            ..
        } => {
            let calls = match &file {
                Some(path) => calls::from_file(path),
                None => calls::from_args(&words),
            }
            .map_err(Failure::Usage)?;
            let session = Session::open(&url, common, output.xml)?;
            multicall(&session, &calls, output).await
        }
        Command::Gen {
            url,
            trait_name,
            namespace,
            output,
        } => {
            gen::check_trait_name(&trait_name).map_err(Failure::Usage)?;
            let session = Session::open(&url, common, false)?;
            let methods = introspect::describe_all(&session).await?;
            let generated = gen::generate(
                &methods,
                &GenOptions {
                    trait_name: &trait_name,
                    namespace: namespace.as_deref(),
                    source: session.endpoint(),
                },
            )
            .map_err(Failure::Usage)?;
            if !generated.undeclared.is_empty() {
                eprintln!(
                    "note: no signature or no declarable name for {}; see the comments in the trait",
                    generated.undeclared.join(", ")
                );
            }
            match output {
                Some(path) => std::fs::write(&path, &generated.code)
                    .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display()))),
                None => emit(generated.code.trim_end()),
            }
        }
    }
}

async fn call(
    session: &Session,
    method: &str,
    params: &[Value],
    output: Output,
) -> Result<(), Failure> {
    // A progress line on a terminal while the call runs (progress.rs).
    let waiting = format!(
        "{method} ({} of parameters)",
        progress::size(progress::payload(params))
    );
    if output.xml {
        let raw = progress::around(waiting, session.call_xml(method, params)).await?;
        emit_bytes(&raw.body)?;
        return raw.answer.map(drop).map_err(Failure::Fault);
    }
    let value = progress::around(waiting, session.call(method, params)).await?;
    if output.json {
        emit(&output::json_text(&output::to_json(&value)))
    } else {
        emit(&output::readable(&value))
    }
}

async fn multicall(
    session: &Session,
    calls: &[calls::Call],
    output: Output,
) -> Result<(), Failure> {
    let total = calls.len();
    // A progress line on a terminal while the multicall runs (progress.rs).
    let bulk: usize = calls
        .iter()
        .map(|(m, p)| m.len() + progress::payload(p))
        .sum();
    let waiting = format!(
        "system.multicall of {total} calls ({} of parameters)",
        progress::size(bulk)
    );
    if output.xml {
        let raw = progress::around(waiting, session.multicall_xml(calls)).await?;
        emit_bytes(&raw.body)?;
        let answer = raw.answer.map_err(Failure::Fault)?;
        let failed = match answer {
            Value::Array(entries) => entries
                .iter()
                .filter(|e| !matches!(e, Value::Array(one) if one.len() == 1))
                .count(),
            _ => total,
        };
        return outcome(failed, total);
    }
    let entries = progress::around(waiting, session.multicall(calls)).await?;
    let failed = entries.iter().filter(|e| e.is_err()).count();
    if output.json {
        let list: Vec<serde_json::Value> = entries.iter().map(entry_json).collect();
        emit(&output::json_text(&serde_json::Value::Array(list)))?;
    } else {
        let mut text = String::new();
        for (i, ((method, _), entry)) in calls.iter().zip(&entries).enumerate() {
            let shown = match entry {
                Ok(value) => output::readable(value),
                Err(Error::Fault(Fault { code, string })) => format!("fault {code}: {string}"),
                Err(other) => format!("error: {other}"),
            };
            text.push_str(&format!("[{}] {method}: {}\n", i + 1, indent_rest(&shown)));
        }
        emit(text.trim_end())?;
    }
    outcome(failed, total)
}

/// Exit status 1 when any entry failed.
fn outcome(failed: usize, total: usize) -> Result<(), Failure> {
    if failed == 0 {
        Ok(())
    } else {
        Err(Failure::SomeFaulted { failed, total })
    }
}

/// A multicall entry as JSON: the value, or `{faultCode, faultString}` as on the wire.
fn entry_json(entry: &Entry) -> serde_json::Value {
    match entry {
        Ok(value) => output::to_json(value),
        Err(Error::Fault(fault)) => {
            serde_json::json!({"faultCode": fault.code, "faultString": fault.string})
        }
        Err(other) => serde_json::json!({"error": other.to_string()}),
    }
}

/// Indents the continuation lines of a multi-line value under its `[n] method:` label.
fn indent_rest(text: &str) -> String {
    text.replace('\n', "\n    ")
}

/// Prints text and a newline on standard output.
fn emit(text: &str) -> Result<(), Failure> {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(b'\n');
    emit_bytes(&bytes)
}

/// Writes bytes to standard output; a closed pipe (`| head`) ends the output quietly.
fn emit_bytes(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let written = out.write_all(bytes).and_then(|()| {
        if bytes.ends_with(b"\n") {
            Ok(())
        } else {
            out.write_all(b"\n")
        }
    });
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write the output: {e}")))
        }
        _ => Ok(()),
    }
}
