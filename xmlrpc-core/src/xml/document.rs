//! Whole documents: `methodCall` and `methodResponse`. Each document is read by the fast path
//! first (`fast.rs`, the canonical form real clients send); when it gives up, the general
//! reader (`read.rs`, quick-xml) reads the whole document again and decides: the value, or the
//! error with its message and position. [`last_read_path`] tells which of them read the last
//! document of the thread.

use std::cell::Cell;
use std::io::BufRead;

use quick_xml::events::Event;
use serde::de::DeserializeOwned;

use super::fast::FastReader;
use super::input;
use super::read::{describe, XmlReader};
use super::tape::Tape;
use crate::params::Params;
use crate::{Error, ErrorKind, Fault, Limits, MethodCall, Value};

/// Which reader read a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPath {
    /// The fast path: the canonical form (XML-RPC elements, whitespace between them, text with
    /// the predefined entities and character references, an optional XML declaration).
    Fast,
    /// The general reader (quick-xml), after the fast path gave up: comments, CDATA,
    /// processing instructions, unusual spellings, or a document that is not accepted at all.
    General,
}

thread_local! {
    static LAST_PATH: Cell<Option<ReadPath>> = const { Cell::new(None) };
}

fn took(path: ReadPath) {
    LAST_PATH.with(|p| p.set(Some(path)));
}

/// Which reader read the last document read on this thread by [`read_call`],
/// [`read_response`] or [`read_response_value`] (`None` before the first). A diagnostic: it
/// shows which documents take the fast path; the results of both paths are the same.
pub fn last_read_path() -> Option<ReadPath> {
    LAST_PATH.with(|p| p.get())
}

/// `<name>` or `<name/>` as the next child of the open element `parent`.
fn expect_start<'a>(
    rd: &mut XmlReader<'a>,
    e: Event<'a>,
    name: &[u8],
    parent: &[u8],
) -> Result<bool, Error> {
    // Ok(true): start tag; Ok(false): empty element.
    match e {
        Event::Start(s) if s.name().as_ref() == name => Ok(true),
        Event::Empty(s) if s.name().as_ref() == name => Ok(false),
        Event::Eof => Err(Error::new(
            ErrorKind::Syntax,
            format!(
                "unexpected end of document, expected <{}>",
                String::from_utf8_lossy(name)
            ),
        )
        .at(rd.last_event_pos())),
        e => Err(rd.found(
            parent,
            &e,
            format!(
                "expected <{}>, found {}",
                String::from_utf8_lossy(name),
                describe(&e)
            ),
        )),
    }
}

/// Reads a `methodCall` document, validating it whole; parameters stay encoded.
pub fn read_call<'a>(body: &'a [u8], limits: &Limits) -> Result<MethodCall<'a>, Error> {
    let prepared = input::prepare(body)?;
    if let Some((name, tape)) = fast_call(&prepared.doc, prepared.base, limits) {
        took(ReadPath::Fast);
        return Ok(MethodCall {
            name,
            params: Params::from_xml(prepared.doc, prepared.base, tape),
        });
    }
    took(ReadPath::General);
    general_call(prepared, limits)
}

/// Whether `doc` holds a comment, a CDATA section or a DOCTYPE (`<!`), which the fast path
/// would give up on, perhaps only at the end: such documents go to the general reader at once.
/// One vector search for `!`, a byte rare in XML-RPC documents.
fn has_markup_declaration(doc: &[u8]) -> bool {
    memchr::memchr_iter(b'!', doc).any(|i| i > 0 && doc[i - 1] == b'<')
}

/// The call read by the fast path, or `None` where it gives up.
fn fast_call(doc: &[u8], base: u64, limits: &Limits) -> Option<(String, Tape)> {
    if has_markup_declaration(doc) {
        return None;
    }
    let mut rd = FastReader::new(doc, base, limits.max_depth);
    rd.open_root(b"methodCall")?;
    let name = rd.method_name(limits.max_method_name)?;
    let mut tape = Tape::for_document(doc.len());
    if !rd.next_is(b"</methodCall>") {
        if !rd.next_is(b"<params/>") {
            if !rd.next_is(b"<params>") {
                return None;
            }
            while !rd.next_is(b"</params>") {
                if !rd.next_is(b"<param>") || tape.len() >= limits.max_params {
                    return None;
                }
                tape.record_param(&mut rd, doc, base).ok()?;
                if !rd.next_is(b"</param>") {
                    return None;
                }
            }
        }
        if !rd.next_is(b"</methodCall>") {
            return None;
        }
    }
    rd.end_of_document()?;
    Some((name, tape))
}

/// The call read by the general reader.
fn general_call<'a>(
    prepared: input::Prepared<'a>,
    limits: &Limits,
) -> Result<MethodCall<'a>, Error> {
    let (name, tape) = {
        let mut rd = XmlReader::new(&prepared.doc, prepared.base, limits.max_depth);
        let root = rd.root()?;
        if !expect_start(&mut rd, root, b"methodCall", b"")? {
            return Err(
                Error::new(ErrorKind::Structure, "<methodCall> has no <methodName>")
                    .at(rd.last_event_pos()),
            );
        }
        let e = rd.sig()?;
        let name = if expect_start(&mut rd, e, b"methodName", b"methodCall")? {
            let pos = rd.last_event_pos();
            // The name as written: one with surrounding whitespace names no method.
            let n = rd.content_string("methodName")?;
            if n.is_empty() {
                return Err(Error::new(ErrorKind::Structure, "empty <methodName>").at(pos));
            }
            if n.len() > limits.max_method_name {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!("method name longer than {} bytes", limits.max_method_name),
                )
                .at(pos));
            }
            n
        } else {
            return Err(
                Error::new(ErrorKind::Structure, "empty <methodName>").at(rd.last_event_pos())
            );
        };
        let mut tape = Tape::for_document(prepared.doc.len());
        match rd.sig()? {
            Event::End(e) if e.name().as_ref() == b"methodCall" => {}
            e => {
                if expect_start(&mut rd, e, b"params", b"methodCall")? {
                    loop {
                        match rd.sig()? {
                            Event::End(e) if e.name().as_ref() == b"params" => break,
                            e => {
                                let pos = rd.last_event_pos();
                                if !expect_start(&mut rd, e, b"param", b"params")? {
                                    return Err(Error::new(
                                        ErrorKind::Structure,
                                        "<param> without a value",
                                    )
                                    .at(pos));
                                }
                                if tape.len() >= limits.max_params {
                                    return Err(Error::new(
                                        ErrorKind::Limit,
                                        format!("more than {} parameters", limits.max_params),
                                    )
                                    .at(pos));
                                }
                                tape.record_param(&mut rd, &prepared.doc, prepared.base)?;
                                rd.expect_end("param")?;
                            }
                        }
                    }
                }
                rd.expect_end("methodCall")?;
            }
        }
        rd.epilog()?;
        (name, tape)
    };
    Ok(MethodCall {
        name,
        params: Params::from_xml(prepared.doc, prepared.base, tape),
    })
}

#[derive(serde::Deserialize)]
struct RawFault {
    #[serde(rename = "faultCode")]
    code: i32,
    #[serde(rename = "faultString", default)]
    string: String,
}

/// Reads a `methodResponse` straight into `T`, or the fault it carries.
pub fn read_response<T: DeserializeOwned>(
    body: &[u8],
    limits: &Limits,
) -> Result<Result<T, Fault>, Error> {
    let prepared = input::prepare(body)?;
    if let Some(r) = fast_response(&prepared, limits, |rd| crate::de::from_source(rd)) {
        took(ReadPath::Fast);
        return Ok(r);
    }
    took(ReadPath::General);
    general_response(&prepared, limits, |rd| crate::de::from_source(rd))
}

/// Reads a `methodResponse` into a [`Value`], or the fault it carries.
pub fn read_response_value(body: &[u8], limits: &Limits) -> Result<Result<Value, Fault>, Error> {
    let prepared = input::prepare(body)?;
    if let Some(r) = fast_response(&prepared, limits, |mut rd| {
        crate::value::build::build(&mut rd)
    }) {
        took(ReadPath::Fast);
        return Ok(r);
    }
    took(ReadPath::General);
    general_response(&prepared, limits, |mut rd| {
        crate::value::build::build(&mut rd)
    })
}

/// The response read by the fast path, the value with `read_value`; `None` where it gives up
/// (or where `read_value` fails: the general reader then reports the error).
fn fast_response<T: DeserializeOwned>(
    prepared: &input::Prepared<'_>,
    limits: &Limits,
    read_value: impl FnOnce(&mut FastReader<'_>) -> Result<T, Error>,
) -> Option<Result<T, Fault>> {
    if has_markup_declaration(&prepared.doc) {
        return None;
    }
    let mut rd = FastReader::new(&prepared.doc, prepared.base, limits.max_depth);
    rd.open_root(b"methodResponse")?;
    let result = if rd.next_is(b"<fault>") {
        let raw: RawFault = crate::de::from_source(&mut rd).ok()?;
        if !rd.at_top() || !rd.next_is(b"</fault>") {
            return None;
        }
        Err(Fault::new(raw.code, raw.string))
    } else if rd.next_is(b"<params/>") {
        Ok(crate::value::from_value(Value::Nil).ok()?)
    } else {
        if !rd.next_is(b"<params>") {
            return None;
        }
        if rd.next_is(b"</params>") {
            Ok(crate::value::from_value(Value::Nil).ok()?)
        } else {
            if !rd.next_is(b"<param>") {
                return None;
            }
            let v = read_value(&mut rd).ok()?;
            if !rd.at_top() || !rd.next_is(b"</param>") || !rd.next_is(b"</params>") {
                return None;
            }
            Ok(v)
        }
    };
    if !rd.next_is(b"</methodResponse>") {
        return None;
    }
    rd.end_of_document()?;
    Some(result)
}

/// The response read by the general reader, the value with `read_value`.
fn general_response<T: DeserializeOwned>(
    prepared: &input::Prepared<'_>,
    limits: &Limits,
    read_value: impl FnOnce(&mut XmlReader<'_>) -> Result<T, Error>,
) -> Result<Result<T, Fault>, Error> {
    let mut rd = XmlReader::new(&prepared.doc, prepared.base, limits.max_depth);
    let root = rd.root()?;
    if !expect_start(&mut rd, root, b"methodResponse", b"")? {
        return Err(
            Error::new(ErrorKind::Structure, "empty <methodResponse>").at(rd.last_event_pos())
        );
    }
    let e = rd.sig()?;
    let result = match &e {
        Event::Start(s) | Event::Empty(s) if s.name().as_ref() == b"fault" => {
            if matches!(e, Event::Empty(_)) {
                return Err(Error::new(ErrorKind::Structure, "<fault> without a value")
                    .at(rd.last_event_pos()));
            }
            let pos = rd.last_event_pos();
            rd.parent = b"fault";
            let raw: RawFault = crate::de::from_source(&mut rd).map_err(|e| {
                // Not well-formed stays a syntax error; anything else is a malformed fault.
                let kind = match e.kind() {
                    ErrorKind::Syntax => ErrorKind::Syntax,
                    _ => ErrorKind::Structure,
                };
                Error::new(kind, format!("malformed fault: {}", e))
                    .at_if_unset(e.position().or(Some(pos)))
            })?;
            rd.expect_end("fault")?;
            Err(Fault::new(raw.code, raw.string))
        }
        _ => {
            if expect_start(&mut rd, e, b"params", b"methodResponse")? {
                match rd.sig()? {
                    // <params></params>: no value, read as nil.
                    Event::End(e) if e.name().as_ref() == b"params" => {
                        Ok(crate::value::from_value(Value::Nil)?)
                    }
                    e => {
                        let pos = rd.last_event_pos();
                        if !expect_start(&mut rd, e, b"param", b"params")? {
                            return Err(Error::new(
                                ErrorKind::Structure,
                                "<param> without a value",
                            )
                            .at(pos));
                        }
                        let v: T = read_value(&mut rd)?;
                        if !rd.at_top() {
                            return Err(Error::new(ErrorKind::Structure, "value not fully read")
                                .at(rd.last_event_pos()));
                        }
                        rd.expect_end("param")?;
                        match rd.sig()? {
                            Event::End(e) if e.name().as_ref() == b"params" => {}
                            e => {
                                return Err(rd.found(
                                    b"params",
                                    &e,
                                    "a response must carry exactly one <param>".into(),
                                ))
                            }
                        }
                        Ok(v)
                    }
                }
            } else {
                // <params/>: no value, read as nil.
                Ok(crate::value::from_value(Value::Nil)?)
            }
        }
    };
    rd.expect_end("methodResponse")?;
    rd.epilog()?;
    Ok(result)
}

fn read_all<R: BufRead>(mut reader: R) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    reader
        .read_to_end(&mut buf)
        .map_err(|e| Error::new(ErrorKind::Syntax, format!("read failed: {e}")))?;
    Ok(buf)
}

/// [`read_response`] from any `BufRead`.
pub fn read_response_from_reader<T: DeserializeOwned, R: BufRead>(
    reader: R,
    limits: &Limits,
) -> Result<Result<T, Fault>, Error> {
    read_response(&read_all(reader)?, limits)
}

/// Reads a `methodCall` from any `BufRead`; the parameters are decoded into values.
pub fn read_call_from_reader<R: BufRead>(
    reader: R,
    limits: &Limits,
) -> Result<(String, Vec<Value>), Error> {
    let body = read_all(reader)?;
    let call = read_call(&body, limits)?;
    let values = call.params.to_values()?;
    Ok((call.name, values))
}

/// Each reader on its own, for differential tests of the fast path against the general reader
/// (fuzz targets, property tests). Applications use [`read_call`] and [`read_response`].
#[doc(hidden)]
pub mod differential {
    use super::*;

    /// [`read_call`] by the general reader alone.
    pub fn read_call_general<'a>(body: &'a [u8], limits: &Limits) -> Result<MethodCall<'a>, Error> {
        general_call(input::prepare(body)?, limits)
    }

    /// [`read_call`] by the fast path alone: `None` where it gives up.
    pub fn read_call_fast<'a>(body: &'a [u8], limits: &Limits) -> Option<MethodCall<'a>> {
        let prepared = input::prepare(body).ok()?;
        let (name, tape) = fast_call(&prepared.doc, prepared.base, limits)?;
        Some(MethodCall {
            name,
            params: Params::from_xml(prepared.doc, prepared.base, tape),
        })
    }

    /// [`read_response`] by the general reader alone.
    pub fn read_response_general<T: DeserializeOwned>(
        body: &[u8],
        limits: &Limits,
    ) -> Result<Result<T, Fault>, Error> {
        general_response(&input::prepare(body)?, limits, |rd| {
            crate::de::from_source(rd)
        })
    }

    /// [`read_response`] by the fast path alone: `None` where it gives up.
    pub fn read_response_fast<T: DeserializeOwned>(
        body: &[u8],
        limits: &Limits,
    ) -> Option<Result<T, Fault>> {
        fast_response(&input::prepare(body).ok()?, limits, |rd| {
            crate::de::from_source(rd)
        })
    }

    /// [`read_response_value`] by the general reader alone.
    pub fn read_response_value_general(
        body: &[u8],
        limits: &Limits,
    ) -> Result<Result<Value, Fault>, Error> {
        general_response(&input::prepare(body)?, limits, |mut rd| {
            crate::value::build::build(&mut rd)
        })
    }

    /// [`read_response_value`] by the fast path alone: `None` where it gives up.
    pub fn read_response_value_fast(body: &[u8], limits: &Limits) -> Option<Result<Value, Fault>> {
        fast_response(&input::prepare(body).ok()?, limits, |mut rd| {
            crate::value::build::build(&mut rd)
        })
    }
}
