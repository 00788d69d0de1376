//! One server to talk to: the client built from the common options, and the calls every
//! command makes through it.
//!
//! Calls normally go through [`xmlrpc_client::Client`]. `--xml` and `--verbose` need the
//! bytes on the wire, which the client does not hand out, so for them the request is
//! encoded with the client's own encoder and posted by [`crate::raw`].

use std::time::Duration;

use xmlrpc_client::{Client, Error};
use xmlrpc_core::{Fault, Limits, Map, Value};

use crate::{args::Common, failure::Failure, raw::RawHttp};

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
    raw: Option<RawHttp>,
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
        let client = builder.build().map_err(Failure::from)?;
        let raw = if raw || common.verbose {
            Some(RawHttp::new(
                url,
                timeout,
                credentials,
                headers,
                common.verbose,
            )?)
        } else {
            None
        };
        Ok(Session { client, raw })
    }

    /// The server's address without credentials, for messages and generated comments.
    pub fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    /// Calls a method; a fault is a [`Failure::Fault`].
    pub async fn call(&self, method: &str, params: &[Value]) -> Result<Value, Failure> {
        match &self.raw {
            None => Ok(self.client.call_value(method, params).await?),
            Some(raw) => {
                let body = raw.post(self.encode(method, params)?).await?;
                Ok(decode(&body)?.map_err(Failure::Fault)?)
            }
        }
    }

    /// Calls a method and returns the response document as received, with its decoded
    /// value or fault.
    pub async fn call_xml(&self, method: &str, params: &[Value]) -> Result<Raw, Failure> {
        let raw = self
            .raw
            .as_ref()
            .ok_or_else(|| Failure::Usage("the raw response was not requested".into()))?;
        let body = raw.post(self.encode(method, params)?).await?;
        // A document that is no response at all is an error even when printing it raw.
        let answer = decode(&body)?;
        Ok(Raw { body, answer })
    }

    /// Sends the calls as one `system.multicall`; each entry is answered on its own.
    pub async fn multicall(&self, calls: &[(String, Vec<Value>)]) -> Result<Vec<Entry>, Failure> {
        match &self.raw {
            None => {
                let mut batch = self.client.multicall();
                for (method, params) in calls {
                    batch.add::<Value, _>(method, params)?;
                }
                Ok(batch.send().await?.into_values())
            }
            Some(_) => {
                let answer = self
                    .call("system.multicall", &[multicall_param(calls)])
                    .await?;
                multicall_entries(answer, calls.len()).map_err(|e| Failure::Client(decoding(e)))
            }
        }
    }

    /// The `system.multicall` response document as received.
    pub async fn multicall_xml(&self, calls: &[(String, Vec<Value>)]) -> Result<Raw, Failure> {
        self.call_xml("system.multicall", &[multicall_param(calls)])
            .await
    }

    fn encode(&self, method: &str, params: &[Value]) -> Result<Vec<u8>, Failure> {
        let mut body = Vec::with_capacity(256);
        xmlrpc_core::write_call(method, params, self.client.encode_options(), &mut body)
            .map_err(|e| Failure::Client(Error::Codec(e)))?;
        Ok(body)
    }
}

/// A response document into its value or fault.
fn decode(body: &[u8]) -> Result<Result<Value, Fault>, Error> {
    xmlrpc_core::read_response_value(body, &Limits::default()).map_err(Error::Codec)
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

/// The entries of a `system.multicall` answer: `[value]` or `{faultCode, faultString}`.
fn multicall_entries(answer: Value, expected: usize) -> Result<Vec<Entry>, String> {
    let Value::Array(entries) = answer else {
        return Err("the system.multicall answer is not an array".into());
    };
    if entries.len() != expected {
        return Err(format!(
            "the system.multicall answer has {} entries for {expected} calls",
            entries.len()
        ));
    }
    entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| match entry {
            Value::Array(mut one) if one.len() == 1 => Ok(Ok(one.remove(0))),
            Value::Struct(map) => match (map.get("faultCode"), map.get("faultString")) {
                (Some(Value::Int(code)), Some(Value::String(text))) => {
                    Ok(Err(Error::Fault(Fault::new(*code, text.clone()))))
                }
                _ => Err(format!("entry {i} is a struct but not a fault")),
            },
            _ => Err(format!("entry {i} is neither [value] nor a fault")),
        })
        .collect()
}

fn decoding(message: String) -> Error {
    Error::Codec(xmlrpc_core::Error::new(
        xmlrpc_core::ErrorKind::Type,
        message,
    ))
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

        let mut fault = Map::new();
        fault.insert("faultCode".into(), Value::Int(3));
        fault.insert("faultString".into(), Value::String("no".into()));
        let answer = Value::Array(vec![
            Value::Array(vec![Value::Int(5)]),
            Value::Struct(fault),
        ]);
        let entries = multicall_entries(answer.clone(), 2).unwrap();
        assert_eq!(entries[0].as_ref().unwrap(), &Value::Int(5));
        assert_eq!(entries[1].as_ref().unwrap_err().fault_code(), Some(3));
        assert!(multicall_entries(answer, 3).is_err());
        assert!(multicall_entries(Value::Int(1), 0).is_err());
        assert!(multicall_entries(Value::Array(vec![Value::Int(1)]), 1).is_err());
    }
}
