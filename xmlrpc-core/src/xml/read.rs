//! The event-driven reader: quick-xml events in, XML-RPC tokens out. Nesting is tracked on an
//! explicit stack (never recursion), text is borrowed from the input unless entities or
//! carriage returns force a copy into a reused scratch buffer, scalars are parsed from bytes.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::de::{Bin, Source, Tok, Txt};
use crate::scalar;
use crate::{Error, ErrorKind};

/// The namespace of the Apache XML-RPC extensions (`ex:i8`, `ex:nil`).
pub(crate) const EXT_NS: &[u8] = b"http://ws.apache.org/xmlrpc/namespaces/extensions";

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    I8,
    Bool,
    Str,
    Double,
    DateTime,
    Base64,
    Struct,
    Array,
    Nil,
}

/// Whether an element name is the literal `lit` (inlined fixed-size compare, no memcmp call).
#[inline(always)]
fn is<const N: usize>(name: &[u8], lit: &[u8; N]) -> bool {
    <&[u8; N]>::try_from(name).is_ok_and(|a| a == lit)
}

/// Whether two short names are equal (a byte loop: names are a few bytes long).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
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

fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

fn name_of(e: &[u8]) -> String {
    let s = String::from_utf8_lossy(e);
    s.chars().take(64).collect()
}

/// Reads XML-RPC tokens from a prepared document.
pub(crate) struct XmlReader<'a> {
    rd: Reader<&'a [u8]>,
    base: u64,
    stack: Vec<Frame>,
    max_depth: usize,
    scratch: Vec<u8>,
    /// Scratch for base64 text with whitespace removed.
    b64_tmp: Vec<u8>,
    /// Prefixes bound to the extensions namespace (besides the literal `ex`).
    ext_prefixes: Vec<Box<[u8]>>,
    /// Member names of the open structs, concatenated, with one span per member and one
    /// mark (index into `member_spans`) per open struct: duplicates are refused as they come.
    member_names: Vec<u8>,
    member_spans: Vec<(usize, usize)>,
    member_marks: Vec<usize>,
    /// Hash sets of the member names of open structs past `LINEAR_MEMBERS` members, by mark
    /// depth (a linear scan stays cheaper below that).
    member_sets: Vec<(usize, std::collections::HashSet<Box<[u8]>>)>,
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
            base,
            stack: Vec::new(),
            max_depth,
            scratch: Vec::new(),
            b64_tmp: Vec::new(),
            ext_prefixes: Vec::new(),
            member_names: Vec::new(),
            member_spans: Vec::new(),
            member_marks: Vec::new(),
            member_sets: Vec::new(),
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
        self.ev_pos = self.base + self.rd.buffer_position();
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
        const LINEAR_MEMBERS: usize = 16;
        let bytes: &[u8] = match name {
            Txt::Borrowed(s) => s.as_bytes(),
            Txt::Scratch => &self.scratch,
            Txt::Owned(s) => s.as_bytes(),
        };
        let mark = self.member_marks.last().copied().unwrap_or(0);
        let depth = self.member_marks.len();
        let siblings = &self.member_spans[mark..];
        let dup = if siblings.len() < LINEAR_MEMBERS {
            let names = &self.member_names;
            siblings.iter().any(|&(s, l)| same(&names[s..s + l], bytes))
        } else {
            if self.member_sets.last().is_none_or(|(d, _)| *d != depth) {
                let names = &self.member_names;
                let set = siblings
                    .iter()
                    .map(|&(s, l)| Box::<[u8]>::from(&names[s..s + l]))
                    .collect();
                self.member_sets.push((depth, set));
            }
            match self.member_sets.last_mut() {
                Some((_, set)) => !set.insert(bytes.into()),
                None => false,
            }
        };
        if dup {
            return Err(Error::new(
                ErrorKind::Type,
                format!(
                    "duplicate struct member `{}`",
                    String::from_utf8_lossy(bytes)
                        .chars()
                        .take(64)
                        .collect::<String>()
                ),
            )
            .at(self.tok_pos));
        }
        let start = self.member_names.len();
        self.member_names.extend_from_slice(bytes);
        self.member_spans.push((start, bytes.len()));
        Ok(())
    }

    /// The innermost struct ended: forget its member names.
    fn close_members(&mut self) {
        let depth = self.member_marks.len();
        if self.member_sets.last().is_some_and(|(d, _)| *d == depth) {
            self.member_sets.pop();
        }
        if let Some(mark) = self.member_marks.pop() {
            let names_start = self
                .member_spans
                .get(mark)
                .map_or(self.member_names.len(), |s| s.0);
            self.member_spans.truncate(mark);
            self.member_names.truncate(names_start);
        }
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
        let c = match r {
            b"lt" => '<',
            b"gt" => '>',
            b"amp" => '&',
            b"apos" => '\'',
            b"quot" => '"',
            [b'#', b'x', hex @ ..] => self.char_ref(hex, 16)?,
            [b'#', dec @ ..] => self.char_ref(dec, 10)?,
            _ => {
                return Err(self.syntax(format!(
                    "unknown entity `&{};` (only the five predefined entities and character references are allowed)",
                    name_of(r)
                )))
            }
        };
        self.spill(acc);
        let mut b = [0u8; 4];
        self.scratch
            .extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        Ok(())
    }

    fn char_ref(&self, digits: &[u8], radix: u32) -> Result<char, Error> {
        let bad = || {
            self.syntax(format!(
                "invalid character reference `&#{};`",
                name_of(digits)
            ))
        };
        if digits.is_empty() || digits.len() > 8 {
            return Err(bad());
        }
        let mut v: u32 = 0;
        for &d in digits {
            let x = (d as char).to_digit(radix).ok_or_else(bad)?;
            v = v * radix + x;
        }
        if !is_xml_char(v) {
            return Err(self.syntax(format!(
                "character reference to U+{v:04X}, which is not allowed in XML"
            )));
        }
        char::from_u32(v).ok_or_else(bad)
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
        let known = match name.len() {
            2 if is(name, b"i4") => Some(Kind::Int),
            2 if is(name, b"i8") => Some(Kind::I8),
            3 if is(name, b"int") => Some(Kind::Int),
            3 if is(name, b"nil") => Some(Kind::Nil),
            5 if is(name, b"array") => Some(Kind::Array),
            6 if is(name, b"string") => Some(Kind::Str),
            6 if is(name, b"double") => Some(Kind::Double),
            6 if is(name, b"struct") => Some(Kind::Struct),
            6 if is(name, b"base64") => Some(Kind::Base64),
            7 if is(name, b"boolean") => Some(Kind::Bool),
            16 if is(name, b"dateTime.iso8601") => Some(Kind::DateTime),
            _ => None,
        };
        Ok(match known {
            Some(k) => k,
            _ => {
                let local = name.iter().position(|&b| b == b':').and_then(|c| {
                    let prefix = &name[..c];
                    (prefix == b"ex" || self.ext_prefixes.iter().any(|p| &**p == prefix))
                        .then(|| &name[c + 1..])
                });
                match local {
                    Some(b"i8") => Kind::I8,
                    Some(b"nil") => Kind::Nil,
                    Some(b"i1" | b"i2") => Kind::Int,
                    Some(b"float") => Kind::Double,
                    _ => {
                        return Err(
                            self.structure(format!("unknown value type <{}>", name_of(name)))
                        )
                    }
                }
            }
        })
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
                    return Err(
                        self.structure(format!("unexpected {} inside <value>", describe(&e)))
                    )
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
                    self.member_marks.push(self.member_spans.len());
                }
                return Ok(Tok::StructStart);
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
                        return Err(self.structure(format!(
                            "expected <data> inside <array>, found {}",
                            describe(&e)
                        )))
                    }
                }
                return Ok(Tok::ArrayStart);
            }
            Kind::Nil => {
                if !empty {
                    let acc = self.content(name)?;
                    self.only_ws(&acc)?;
                }
                self.expect_end("value")?;
                self.complete();
                self.tok_pos = start;
                return Ok(Tok::Nil);
            }
            _ => {}
        }
        let acc = if empty {
            Acc::Empty
        } else {
            self.content(name)?
        };
        let tok = self
            .scalar(k, acc)
            .map_err(|e| e.at_if_unset(Some(start)))?;
        self.expect_end("value")?;
        self.complete();
        self.tok_pos = start;
        Ok(tok)
    }

    fn scalar(&mut self, k: Kind, acc: Acc<'a>) -> Result<Tok<'a>, Error> {
        let text = self.acc_bytes(&acc);
        Ok(match k {
            Kind::Str => Tok::Str(self.acc_txt(acc)),
            Kind::Int => {
                Tok::Int(
                    scalar::parse_integer(text, "int", i32::MIN.into(), i32::MAX.into())? as i32,
                )
            }
            Kind::I8 => Tok::I8(scalar::parse_integer(text, "i8", i64::MIN, i64::MAX)?),
            Kind::Bool => Tok::Bool(scalar::parse_bool(text)?),
            Kind::Double => Tok::Double(scalar::parse_double(text)?),
            Kind::DateTime => {
                let t = scalar::trim(text);
                match crate::datetime::parse_bytes(t) {
                    Some(Ok(dt)) => Tok::DateTime(dt),
                    Some(Err(e)) => return Err(e),
                    None => {
                        return Err(Error::new(
                            ErrorKind::Type,
                            format!("invalid dateTime.iso8601 `{}`", name_of(t)),
                        ))
                    }
                }
            }
            Kind::Base64 => {
                let mut tmp = std::mem::take(&mut self.b64_tmp);
                let mut out = Vec::new();
                let r = crate::b64::decode(self.acc_bytes(&acc), &mut out, &mut tmp);
                self.b64_tmp = tmp;
                r?;
                Tok::Base64(Bin::Owned(out))
            }
            Kind::Struct | Kind::Array | Kind::Nil => unreachable_tok(),
        })
    }

    /// The value starting with event `e` (`<value>` or `<value/>`) at the top level.
    fn top_value(&mut self, e: Event<'a>) -> Result<Tok<'a>, Error> {
        match e {
            Event::Start(v) if is(v.name().as_ref(), b"value") => self.value_body(),
            Event::Empty(v) if is(v.name().as_ref(), b"value") => Ok(Tok::Str(Txt::Borrowed(""))),
            Event::Eof => Err(self.syntax("unexpected end of document, expected <value>")),
            e => Err(self.structure(format!("expected <value>, found {}", describe(&e)))),
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
                            return Err(self.structure(format!(
                                "expected <value> or </data>, found {}",
                                describe(&e)
                            )))
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
                                    return Err(self.structure(format!(
                                        "expected <name> inside <member>, found {}",
                                        describe(&e)
                                    )))
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
                            self.close_members();
                            self.stack.pop();
                            self.complete();
                            return Ok(Tok::End);
                        }
                        Event::Eof => {
                            return Err(self.syntax("unexpected end of document inside <struct>"))
                        }
                        e => {
                            return Err(self.structure(format!(
                                "expected <member> or </struct>, found {}",
                                describe(&e)
                            )))
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
                            return Err(self.structure(format!(
                                "expected <value> inside <member>, found {}",
                                describe(&e)
                            )))
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

fn unreachable_tok<'a>() -> Tok<'a> {
    Tok::Nil
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
