//! One server to talk to: the client built from the common options, and the calls every
//! command makes through it.
//!
//! Every call goes through [`xmlrpc_client::Client`]; `--xml` and `--verbose` watch its
//! exchanges with [`ClientBuilder::observe_wire`](xmlrpc_client::ClientBuilder::observe_wire),
//! on every kind of target.

use std::{
    io::Write as _,
    sync::{Arc, Mutex},
    time::Duration,
};

use xmlrpc_client::{Client, Error, WireEvent};
use xmlrpc_core::{Fault, Map, Value};

use crate::{args::Common, failure::Failure};

/// The environment variable read for the password when `--user` comes without one.
pub const PASSWORD_VAR: &str = "XMLRPC_PASSWORD";

/// The answer of one entry of a multicall.
pub type Entry = Result<Value, Error>;

/// A response document as received and what it says.
pub struct Raw {
    /// The bytes of the `methodResponse`.
    pub body: Vec<u8>,
    /// Its value or fault.
    pub answer: Result<Value, Fault>,
}

/// A connection to one server.
pub struct Session {
    client: Client,
    /// The last response body, kept when `--xml` asked for it.
    last_response: Option<Arc<Mutex<Vec<u8>>>>,
}

impl Session {
    /// A session for `url` with the common options; `raw` asks for the wire bytes (for
    /// `--xml` and `--verbose`).
    pub fn open(url: &str, common: &Common, raw: bool) -> Result<Session, Failure> {
        let timeout = timeout(common.timeout)?;
        let credentials = credentials(common);
        let headers = common
            .headers
            .iter()
            .map(|h| header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let mut builder = Client::builder(url).timeout(timeout);
        if let Some((user, password)) = &credentials {
            builder = builder.basic_auth(user, password);
        }
        for (name, value) in &headers {
            builder = builder.header(name, value);
        }
        let last_response = raw.then(|| Arc::new(Mutex::new(Vec::new())));
        if raw || common.verbose {
            let (keep, verbose) = (last_response.clone(), common.verbose);
            builder = builder.observe_wire(move |event| {
                if verbose {
                    show(event);
                }
                if let (Some(keep), WireEvent::Response { body, .. }) = (&keep, event) {
                    if let Ok(mut last) = keep.lock() {
                        last.clear();
                        last.extend_from_slice(body);
                    }
                }
            });
        }
        let client = builder.build().map_err(Failure::from)?;
        Ok(Session {
            client,
            last_response,
        })
    }

    /// The server's address without credentials, for messages and generated comments.
    pub fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    /// Calls a method; a fault is a [`Failure::Fault`].
    pub async fn call(&self, method: &str, params: &[Value]) -> Result<Value, Failure> {
        Ok(self.client.call_value(method, params).await?)
    }

    /// Calls a method and returns the response document as received, with its decoded
    /// value or fault.
    pub async fn call_xml(&self, method: &str, params: &[Value]) -> Result<Raw, Failure> {
        let last = self
            .last_response
            .as_ref()
            .ok_or_else(|| Failure::Usage("the raw response was not requested".into()))?;
        // A document that is no response at all is an error even when printing it raw.
        let answer = match self.client.call_value(method, params).await {
            Ok(value) => Ok(value),
            Err(Error::Fault(fault)) => Err(fault),
            Err(e) => return Err(e.into()),
        };
        let body = last.lock().map(|b| b.clone()).unwrap_or_default();
        Ok(Raw { body, answer })
    }

    /// Sends the calls as one `system.multicall`; each entry is answered on its own.
    pub async fn multicall(&self, calls: &[(String, Vec<Value>)]) -> Result<Vec<Entry>, Failure> {
        let mut batch = self.client.multicall();
        for (method, params) in calls {
            batch.add::<Value, _>(method, params)?;
        }
        Ok(batch.send().await?.into_values())
    }

    /// The `system.multicall` response document as received.
    pub async fn multicall_xml(&self, calls: &[(String, Vec<Value>)]) -> Result<Raw, Failure> {
        self.call_xml("system.multicall", &[multicall_param(calls)])
            .await
    }
}

/// Writes one message of the exchange to standard error (`--verbose`), hiding credentials.
fn show(event: &WireEvent<'_>) {
    let (head, body) = match event {
        WireEvent::Request {
            endpoint,
            headers,
            body,
        } => {
            let mut head = format!("> POST {endpoint}\n");
            for (name, value) in headers.iter() {
                let value = if value.is_sensitive() {
                    "(hidden)".into()
                } else {
                    String::from_utf8_lossy(value.as_bytes())
                };
                head.push_str(&format!("> {name}: {value}\n"));
            }
            head.push_str(">\n");
            (head, *body)
        }
        WireEvent::Response { status, body } => {
            let reason = http::StatusCode::from_u16(*status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("");
            (format!("< {status} {reason}\n<\n"), *body)
        }
        _ => return,
    };
    let mut err = std::io::stderr().lock();
    // Diagnostics are best effort: a closed stderr must not fail the call.
    let _ = err.write_all(head.as_bytes());
    let _ = err.write_all(body);
    if !body.ends_with(b"\n") {
        let _ = err.write_all(b"\n");
    }
}

/// The one parameter of `system.multicall`: `[{methodName, params}, ...]`.
fn multicall_param(calls: &[(String, Vec<Value>)]) -> Value {
    Value::Array(
        calls
            .iter()
            .map(|(method, params)| {
                let mut entry = Map::new();
                entry.insert("methodName".into(), Value::String(method.clone()));
                entry.insert("params".into(), Value::Array(params.clone()));
                Value::Struct(entry)
            })
            .collect(),
    )
}

/// `--timeout` as a duration.
fn timeout(secs: f64) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "--timeout {secs}: give a positive number of seconds"
            ))
        })
}

/// `--user` with `--password` or the password from the environment.
fn credentials(common: &Common) -> Option<(String, String)> {
    let user = common.user.clone()?;
    let password = common
        .password
        .clone()
        .or_else(|| std::env::var(PASSWORD_VAR).ok())
        .unwrap_or_default();
    Some((user, password))
}

/// A `--header 'Name: value'` option.
fn header(text: &str) -> Result<(String, String), Failure> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(Failure::Usage(format!(
            "--header {text:?}: write it as 'Name: value'"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_timeouts() {
        assert_eq!(
            header("X-Trace: a:b ").unwrap(),
            ("X-Trace".to_string(), "a:b".to_string())
        );
        assert!(header("no colon").is_err());
        assert!(header(": v").is_err());
        assert_eq!(timeout(1.5).unwrap(), Duration::from_millis(1500));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn multicall_answers() {
        let calls = vec![("a".to_string(), vec![Value::Int(1)])];
        let Value::Array(param) = multicall_param(&calls) else {
            panic!()
        };
        let Value::Struct(entry) = &param[0] else {
            panic!()
        };
        assert_eq!(entry["methodName"], Value::String("a".into()));
        assert_eq!(entry["params"], Value::Array(vec![Value::Int(1)]));
    }
}
