//! The general reader: quick-xml events in, XML-RPC tokens out. It reads every document the
//! fast path (`fast.rs`) gives up on, and decides: the value, or the error with its message and
//! position. Nesting is tracked on an explicit stack (never recursion), text is borrowed from
//! the input unless entities or carriage returns force a copy into a reused scratch buffer,
//! scalars are parsed from bytes.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::shared::{
    entity, is, kind_of, name_of, same, scalar_tok, Kind, MemberNames, RefError, EXT_NS,
};
use crate::de::{Source, Tok, Txt};
use crate::scalar;
use crate::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StructState {
    /// Next: `<member>` or `</struct>`.
    ExpectMember,
    /// After `<name>`: next `<value>`.
    ExpectValue,
    /// After the member's value: next `</member>`.
    AfterValue,
}

#[derive(Debug, Clone, Copy)]
enum Frame {
    /// Inside `<data>`: next `<value>` or `</data>`.
    Array,
    Struct(StructState),
    /// An empty container: `n` end tags remain before its `</value>` is consumed.
    Close(u8),
}

#[derive(Clone, Copy)]
enum Acc<'a> {
    Empty,
    Borrowed(&'a [u8]),
    Scratch,
}

/// `bytes` must come from the prepared (UTF-8 validated) document at ASCII delimiters.
#[inline]
pub(crate) fn as_str(bytes: &[u8]) -> &str {
    debug_assert!(std::str::from_utf8(bytes).is_ok());
    // SAFETY: the whole document was validated as UTF-8 by `input::prepare`, and quick-xml
    // splits text only at ASCII delimiters (`<`, `>`, `&`, `;`, `]]>`), which are never inside
    // a multi-byte sequence; scratch buffers only ever receive such slices and encoded chars.
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// Reads XML-RPC tokens from a prepared document.
pub(crate) struct XmlReader<'a> {
    rd: Reader<&'a [u8]>,
    doc: &'a [u8],
    base: u64,
    stack: Vec<Frame>,
    max_depth: usize,
    scratch: Vec<u8>,
    /// Scratch for base64 text with whitespace removed.
    b64_tmp: Vec<u8>,
    /// Prefixes bound to the extensions namespace (besides the literal `ex`).
    ext_prefixes: Vec<Box<[u8]>>,
    /// Member names of the open structs: duplicates are refused as they come.
    members: MemberNames,
    /// The element a top-level value is read in (`param` or `fault`), to tell a mismatched
    /// end tag from a missing value.
    pub(crate) parent: &'static [u8],
    /// Start of the last event read.
    ev_pos: u64,
    /// Start of the current token.
    tok_pos: u64,
}

impl<'a> XmlReader<'a> {
    /// A reader over `doc`, whose first byte is at `base` in the original input.
    pub(crate) fn new(doc: &'a [u8], base: u64, max_depth: usize) -> Self {
        let mut rd = Reader::from_reader(doc);
        let cfg = rd.config_mut();
        cfg.trim_text(false);
        // End tags are checked against the grammar's expected name at every step instead
        // (cheaper than quick-xml's stack of open names, and just as strict).
        cfg.check_end_names = false;
        cfg.expand_empty_elements = false;
        cfg.check_comments = true;
        cfg.allow_dangling_amp = false;
        cfg.allow_unmatched_ends = false;
        XmlReader {
            rd,
            doc,
            base,
            stack: Vec::new(),
            max_depth,
            scratch: Vec::new(),
            b64_tmp: Vec::new(),
            ext_prefixes: Vec::new(),
            members: MemberNames::default(),
            parent: b"param",
            ev_pos: base,
            tok_pos: base,
        }
    }

    /// Whether no value is partially read.
    pub(crate) fn at_top(&self) -> bool {
        self.stack.is_empty()
    }

    pub(crate) fn last_event_pos(&self) -> u64 {
        self.ev_pos
    }

    fn syntax(&self, msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Syntax, msg).at(self.ev_pos)
    }

    fn structure(&self, msg: impl Into<String>) -> Error {
        Error::new(ErrorKind::Structure, msg).at(self.ev_pos)
    }

    /// The next raw event. DOCTYPE is rejected here, before anything else happens.
    #[inline(always)]
    pub(crate) fn ev(&mut self) -> Result<Event<'a>, Error> {
        let at = self.rd.buffer_position();
        // quick-xml consumes the `<` that ends a text event with the text: an event that
        // starts right after one starts at that `<`.
        let back = at > 0 && self.doc.get(at as usize - 1) == Some(&b'<');
        self.ev_pos = self.base + at - u64::from(back);
        match self.rd.read_event() {
            Ok(Event::DocType(_)) => Err(self.syntax("DOCTYPE is not allowed")),
            Ok(e @ (Event::Start(_) | Event::Empty(_))) => {
                if let Event::Start(s) | Event::Empty(s) = &e {
                    if !s.attributes_raw().is_empty() {
                        self.scan_attributes(s)?;
                    }
                }
                Ok(e)
            }
            Ok(e) => Ok(e),
            Err(e) => Err(Error::new(ErrorKind::Syntax, format!("malformed XML: {e}"))
                .at(self.base + self.rd.error_position())),
        }
    }

    /// Checks the attributes are well-formed and records prefixes bound to the extensions
    /// namespace.
    fn scan_attributes(&mut self, s: &BytesStart<'_>) -> Result<(), Error> {
        // quick-xml's duplicate check is quadratic: bound the attributes per element.
        const MAX_ATTRIBUTES: usize = 32;
        const MAX_PREFIXES: usize = 8;
        for (n, a) in s.attributes().enumerate() {
            if n >= MAX_ATTRIBUTES {
                return Err(Error::new(
                    ErrorKind::Limit,
                    format!("more than {MAX_ATTRIBUTES} attributes on one element"),
                )
                .at(self.ev_pos));
            }
            let a = a.map_err(|e| self.syntax(format!("malformed attribute: {e}")))?;
            if let Some(prefix) = a.key.as_ref().strip_prefix(b"xmlns:") {
                if &*a.value == EXT_NS
                    && self.ext_prefixes.len() < MAX_PREFIXES
                    && !self.ext_prefixes.iter().any(|p| &**p == prefix)
                {
                    self.ext_prefixes.push(prefix.into());
                }
            }
        }
        Ok(())
    }

    /// The next significant event: whitespace text, comments and processing instructions are
    /// skipped; other text between elements is an error.
    pub(crate) fn sig(&mut self) -> Result<Event<'a>, Error> {
        loop {
            match self.ev()? {
                Event::Text(t) => {
                    if !t.iter().all(|&b| scalar::is_ws(b)) {
                        return Err(self.structure("unexpected text between elements"));
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::GeneralRef(_) | Event::CData(_) => {
                    return Err(self.structure("unexpected text between elements"))
                }
                Event::Decl(_) => {
                    return Err(self.syntax("XML declaration is only allowed at the start"))
                }
                e => return Ok(e),
            }
        }
    }

    /// Consumes an end tag (whitespace and comments before it are fine).
    /// Consumes the end tag `</name>` (whitespace and comments before it are fine).
    #[inline]
    pub(crate) fn expect_end(&mut self, name: &str) -> Result<(), Error> {
        match self.sig()? {
            Event::End(e) if same(e.name().as_ref(), name.as_bytes()) => Ok(()),
            Event::Eof => {
                Err(self.syntax(format!("unexpected end of document, expected </{name}>")))
            }
            e => Err(self.end_mismatch(name, &e)),
        }
    }

    /// The error for finding `e` inside the open element `open`: an end tag of another element
    /// is not well-formed (a syntax error); anything else is the wrong XML-RPC shape.
    pub(crate) fn found(&self, open: &[u8], e: &Event<'_>, msg: String) -> Error {
        match e {
            Event::End(n) if !same(n.name().as_ref(), open) => self.syntax(msg),
            _ => self.structure(msg),
        }
    }

    /// The error for finding `e` where `</name>` belongs.
    pub(crate) fn end_mismatch(&self, name: &str, e: &Event<'_>) -> Error {
        match e {
            // Mismatched end tags are a well-formedness error.
            Event::End(_) => self.syntax(format!("expected </{name}>, found {}", describe(e))),
            _ => self.structure(format!("expected </{name}>, found {}", describe(e))),
        }
    }

    fn push(&mut self, f: Frame) -> Result<(), Error> {
        if self.stack.len() >= self.max_depth {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("nesting deeper than {} levels", self.max_depth),
            )
            .at(self.ev_pos));
        }
        self.stack.push(f);
        Ok(())
    }

    /// Records the name of a new member of the innermost struct; a name seen before in the
    /// same struct is an error.
    fn check_member(&mut self, name: &Txt<'a>) -> Result<(), Error> {
        let bytes: &[u8] = match name {
            Txt::Borrowed(s) => s.as_bytes(),
            Txt::Scratch => &self.scratch,
            Txt::Owned(s) => s.as_bytes(),
        };
        if !self.members.insert(bytes) {
            return Err(Error::new(
                ErrorKind::Type,
                format!("duplicate struct member `{}`", name_of(bytes)),
            )
            .at(self.tok_pos));
        }
        Ok(())
    }

    /// A value ended: a struct member now waits for `</member>`.
    #[inline]
    fn complete(&mut self) {
        if let Some(Frame::Struct(s @ StructState::ExpectValue)) = self.stack.last_mut() {
            *s = StructState::AfterValue;
        }
    }

    // ----- text -----

    #[inline]
    fn acc_raw(&mut self, acc: &mut Acc<'a>, piece: &'a [u8]) {
        if piece.is_empty() {
            return;
        }
        // Scalars are short: a plain loop beats setting up a vector search.
        let has_cr = if piece.len() < 32 {
            piece.contains(&b'\r')
        } else {
            memchr::memchr(b'\r', piece).is_some()
        };
        if !has_cr {
            match *acc {
                Acc::Empty => *acc = Acc::Borrowed(piece),
                Acc::Borrowed(p) => {
                    self.scratch.clear();
                    self.scratch.extend_from_slice(p);
                    self.scratch.extend_from_slice(piece);
                    *acc = Acc::Scratch;
                }
                Acc::Scratch => self.scratch.extend_from_slice(piece),
            }
            return;
        }
        self.spill(acc);
        // XML end-of-line handling: CR LF and lone CR become LF.
        let mut i = 0;
        while i < piece.len() {
            let b = piece[i];
            if b == b'\r' {
                self.scratch.push(b'\n');
                if piece.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            } else {
                self.scratch.push(b);
            }
            i += 1;
        }
    }

    fn spill(&mut self, acc: &mut Acc<'a>) {
        match *acc {
            Acc::Empty => self.scratch.clear(),
            Acc::Borrowed(p) => {
                self.scratch.clear();
                self.scratch.extend_from_slice(p);
            }
            Acc::Scratch => {}
        }
        *acc = Acc::Scratch;
    }

    fn acc_ref(&mut self, acc: &mut Acc<'a>, r: &[u8]) -> Result<(), Error> {
        let c = entity(r).map_err(|e| match e {
            RefError::Unknown => self.syntax(format!(
                "unknown entity `&{};` (only the five predefined entities and character references are allowed)",
                name_of(r)
            )),
            RefError::Malformed => self.syntax(format!(
                "invalid character reference `&#{};`",
                name_of(r.strip_prefix(b"#x").or(r.strip_prefix(b"#")).unwrap_or(r))
            )),
            RefError::NotAllowed(v) => self.syntax(format!(
                "character reference to U+{v:04X}, which is not allowed in XML"
            )),
        })?;
        self.spill(acc);
        let mut b = [0u8; 4];
        self.scratch
            .extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        Ok(())
    }

    fn acc_bytes(&self, acc: &Acc<'a>) -> &[u8] {
        match acc {
            Acc::Empty => b"",
            Acc::Borrowed(p) => p,
            Acc::Scratch => &self.scratch,
        }
    }

    fn acc_txt(&self, acc: Acc<'a>) -> Txt<'a> {
        match acc {
            Acc::Empty => Txt::Borrowed(""),
            Acc::Borrowed(p) => Txt::Borrowed(as_str(p)),
            Acc::Scratch => Txt::Scratch,
        }
    }

    /// Reads the text content of a leaf element up to its end tag.
    fn content(&mut self, what: &[u8]) -> Result<Acc<'a>, Error> {
        // `what` is the element's name: its end tag closes the content.
        let mut acc = Acc::Empty;
        loop {
            match self.ev()? {
                Event::Text(t) => {
                    let b = borrowed(t.into_inner(), &mut self.scratch, &mut acc);
                    if let Some(b) = b {
                        self.acc_raw(&mut acc, b);
                    }
                }
                Event::CData(t) => {
                    let b = borrowed(t.into_inner(), &mut self.scratch, &mut acc);
                    if let Some(b) = b {
                        self.acc_raw(&mut acc, b);
                    }
                }
                Event::GeneralRef(r) => self.acc_ref(&mut acc, &r)?,
                Event::End(e) if same(e.name().as_ref(), what) => return Ok(acc),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    return Err(self.syntax(format!(
                        "unexpected end of document inside <{}>",
                        name_of(what)
                    )))
                }
                e @ Event::End(_) => return Err(self.end_mismatch(&name_of(what), &e)),
                e => {
                    return Err(self.structure(format!(
                        "unexpected {} inside <{}>",
                        describe(&e),
                        name_of(what)
                    )))
                }
            }
        }
    }

    /// Reads a text-only element's content as a string (`<methodName>`, `<name>`).
    pub(crate) fn content_string(&mut self, what: &str) -> Result<String, Error> {
        let acc = self.content(what.as_bytes())?;
        Ok(as_str(self.acc_bytes(&acc)).to_owned())
    }

    // ----- values -----

    fn kind(&self, e: &BytesStart<'_>) -> Result<Kind, Error> {
        let name = e.name().into_inner();
        kind_of(name, |prefix| {
            self.ext_prefixes.iter().any(|p| &**p == prefix)
        })
        .ok_or_else(|| self.structure(format!("unknown value type <{}>", name_of(name))))
    }

    /// After `<value>`: the value's type element, or text (an untyped string).
    fn value_body(&mut self) -> Result<Tok<'a>, Error> {
        let mut acc = Acc::Empty;
        loop {
            match self.ev()? {
                Event::Text(t) => {
                    if let Some(b) = borrowed(t.into_inner(), &mut self.scratch, &mut acc) {
                        self.acc_raw(&mut acc, b);
                    }
                }
                Event::CData(t) => {
                    if let Some(b) = borrowed(t.into_inner(), &mut self.scratch, &mut acc) {
                        self.acc_raw(&mut acc, b);
                    }
                }
                Event::GeneralRef(r) => self.acc_ref(&mut acc, &r)?,
                Event::Comment(_) | Event::PI(_) => {}
                Event::End(e) if is(e.name().as_ref(), b"value") => {
                    // `<value>text</value>`: a string, whitespace kept.
                    self.complete();
                    return Ok(Tok::Str(self.acc_txt(acc)));
                }
                Event::Start(e) => {
                    self.only_ws(&acc)?;
                    let k = self.kind(&e)?;
                    return self.typed(k, e.name().as_ref(), false);
                }
                Event::Empty(e) => {
                    self.only_ws(&acc)?;
                    let k = self.kind(&e)?;
                    return self.typed(k, e.name().as_ref(), true);
                }
                Event::Eof => return Err(self.syntax("unexpected end of document inside <value>")),
                e => {
                    return Err(self.found(
                        b"value",
                        &e,
                        format!("unexpected {} inside <value>", describe(&e)),
                    ))
                }
            }
        }
    }

    fn only_ws(&self, acc: &Acc<'a>) -> Result<(), Error> {
        if self.acc_bytes(acc).iter().all(|&b| scalar::is_ws(b)) {
            Ok(())
        } else {
            Err(self.structure("text mixed with a type element inside <value>"))
        }
    }

    /// The value of type `k` whose element `<name>` was just read.
    fn typed(&mut self, k: Kind, name: &[u8], empty: bool) -> Result<Tok<'a>, Error> {
        let start = self.ev_pos;
        match k {
            Kind::Struct => {
                if empty {
                    self.push(Frame::Close(0))?;
                } else {
                    self.push(Frame::Struct(StructState::ExpectMember))?;
                    self.members.open();
                }
                Ok(Tok::StructStart)
            }
            Kind::Array => {
                if empty {
                    self.push(Frame::Close(0))?;
                    return Ok(Tok::ArrayStart);
                }
                match self.sig()? {
                    Event::Start(d) if is(d.name().as_ref(), b"data") => self.push(Frame::Array)?,
                    Event::Empty(d) if is(d.name().as_ref(), b"data") => {
                        self.push(Frame::Close(1))?
                    }
                    Event::End(a) if is(a.name().as_ref(), b"array") => {
                        // `<array></array>`: empty; only `</value>` remains.
                        self.push(Frame::Close(0))?;
                    }
                    e => {
                        return Err(self.found(
                            b"array",
                            &e,
                            format!("expected <data> inside <array>, found {}", describe(&e)),
                        ))
                    }
                }
                Ok(Tok::ArrayStart)
            }
            Kind::Nil => {
                if !empty {
                    let acc = self.content(name)?;
                    self.only_ws(&acc)?;
                }
                self.leaf_end(start)?;
                Ok(Tok::Nil)
            }
            Kind::Str => {
                let acc = if empty {
                    Acc::Empty
                } else {
                    self.content(name)?
                };
                let tok = Tok::Str(self.acc_txt(acc));
                self.leaf_end(start)?;
                Ok(tok)
            }
            Kind::Scalar(s) => {
                let acc = if empty {
                    Acc::Empty
                } else {
                    self.content(name)?
                };
                let mut tmp = std::mem::take(&mut self.b64_tmp);
                let r = scalar_tok(s, self.acc_bytes(&acc), &mut tmp);
                self.b64_tmp = tmp;
                let tok = r.map_err(|e| e.at_if_unset(Some(start)))?;
                self.leaf_end(start)?;
                Ok(tok)
            }
        }
    }

    /// After a leaf value's type element (which started at `start`): `</value>`.
    fn leaf_end(&mut self, start: u64) -> Result<(), Error> {
        self.expect_end("value")?;
        self.complete();
        self.tok_pos = start;
        Ok(())
    }

    /// The value starting with event `e` (`<value>` or `<value/>`) at the top level.
    fn top_value(&mut self, e: Event<'a>) -> Result<Tok<'a>, Error> {
        match e {
            Event::Start(v) if is(v.name().as_ref(), b"value") => self.value_body(),
            Event::Empty(v) if is(v.name().as_ref(), b"value") => Ok(Tok::Str(Txt::Borrowed(""))),
            Event::Eof => Err(self.syntax("unexpected end of document, expected <value>")),
            e => Err(self.found(
                self.parent,
                &e,
                format!("expected <value>, found {}", describe(&e)),
            )),
        }
    }

    fn next_token(&mut self) -> Result<Tok<'a>, Error> {
        loop {
            let Some(frame) = self.stack.last().copied() else {
                let e = self.sig()?;
                self.tok_pos = self.ev_pos;
                return self.top_value(e);
            };
            match frame {
                Frame::Array => {
                    let e = self.sig()?;
                    self.tok_pos = self.ev_pos;
                    match e {
                        Event::Start(v) if is(v.name().as_ref(), b"value") => {
                            return self.value_body()
                        }
                        Event::Empty(v) if is(v.name().as_ref(), b"value") => {
                            return Ok(Tok::Str(Txt::Borrowed("")))
                        }
                        Event::End(d) if is(d.name().as_ref(), b"data") => {
                            self.expect_end("array")?;
                            self.expect_end("value")?;
                            self.stack.pop();
                            self.complete();
                            return Ok(Tok::End);
                        }
                        Event::Eof => {
                            return Err(self.syntax("unexpected end of document inside <data>"))
                        }
                        e => {
                            return Err(self.found(
                                b"data",
                                &e,
                                format!("expected <value> or </data>, found {}", describe(&e)),
                            ))
                        }
                    }
                }
                Frame::Close(n) => {
                    self.tok_pos = self.ev_pos;
                    // Close(1): `<array></array>` or `<array><data/></array>`.
                    if n > 0 {
                        self.expect_end("array")?;
                    }
                    self.expect_end("value")?;
                    self.stack.pop();
                    self.complete();
                    return Ok(Tok::End);
                }
                Frame::Struct(StructState::AfterValue) => {
                    self.expect_end("member")?;
                    if let Some(Frame::Struct(s)) = self.stack.last_mut() {
                        *s = StructState::ExpectMember;
                    }
                }
                Frame::Struct(StructState::ExpectMember) => {
                    let e = self.sig()?;
                    self.tok_pos = self.ev_pos;
                    match e {
                        Event::Start(m) if is(m.name().as_ref(), b"member") => {
                            let name = match self.sig()? {
                                Event::Start(n) if is(n.name().as_ref(), b"name") => {
                                    let acc = self.content(b"name")?;
                                    self.acc_txt(acc)
                                }
                                Event::Empty(n) if is(n.name().as_ref(), b"name") => {
                                    Txt::Borrowed("")
                                }
                                e => {
                                    return Err(self.found(
                                        b"member",
                                        &e,
                                        format!(
                                            "expected <name> inside <member>, found {}",
                                            describe(&e)
                                        ),
                                    ))
                                }
                            };
                            self.check_member(&name)?;
                            if let Some(Frame::Struct(s)) = self.stack.last_mut() {
                                *s = StructState::ExpectValue;
                            }
                            return Ok(Tok::Member(name));
                        }
                        Event::End(e) if is(e.name().as_ref(), b"struct") => {
                            self.expect_end("value")?;
                            self.members.close();
                            self.stack.pop();
                            self.complete();
                            return Ok(Tok::End);
                        }
                        Event::Eof => {
                            return Err(self.syntax("unexpected end of document inside <struct>"))
                        }
                        e => {
                            return Err(self.found(
                                b"struct",
                                &e,
                                format!("expected <member> or </struct>, found {}", describe(&e)),
                            ))
                        }
                    }
                }
                Frame::Struct(StructState::ExpectValue) => {
                    let e = self.sig()?;
                    self.tok_pos = self.ev_pos;
                    match e {
                        Event::Start(v) if is(v.name().as_ref(), b"value") => {
                            return self.value_body()
                        }
                        Event::Empty(v) if is(v.name().as_ref(), b"value") => {
                            self.complete();
                            return Ok(Tok::Str(Txt::Borrowed("")));
                        }
                        Event::End(e) if is(e.name().as_ref(), b"member") => {
                            return Err(self.structure("struct member without a value"))
                        }
                        Event::Eof => {
                            return Err(self.syntax("unexpected end of document inside <member>"))
                        }
                        e => {
                            return Err(self.found(
                                b"member",
                                &e,
                                format!("expected <value> inside <member>, found {}", describe(&e)),
                            ))
                        }
                    }
                }
            }
        }
    }

    /// Reads the prolog up to the root element's start tag.
    pub(crate) fn root(&mut self) -> Result<Event<'a>, Error> {
        loop {
            match self.ev()? {
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.iter().all(|&b| scalar::is_ws(b)) => {}
                e @ (Event::Start(_) | Event::Empty(_)) => return Ok(e),
                Event::Eof => return Err(self.syntax("empty document")),
                e => {
                    return Err(self
                        .structure(format!("expected the root element, found {}", describe(&e))))
                }
            }
        }
    }

    /// After the root element: only whitespace, comments and processing instructions.
    pub(crate) fn epilog(&mut self) -> Result<(), Error> {
        loop {
            match self.ev()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.iter().all(|&b| scalar::is_ws(b)) => {}
                e => {
                    return Err(self.structure(format!(
                        "unexpected {} after the root element",
                        describe(&e)
                    )))
                }
            }
        }
    }
}

/// The bytes of a text event as a slice of the input, or `None` after copying them into the
/// scratch buffer (which a slice reader never needs).
#[inline]
fn borrowed<'a>(
    c: std::borrow::Cow<'a, [u8]>,
    scratch: &mut Vec<u8>,
    acc: &mut Acc<'a>,
) -> Option<&'a [u8]> {
    match c {
        std::borrow::Cow::Borrowed(b) => Some(b),
        std::borrow::Cow::Owned(v) => {
            match *acc {
                Acc::Empty => scratch.clear(),
                Acc::Borrowed(p) => {
                    scratch.clear();
                    scratch.extend_from_slice(p);
                }
                Acc::Scratch => {}
            }
            scratch.extend_from_slice(&v);
            *acc = Acc::Scratch;
            None
        }
    }
}

pub(crate) fn describe(e: &Event<'_>) -> String {
    match e {
        Event::Start(s) => format!("<{}>", name_of(s.name().as_ref())),
        Event::Empty(s) => format!("<{}/>", name_of(s.name().as_ref())),
        Event::End(s) => format!("</{}>", name_of(s.name().as_ref())),
        Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => "text".into(),
        Event::Comment(_) => "a comment".into(),
        Event::PI(_) => "a processing instruction".into(),
        Event::Decl(_) => "an XML declaration".into(),
        Event::DocType(_) => "a DOCTYPE".into(),
        Event::Eof => "the end of the document".into(),
    }
}

impl<'a> Source<'a> for &mut XmlReader<'a> {
    #[inline]
    fn next_tok(&mut self) -> Result<Tok<'a>, Error> {
        self.next_token()
    }
    fn scratch_str(&self) -> &str {
        as_str(&self.scratch)
    }
    fn position(&self) -> Option<u64> {
        Some(self.tok_pos)
    }
}
