//! `system.multicall`: many calls in one round trip, each answered on its own.

use std::{
    marker::PhantomData,
    sync::atomic::{AtomicU64, Ordering},
};

use serde::{de::DeserializeOwned, Serialize};
use xmlrpc_core::{EncodedValue, ErrorKind, Fault, MulticallWriter, ParamsWriter, Value};

use crate::{client::decode_value, Client, Error};

/// Tells batches apart so a handle cannot read another batch's answers.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// Collects calls and sends them as one `system.multicall`.
///
/// ```no_run
/// # async fn run(client: xmlrpc_client::Client) -> Result<(), xmlrpc_client::Error> {
/// let mut batch = client.multicall();
/// let sum = batch.add::<i32, _>("add", (2, 3))?;
/// let name = batch.add::<String, _>("system.methodHelp", ("add",))?;
/// let results = batch.send().await?;
/// assert_eq!(results.get(&sum)?, 5);
/// // A fault in one entry leaves the others readable.
/// match results.get(&name) {
///     Ok(help) => println!("{help}"),
///     Err(e) => eprintln!("entry failed: {e}"),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Multicall {
    client: Client,
    batch: u64,
    /// The `methodCall` document, each call written into it as it is added.
    calls: MulticallWriter,
}

/// Retrieves the typed result of one call of a [`Multicall`].
#[derive(Debug)]
pub struct Handle<R> {
    batch: u64,
    index: usize,
    _result: PhantomData<fn() -> R>,
}

impl<R> Handle<R> {
    /// The position of the call in its batch.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<R> Clone for Handle<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Handle<R> {}

/// The answers of a sent [`Multicall`], in call order; each entry is its own `Result`.
#[derive(Debug, Clone)]
pub struct MulticallResults {
    batch: u64,
    entries: Vec<Result<Value, Error>>,
}

impl Multicall {
    pub(crate) fn new(client: Client) -> Multicall {
        Multicall {
            batch: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            calls: MulticallWriter::new(client.encode_options()),
            client,
        }
    }

    /// Adds a call with `params` (a tuple or a sequence); the handle retrieves its typed
    /// result. Fails only if the parameters cannot be encoded (the batch is then unchanged).
    pub fn add<R: DeserializeOwned, P: Serialize>(
        &mut self,
        method: &str,
        params: P,
    ) -> Result<Handle<R>, Error> {
        self.add_with(method, |w| w.push_all(&params))
    }

    /// Adds a call with parameters already encoded.
    pub fn add_encoded<R: DeserializeOwned>(
        &mut self,
        method: &str,
        params: &[EncodedValue],
    ) -> Result<Handle<R>, Error> {
        self.add_with(method, |w| {
            params.iter().try_for_each(|p| w.push_encoded(p))
        })
    }

    /// Adds a call whose parameters `write` pushes (the typed batches of generated services).
    pub(crate) fn add_with<R>(
        &mut self,
        method: &str,
        write: impl FnOnce(&mut ParamsWriter<'_>) -> Result<(), xmlrpc_core::Error>,
    ) -> Result<Handle<R>, Error> {
        self.calls.add(method, write).map_err(Error::Codec)?;
        Ok(Handle {
            batch: self.batch,
            index: self.calls.len() - 1,
            _result: PhantomData,
        })
    }

    /// How many calls the batch holds.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether the batch holds no call.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Sends the batch as one `system.multicall`. An error here concerns the whole batch
    /// (transport, HTTP status, a fault of `system.multicall` itself, a malformed answer);
    /// the outcome of each call is read from the results. An empty batch sends nothing.
    pub async fn send(self) -> Result<MulticallResults, Error> {
        let expected = self.calls.len();
        if expected == 0 {
            return Ok(MulticallResults {
                batch: self.batch,
                entries: Vec::new(),
            });
        }
        let body = self.calls.finish();
        tracing::debug!(
            calls = expected,
            request_bytes = body.len(),
            "xml-rpc multicall"
        );
        let response = self.client.post(body).await?;
        let value = decode_value(&response, self.client.limits())?;
        Ok(MulticallResults {
            batch: self.batch,
            entries: split_answers(value, expected)?,
        })
    }
}

impl MulticallResults {
    /// The typed result of the call behind `handle`: its value, its fault as
    /// [`Error::Fault`], or [`Error::Codec`] if the value does not fit `R`.
    pub fn get<R: DeserializeOwned>(&self, handle: &Handle<R>) -> Result<R, Error> {
        if handle.batch != self.batch {
            return Err(Error::Config(
                "this handle belongs to another multicall batch".into(),
            ));
        }
        match self.entries.get(handle.index) {
            Some(Ok(value)) => xmlrpc_core::from_value(value.clone())
                .map_err(|e| Error::Codec(e.within(&format!("[{}]", handle.index)))),
            Some(Err(e)) => Err(e.clone()),
            None => Err(Error::Config(format!(
                "no call {} in this multicall batch",
                handle.index
            ))),
        }
    }

    /// The answer of call `index` as a dynamic value or its error.
    pub fn value(&self, index: usize) -> Option<&Result<Value, Error>> {
        self.entries.get(index)
    }

    /// How many answers there are (as many as calls).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the batch was empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The answers in call order.
    pub fn iter(&self) -> std::slice::Iter<'_, Result<Value, Error>> {
        self.entries.iter()
    }

    /// The answers in call order, by value.
    pub fn into_values(self) -> Vec<Result<Value, Error>> {
        self.entries
    }
}

impl IntoIterator for MulticallResults {
    type Item = Result<Value, Error>;
    type IntoIter = std::vec::IntoIter<Result<Value, Error>>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// Splits the answer of `system.multicall` (an array with one `[value]` or one
/// `{faultCode, faultString}` per call) into per-call results.
fn split_answers(value: Value, expected: usize) -> Result<Vec<Result<Value, Error>>, Error> {
    let shape =
        |message: String| Error::Codec(xmlrpc_core::Error::new(ErrorKind::Structure, message));
    let Value::Array(items) = value else {
        return Err(shape(format!(
            "system.multicall answered {}, not an array",
            kind_of(&value)
        )));
    };
    if items.len() != expected {
        return Err(shape(format!(
            "system.multicall answered {} entries for {expected} calls",
            items.len()
        )));
    }
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            entry(item).map_err(|e| match e {
                EntryError::Fault(fault) => Error::Fault(fault),
                EntryError::Shape(message) => Error::Codec(
                    xmlrpc_core::Error::new(ErrorKind::Structure, message)
                        .within(&format!("[{i}]")),
                ),
            })
        })
        .collect())
}

/// One entry: `[value]` or a fault struct; anything else is described for the error.
fn entry(item: Value) -> Result<Value, EntryError> {
    match item {
        Value::Array(mut one) if one.len() == 1 => Ok(one.pop().unwrap_or(Value::Nil)),
        Value::Array(many) => Err(EntryError::Shape(format!(
            "a result entry must be an array of one value, found {} values",
            many.len()
        ))),
        Value::Struct(mut members) => {
            let code = members.swap_remove("faultCode");
            let string = members.swap_remove("faultString");
            match (code, string) {
                (Some(Value::Int(code)), Some(Value::String(string))) => {
                    Err(EntryError::Fault(Fault::new(code, string)))
                }
                _ => Err(EntryError::Shape(
                    "a fault entry needs an int faultCode and a string faultString".into(),
                )),
            }
        }
        other => Err(EntryError::Shape(format!(
            "an entry must be [value] or a fault struct, found {}",
            kind_of(&other)
        ))),
    }
}

/// Why one entry carries no value.
enum EntryError {
    Fault(Fault),
    Shape(String),
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "an int",
        Value::I8(_) => "an i8",
        Value::Bool(_) => "a boolean",
        Value::String(_) => "a string",
        Value::Double(_) => "a double",
        Value::DateTime(_) => "a dateTime",
        Value::Base64(_) => "base64 data",
        Value::Struct(_) => "a struct",
        Value::Array(_) => "an array",
        Value::Nil => "nil",
    }
}

#[cfg(test)]
mod tests {
    use xmlrpc_core::Map;

    use super::*;

    fn fault(code: Value, string: Value) -> Value {
        let mut members = Map::new();
        members.insert("faultCode".to_string(), code);
        members.insert("faultString".to_string(), string);
        Value::Struct(members)
    }

    #[test]
    fn entries_keep_order_and_faults_stay_local() {
        let answer = Value::Array(vec![
            Value::Array(vec![Value::Int(5)]),
            fault(Value::Int(-32601), Value::String("no such method".into())),
            Value::Array(vec![Value::String("ok".into())]),
        ]);
        let entries = split_answers(answer, 3).unwrap();
        assert_eq!(entries[0].as_ref().unwrap(), &Value::Int(5));
        assert_eq!(entries[1].as_ref().unwrap_err().fault_code(), Some(-32601));
        assert_eq!(entries[2].as_ref().unwrap(), &Value::String("ok".into()));
    }

    #[test]
    fn malformed_entries_are_decode_errors_with_their_index() {
        let answer = Value::Array(vec![
            Value::Array(vec![]),
            Value::Int(1),
            fault(Value::String("x".into()), Value::String("y".into())),
            Value::Array(vec![Value::Nil]),
        ]);
        let entries = split_answers(answer, 4).unwrap();
        for (i, entry) in entries.iter().take(3).enumerate() {
            match entry {
                Err(Error::Codec(e)) => assert_eq!(e.path(), format!("[{i}]")),
                other => panic!("entry {i}: {other:?}"),
            }
        }
        assert_eq!(entries[3].as_ref().unwrap(), &Value::Nil);
    }

    #[test]
    fn whole_answer_shape_is_checked() {
        assert!(matches!(
            split_answers(Value::Int(1), 1),
            Err(Error::Codec(_))
        ));
        let err = split_answers(Value::Array(vec![]), 2).unwrap_err();
        assert!(err.to_string().contains("0 entries for 2 calls"), "{err}");
    }

    #[test]
    fn handles_belong_to_their_batch() {
        let client = Client::new("http://127.0.0.1:9/").unwrap();
        let mut first = client.multicall();
        let mut second = client.multicall();
        let h1 = first.add_encoded::<i32>("a", &[]).unwrap();
        let _ = second.add_encoded::<i32>("b", &[]).unwrap();
        assert_eq!((h1.index(), first.len(), second.len()), (0, 1, 1));
        let results = MulticallResults {
            batch: second.batch,
            entries: vec![Ok(Value::Int(1))],
        };
        assert!(matches!(results.get(&h1), Err(Error::Config(_))));
    }
}
