//! Writing documents: `<value>` fragments, responses, faults, calls and multicalls. Every
//! parameter list goes through one writer, [`ParamsWriter`](super::write_params::ParamsWriter).

use std::io::Write;

use serde::Serialize;

use super::write_params::ParamsWriter;
use crate::ser::{escape_into, XmlSerializer};
use crate::{EncodeOptions, Error, ErrorKind, Fault, Value};

/// The namespace declaration written on the root element when `ex:` elements are used.
const NS_DECL: &[u8] = b" xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\"";
const PROLOG: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// One encoded `<value>…</value>` fragment, ready to be placed in a response, a call or a
/// multicall answer without decoding it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedValue {
    xml: Vec<u8>,
    /// Whether the fragment uses `ex:` elements (the document must declare the namespace).
    namespaced: bool,
}

impl EncodedValue {
    /// The XML bytes of the fragment.
    pub fn as_bytes(&self) -> &[u8] {
        &self.xml
    }
    /// The XML bytes of the fragment, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.xml
    }
    /// Whether the fragment uses the `ex:` namespace prefix, which the enclosing document must
    /// declare (the writers of this module do).
    pub fn uses_extension_namespace(&self) -> bool {
        self.namespaced
    }
    /// The fragment of a [`Value`] (shorthand for [`encode_value`]).
    pub fn from_value(value: &Value, options: &EncodeOptions) -> Result<Self, Error> {
        encode_value(value, options)
    }
    /// The `<value><nil/></value>` fragment.
    pub fn nil() -> Self {
        EncodedValue {
            xml: b"<value><nil/></value>".to_vec(),
            namespaced: false,
        }
    }
}

/// Encodes any `Serialize` value straight to a `<value>` fragment.
pub fn encode_value<T: Serialize + ?Sized>(
    value: &T,
    options: &EncodeOptions,
) -> Result<EncodedValue, Error> {
    let mut xml = Vec::with_capacity(128);
    let namespaced = encode_value_into(value, options, &mut xml)?;
    Ok(EncodedValue { xml, namespaced })
}

/// Appends the `<value>` fragment of `value` to `out`; returns whether it used `ex:` elements.
/// On error `out` is restored to its previous length.
pub fn encode_value_into<T: Serialize + ?Sized>(
    value: &T,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<bool, Error> {
    let start = out.len();
    let mut ser = XmlSerializer::new(out, *options);
    match value.serialize(&mut ser) {
        Ok(()) => Ok(ser.used_namespace),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// Opens the document; returns the position of the root's `>`, where a namespace declaration
/// found necessary later is inserted.
fn open_root(out: &mut Vec<u8>, root: &[u8], namespaced: bool) -> usize {
    out.extend_from_slice(PROLOG);
    out.push(b'<');
    out.extend_from_slice(root);
    if namespaced {
        out.extend_from_slice(NS_DECL);
    }
    out.push(b'>');
    out.len() - 1
}

/// Declares the `ex:` namespace on a root opened without it, once a fragment written later
/// turned out to use it (only pre-encoded fragments made with other options can).
fn declare_late(out: &mut Vec<u8>, root_end: usize) {
    out.splice(root_end..root_end, NS_DECL.iter().copied());
}

/// Writes a `methodResponse` carrying one value.
pub fn write_response(value: &EncodedValue, out: &mut Vec<u8>) {
    out.reserve(value.xml.len() + 120);
    open_root(out, b"methodResponse", value.namespaced);
    out.extend_from_slice(b"<params><param>");
    out.extend_from_slice(&value.xml);
    out.extend_from_slice(b"</param></params></methodResponse>\n");
}

/// Writes a `methodResponse` carrying one value straight from `T` (no intermediate fragment).
pub fn write_response_value<T: Serialize + ?Sized>(
    value: &T,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let start = out.len();
    open_root(out, b"methodResponse", options.extension_namespace);
    out.extend_from_slice(b"<params><param>");
    if let Err(e) = encode_value_into(value, options, out) {
        out.truncate(start);
        return Err(e);
    }
    out.extend_from_slice(b"</param></params></methodResponse>\n");
    Ok(())
}

fn fault_struct(fault: &Fault, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<value><struct><member><name>faultCode</name><value><int>");
    crate::scalar::write_int(fault.code, out);
    out.extend_from_slice(
        b"</int></value></member><member><name>faultString</name><value><string>",
    );
    escape_lossy(&fault.string, out);
    out.extend_from_slice(b"</string></value></member></struct></value>");
}

/// Escapes text, replacing characters XML cannot carry with U+FFFD (for fault strings and
/// method names, which must always be writable).
fn escape_lossy(s: &str, out: &mut Vec<u8>) {
    let start = out.len();
    if escape_into(s, out).is_err() {
        out.truncate(start);
        let cleaned: String = s
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
                c => c,
            })
            .collect();
        let _ = escape_into(&cleaned, out);
    }
}

/// Writes a `methodResponse` carrying a fault.
pub fn write_fault(fault: &Fault, out: &mut Vec<u8>) {
    open_root(out, b"methodResponse", false);
    out.extend_from_slice(b"<fault>");
    fault_struct(fault, out);
    out.extend_from_slice(b"</fault></methodResponse>\n");
}

/// Writes a `methodCall` whose parameters `write` pushes, one by one, straight into `out`
/// (see [`ParamsWriter`]). On error `out` is restored to its previous length.
///
/// ```
/// use xmlrpc_core::{write_call_with, EncodeOptions};
///
/// let mut body = Vec::new();
/// write_call_with("greet", &EncodeOptions::default(), &mut body, |params| {
///     params.push("Ada")?;
///     params.push_optional(&None::<String>) // a trailing `None` is left out
/// })?;
/// let text = String::from_utf8(body).unwrap();
/// assert!(text.ends_with(
///     "<methodName>greet</methodName><params><param><value><string>Ada</string></value>\
///      </param></params></methodCall>\n"
/// ));
/// # Ok::<(), xmlrpc_core::Error>(())
/// ```
pub fn write_call_with<F>(
    method: &str,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
    write: F,
) -> Result<(), Error>
where
    F: FnOnce(&mut ParamsWriter<'_>) -> Result<(), Error>,
{
    let start = out.len();
    let root_end = open_root(out, b"methodCall", options.extension_namespace);
    out.extend_from_slice(b"<methodName>");
    escape_lossy(method, out);
    out.extend_from_slice(b"</methodName><params>");
    let mut params = ParamsWriter::call(out, options);
    if let Err(e) = write(&mut params) {
        out.truncate(start);
        return Err(e);
    }
    let late = params.used_namespace() && !options.extension_namespace;
    out.extend_from_slice(b"</params></methodCall>\n");
    if late {
        declare_late(out, root_end);
    }
    Ok(())
}

/// Writes a `methodCall`; `params` serializes as a sequence or tuple, one element a parameter
/// (`()` for none).
pub fn write_call<P: Serialize + ?Sized>(
    method: &str,
    params: &P,
    options: &EncodeOptions,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    write_call_with(method, options, out, |w| w.push_all(params))
}

/// Writes a `methodCall` from already encoded parameters.
pub fn write_call_encoded(method: &str, params: &[EncodedValue], out: &mut Vec<u8>) {
    out.reserve(params.iter().map(|p| p.xml.len() + 16).sum::<usize>() + 120);
    let written = write_call_with(method, &EncodeOptions::default(), out, |w| {
        params.iter().try_for_each(|p| w.push_encoded(p))
    });
    debug_assert!(written.is_ok(), "pushing encoded fragments cannot fail");
}

/// Writes the `methodResponse` of `system.multicall`: per entry `[result]` or a
/// `{faultCode, faultString}` struct.
pub fn write_multicall_response(results: &[Result<EncodedValue, Fault>], out: &mut Vec<u8>) {
    let namespaced = results.iter().any(|r| matches!(r, Ok(v) if v.namespaced));
    open_root(out, b"methodResponse", namespaced);
    out.extend_from_slice(b"<params><param><value><array><data>");
    for r in results {
        match r {
            Ok(v) => {
                out.extend_from_slice(b"<value><array><data>");
                out.extend_from_slice(&v.xml);
                out.extend_from_slice(b"</data></array></value>");
            }
            Err(f) => fault_struct(f, out),
        }
    }
    out.extend_from_slice(b"</data></array></value></param></params></methodResponse>\n");
}

/// A `system.multicall` `methodCall` being written: each [`add`](Self::add) writes one entry,
/// its parameters pushed through a [`ParamsWriter`] straight into the document.
///
/// ```
/// use xmlrpc_core::{EncodeOptions, MulticallWriter};
///
/// let mut batch = MulticallWriter::new(&EncodeOptions::default());
/// batch.add("add", |params| params.push_all(&(2, 3)))?;
/// batch.add("system.listMethods", |_| Ok(()))?;
/// assert_eq!(batch.len(), 2);
/// let body = String::from_utf8(batch.finish()).unwrap();
/// assert!(body.contains("<name>params</name><value><array><data><value><int>2</int></value>"));
/// # Ok::<(), xmlrpc_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MulticallWriter {
    out: Vec<u8>,
    options: EncodeOptions,
    root_end: usize,
    entries: usize,
    namespaced: bool,
}

impl MulticallWriter {
    /// A batch with no entry yet, whose values are encoded with `options`.
    pub fn new(options: &EncodeOptions) -> Self {
        let mut out = Vec::with_capacity(256);
        let root_end = open_root(&mut out, b"methodCall", options.extension_namespace);
        out.extend_from_slice(
            b"<methodName>system.multicall</methodName><params><param><value><array><data>",
        );
        MulticallWriter {
            out,
            options: *options,
            root_end,
            entries: 0,
            namespaced: options.extension_namespace,
        }
    }

    /// Adds the call of `method` whose parameters `write` pushes. On error the batch is left
    /// as it was.
    pub fn add<F>(&mut self, method: &str, write: F) -> Result<(), Error>
    where
        F: FnOnce(&mut ParamsWriter<'_>) -> Result<(), Error>,
    {
        let start = self.out.len();
        let out = &mut self.out;
        out.extend_from_slice(b"<value><struct><member><name>methodName</name><value><string>");
        escape_lossy(method, out);
        out.extend_from_slice(
            b"</string></value></member><member><name>params</name><value><array><data>",
        );
        let mut params = ParamsWriter::entry(out, &self.options);
        if let Err(e) = write(&mut params) {
            self.out.truncate(start);
            return Err(e);
        }
        self.namespaced |= params.used_namespace();
        self.out
            .extend_from_slice(b"</data></array></value></member></struct></value>");
        self.entries += 1;
        Ok(())
    }

    /// How many calls the batch holds.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether the batch holds no call.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The finished document.
    pub fn finish(mut self) -> Vec<u8> {
        self.out
            .extend_from_slice(b"</data></array></value></param></params></methodCall>\n");
        if self.namespaced && !self.options.extension_namespace {
            declare_late(&mut self.out, self.root_end);
        }
        self.out
    }
}

fn write_failed(e: std::io::Error) -> Error {
    Error::new(ErrorKind::Encode, format!("write failed: {e}"))
}

/// Writes a `methodResponse` carrying `value` into any `Write`.
pub fn write_response_to<T: Serialize + ?Sized, W: Write>(
    value: &T,
    options: &EncodeOptions,
    mut w: W,
) -> Result<(), Error> {
    let mut out = Vec::with_capacity(256);
    write_response_value(value, options, &mut out)?;
    w.write_all(&out).map_err(write_failed)
}

/// Writes a `methodCall` into any `Write`.
pub fn write_call_to<P: Serialize + ?Sized, W: Write>(
    method: &str,
    params: &P,
    options: &EncodeOptions,
    mut w: W,
) -> Result<(), Error> {
    let mut out = Vec::with_capacity(256);
    write_call(method, params, options, &mut out)?;
    w.write_all(&out).map_err(write_failed)
}
