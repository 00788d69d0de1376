//! The fast path: a recognizer of the canonical XML-RPC form real clients send, in front of the
//! general reader (`read.rs`, quick-xml).
//!
//! It knows the grammar, so at each `<` it compares the bytes against the one or two tags that
//! may come next instead of tokenizing a general name, and it produces the same tokens (with
//! the same positions) as the general reader. Its subset: a prepared (UTF-8) document, an
//! optional XML declaration at the very start, the XML-RPC elements without attributes (but
//! the `xmlns:ex` declaration on the root), whitespace between elements, and text with the five
//! predefined entities and character references.
//!
//! It never reports an error and never guesses: on anything outside the subset (comments,
//! CDATA, processing instructions, other attributes or spellings of a tag, anything malformed,
//! any limit reached, any value that does not convert) it gives up, and the caller reads the
//! whole document again with the general reader, which decides. Every document it accepts
//! reads exactly as the general reader reads it (the `read_differential` fuzz target and the
//! property tests check this).

use super::shared::{entity, kind_of, same, scalar_tok, Kind, MemberNames, EXT_NS};
use super::tape::Recordable;
use crate::de::{Source, Tok, Txt};
use crate::scalar::is_ws;
use crate::scan;
use crate::{Error, ErrorKind};

/// A step of the recognizer: `None` gives up.
type Step<T> = Option<T>;

#[derive(Debug, Clone, Copy)]
enum Frame {
    /// Inside `<data>`: next `<value>` or `</data>`.
    Array,
    /// Inside `<struct>`: next `<member>` or `</struct>`.
    Struct,
    /// After a member's name: next its `<value>`.
    Member,
    /// An empty container whose markup is consumed: its `End` token at this position remains.
    Closed(u64),
}

/// Text read up to the next `<`.
#[derive(Clone, Copy)]
enum Acc<'a> {
    Borrowed(&'a [u8]),
    /// In the scratch buffer (unescaped or with line ends normalized).
    Scratch,
}

/// Reads XML-RPC tokens from a prepared document, or gives up.
pub(crate) struct FastReader<'a> {
    doc: &'a [u8],
    pos: usize,
    base: u64,
    stack: Vec<Frame>,
    max_depth: usize,
    scratch: Vec<u8>,
    b64_tmp: Vec<u8>,
    members: MemberNames,
    /// Position of the current token (as the general reader reports it).
    tok_pos: u64,
}

/// The error the fast path's token source returns when it gives up; never shown to anyone.
fn gave_up() -> Error {
    Error::new(ErrorKind::Syntax, "")
}

impl<'a> FastReader<'a> {
    /// A reader over `doc`, whose first byte is at `base` in the original input.
    pub(crate) fn new(doc: &'a [u8], base: u64, max_depth: usize) -> Self {
        FastReader {
            doc,
            pos: 0,
            base,
            stack: Vec::new(),
            max_depth,
            scratch: Vec::new(),
            b64_tmp: Vec::new(),
            members: MemberNames::default(),
            tok_pos: base,
        }
    }

    /// Whether no value is partially read.
    pub(crate) fn at_top(&self) -> bool {
        self.stack.is_empty()
    }

    // ----- bytes -----

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(&b) = self.doc.get(self.pos) {
            if !is_ws(b) {
                break;
            }
            self.pos += 1;
        }
    }

    /// Consumes `l` if the input continues with it.
    #[inline(always)]
    fn lit<const N: usize>(&mut self, l: &[u8; N]) -> bool {
        match self.doc.get(self.pos..self.pos + N) {
            Some(s) if <&[u8; N]>::try_from(s).is_ok_and(|a| a == l) => {
                self.pos += N;
                true
            }
            _ => false,
        }
    }

    /// Whitespace, then `l`.
    #[inline(always)]
    fn ws_lit<const N: usize>(&mut self, l: &[u8; N]) -> Step<()> {
        self.ws();
        self.lit(l).then_some(())
    }

    /// Text up to the next `<` (not consumed), unescaped; borrowed from the document unless
    /// it holds a reference or a carriage return.
    #[inline]
    fn text(&mut self) -> Step<Acc<'a>> {
        let doc = self.doc;
        let start = self.pos;
        let at = scan::next_text_stop(doc, start)?;
        if doc[at] == b'<' {
            self.pos = at;
            return Some(Acc::Borrowed(&doc[start..at]));
        }
        self.text_slow(start, at)
    }

    /// Text from `start` whose first reference or carriage return is at `at`, into scratch.
    fn text_slow(&mut self, start: usize, mut at: usize) -> Step<Acc<'a>> {
        let doc = self.doc;
        self.scratch.clear();
        self.scratch.extend_from_slice(&doc[start..at]);
        loop {
            match doc[at] {
                b'<' => {
                    self.pos = at;
                    return Some(Acc::Scratch);
                }
                b'\r' => {
                    // XML end-of-line handling: CR LF and lone CR become LF.
                    self.scratch.push(b'\n');
                    at += if doc.get(at + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                }
                _ => {
                    // `&`: as quick-xml, the reference runs to the next `;`, with no `&` or
                    // `<` before it.
                    let rest = &doc[at + 1..];
                    let end = memchr::memchr3(b';', b'&', b'<', rest)?;
                    if rest[end] != b';' {
                        return None;
                    }
                    let c = entity(&rest[..end]).ok()?;
                    let mut b = [0u8; 4];
                    self.scratch
                        .extend_from_slice(c.encode_utf8(&mut b).as_bytes());
                    at += end + 2;
                }
            }
            let next = scan::next_text_stop(doc, at)?;
            self.scratch.extend_from_slice(&doc[at..next]);
            at = next;
        }
    }

    fn bytes(&self, acc: Acc<'a>) -> &[u8] {
        match acc {
            Acc::Borrowed(b) => b,
            Acc::Scratch => &self.scratch,
        }
    }

    fn txt(acc: Acc<'a>) -> Txt<'a> {
        match acc {
            Acc::Borrowed(b) => Txt::Borrowed(super::read::as_str(b)),
            Acc::Scratch => Txt::Scratch,
        }
    }

    /// Text, then the end tag `</name>`.
    #[inline]
    fn content(&mut self, name: &[u8]) -> Step<Acc<'a>> {
        let acc = self.text()?;
        let rest = &self.doc[self.pos..];
        let n = name.len();
        if rest.len() > n + 2
            && rest[0] == b'<'
            && rest[1] == b'/'
            && same(&rest[2..2 + n], name)
            && rest[2 + n] == b'>'
        {
            self.pos += n + 3;
            Some(acc)
        } else {
            None
        }
    }

    // ----- document parts -----

    /// The optional XML declaration, whitespace, and the root's start tag `<root>` (or with
    /// the declaration of the extensions namespace).
    pub(crate) fn open_root<const N: usize>(&mut self, root: &[u8; N]) -> Step<()> {
        if self.lit(b"<?xml") {
            // The general reader skips the declaration whatever it holds; the subset takes
            // the pseudo-attributes real clients write.
            if !is_ws(*self.doc.get(self.pos)?) {
                return None;
            }
            // A declaration is a few dozen bytes: a plain loop, no search set up.
            let decl = &self.doc[self.pos..];
            let end = decl.iter().position(|&b| {
                !(b.is_ascii_alphanumeric()
                    || is_ws(b)
                    || matches!(b, b'.' | b'-' | b'_' | b'=' | b'"' | b'\''))
            })?;
            if decl.get(end..end + 2) != Some(b"?>") {
                return None;
            }
            self.pos += end + 2;
        }
        self.ws();
        if !self.lit(b"<") || !self.lit(root) {
            return None;
        }
        if self.lit(b">") {
            return Some(());
        }
        // ` xmlns:ex="…"` in either quotes, then `>`.
        if !self.lit(b" xmlns:ex=") {
            return None;
        }
        let q = *self.doc.get(self.pos)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        self.pos += 1;
        let ns = self.doc.get(self.pos..self.pos + EXT_NS.len())?;
        if ns != EXT_NS {
            return None;
        }
        self.pos += EXT_NS.len();
        if *self.doc.get(self.pos)? != q {
            return None;
        }
        self.pos += 1;
        self.lit(b">").then_some(())
    }

    /// `<methodName>…</methodName>`: the name as written, if not empty and not too long.
    pub(crate) fn method_name(&mut self, max: usize) -> Step<String> {
        self.ws_lit(b"<methodName>")?;
        let acc = self.content(b"methodName")?;
        let name = super::read::as_str(self.bytes(acc));
        (!name.is_empty() && name.len() <= max).then(|| name.to_owned())
    }

    /// After the root element: whitespace to the end.
    pub(crate) fn end_of_document(&mut self) -> Step<()> {
        self.ws();
        (self.pos == self.doc.len()).then_some(())
    }

    /// Consumes `l` after whitespace; whether it was there.
    #[inline]
    pub(crate) fn next_is<const N: usize>(&mut self, l: &[u8; N]) -> bool {
        self.ws();
        self.lit(l)
    }

    // ----- values -----

    fn push(&mut self, f: Frame) -> Step<()> {
        if self.stack.len() >= self.max_depth {
            return None;
        }
        self.stack.push(f);
        Some(())
    }

    /// A value ended: inside a struct, its member ends too.
    #[inline]
    fn finish_value(&mut self) -> Step<()> {
        if let Some(top @ Frame::Member) = self.stack.last_mut() {
            *top = Frame::Struct;
            self.ws_lit(b"</member>")?;
        }
        Some(())
    }

    /// At `<value>` or `<value/>` (the token starts here).
    #[inline]
    fn value(&mut self) -> Step<Tok<'a>> {
        self.tok_pos = self.base + self.pos as u64;
        if self.lit(b"<value>") {
            return self.value_body();
        }
        if self.lit(b"<value/>") {
            self.finish_value()?;
            return Some(Tok::Str(Txt::Borrowed("")));
        }
        None
    }

    /// After `<value>`: text (an untyped string) or the type element.
    fn value_body(&mut self) -> Step<Tok<'a>> {
        // Usually the type element follows at once.
        if self
            .doc
            .get(self.pos..self.pos + 2)
            .is_none_or(|s| s[0] != b'<' || s[1] == b'/')
        {
            let acc = self.text()?;
            if self.lit(b"</value>") {
                self.finish_value()?;
                return Some(Tok::Str(Self::txt(acc)));
            }
            if !self.bytes(acc).iter().all(|&b| is_ws(b)) {
                return None;
            }
        }
        // The type element: `<name>` or `<name/>`; the common start tags by their spelling.
        let start = self.pos;
        let (kind, name, empty) = match self.common_tag() {
            Some((kind, name)) => (kind, name, false),
            None => self.type_tag()?,
        };
        let tag_pos = self.base + start as u64;
        match kind {
            Kind::Struct => {
                if empty {
                    self.push(Frame::Closed(tag_pos))?;
                    self.ws_lit(b"</value>")?;
                } else {
                    self.push(Frame::Struct)?;
                    self.members.open();
                }
                Some(Tok::StructStart)
            }
            Kind::Array => {
                if empty {
                    self.push(Frame::Closed(tag_pos))?;
                } else {
                    self.ws();
                    let at = self.base + self.pos as u64;
                    if self.lit(b"<data>") {
                        self.push(Frame::Array)?;
                        return Some(Tok::ArrayStart);
                    }
                    if self.lit(b"<data/>") {
                        self.push(Frame::Closed(at))?;
                        self.ws_lit(b"</array>")?;
                    } else if self.lit(b"</array>") {
                        self.push(Frame::Closed(at))?;
                    } else {
                        return None;
                    }
                }
                self.ws_lit(b"</value>")?;
                Some(Tok::ArrayStart)
            }
            Kind::Nil => {
                if !empty {
                    let acc = self.content(name)?;
                    if !self.bytes(acc).iter().all(|&b| is_ws(b)) {
                        return None;
                    }
                }
                self.leaf_end(tag_pos)?;
                Some(Tok::Nil)
            }
            Kind::Str => {
                let tok = if empty {
                    Tok::Str(Txt::Borrowed(""))
                } else {
                    Tok::Str(Self::txt(self.content(name)?))
                };
                self.leaf_end(tag_pos)?;
                Some(tok)
            }
            Kind::Scalar(k) => {
                let acc = if empty {
                    Acc::Borrowed(b"")
                } else {
                    self.content(name)?
                };
                let text = match acc {
                    Acc::Borrowed(b) => b,
                    Acc::Scratch => &self.scratch,
                };
                let tok = scalar_tok(k, text, &mut self.b64_tmp).ok()?;
                self.leaf_end(tag_pos)?;
                Some(tok)
            }
        }
    }

    /// A common type element's start tag, consumed: its type and name.
    #[inline(always)]
    fn common_tag(&mut self) -> Option<(Kind, &'static [u8])> {
        use super::shared::Scalar;
        let found: (Kind, &'static [u8]) = match *self.doc.get(self.pos + 1)? {
            b'i' if self.lit(b"<int>") => (Kind::Scalar(Scalar::Int), b"int"),
            b'i' if self.lit(b"<i4>") => (Kind::Scalar(Scalar::Int), b"i4"),
            b'i' if self.lit(b"<i8>") => (Kind::Scalar(Scalar::I8), b"i8"),
            b's' if self.lit(b"<string>") => (Kind::Str, b"string"),
            b's' if self.lit(b"<struct>") => (Kind::Struct, b"struct"),
            b'd' if self.lit(b"<double>") => (Kind::Scalar(Scalar::Double), b"double"),
            b'd' if self.lit(b"<dateTime.iso8601>") => {
                (Kind::Scalar(Scalar::DateTime), b"dateTime.iso8601")
            }
            b'b' if self.lit(b"<boolean>") => (Kind::Scalar(Scalar::Bool), b"boolean"),
            b'b' if self.lit(b"<base64>") => (Kind::Scalar(Scalar::Base64), b"base64"),
            b'a' if self.lit(b"<array>") => (Kind::Array, b"array"),
            _ => return None,
        };
        Some(found)
    }

    /// Any other type element's tag (`<nil/>`, `<ex:i8>`, `<string/>`, ...), consumed: its
    /// type, name and whether it is empty.
    fn type_tag(&mut self) -> Option<(Kind, &'a [u8], bool)> {
        let doc = self.doc;
        let name_start = self.pos + 1;
        let mut end = name_start;
        while end < doc.len() && end - name_start <= 16 && !matches!(doc[end], b'>' | b'/') {
            end += 1;
        }
        let name = &doc[name_start..end];
        let empty = match doc.get(end..end + 2)? {
            [b'>', _] => false,
            b"/>" => true,
            _ => return None,
        };
        let kind = kind_of(name, |_| false)?;
        self.pos = end + if empty { 2 } else { 1 };
        Some((kind, name, empty))
    }

    /// After a leaf's type element (which started at `tag_pos`): `</value>`.
    #[inline]
    fn leaf_end(&mut self, tag_pos: u64) -> Step<()> {
        self.ws_lit(b"</value>")?;
        self.finish_value()?;
        self.tok_pos = tag_pos;
        Some(())
    }

    fn step(&mut self) -> Step<Tok<'a>> {
        let Some(&frame) = self.stack.last() else {
            self.ws();
            return self.value();
        };
        match frame {
            Frame::Array => {
                self.ws();
                if let Some(t) = self.value() {
                    return Some(t);
                }
                if self.lit(b"</data>") {
                    self.ws_lit(b"</array>")?;
                    self.ws_lit(b"</value>")?;
                    self.stack.pop();
                    self.finish_value()?;
                    return Some(Tok::End);
                }
                None
            }
            Frame::Member => {
                self.ws();
                self.value()
            }
            Frame::Struct => {
                self.ws();
                self.tok_pos = self.base + self.pos as u64;
                if self.lit(b"<member>") {
                    self.ws();
                    let name = if self.lit(b"<name>") {
                        self.content(b"name")?
                    } else if self.lit(b"<name/>") {
                        Acc::Borrowed(b"")
                    } else {
                        return None;
                    };
                    let bytes = match name {
                        Acc::Borrowed(b) => b,
                        Acc::Scratch => &self.scratch,
                    };
                    if !self.members.insert(bytes) {
                        return None;
                    }
                    if let Some(top) = self.stack.last_mut() {
                        *top = Frame::Member;
                    }
                    return Some(Tok::Member(Self::txt(name)));
                }
                if self.lit(b"</struct>") {
                    self.ws_lit(b"</value>")?;
                    self.members.close();
                    self.stack.pop();
                    self.finish_value()?;
                    return Some(Tok::End);
                }
                None
            }
            Frame::Closed(at) => {
                self.tok_pos = at;
                self.stack.pop();
                self.finish_value()?;
                Some(Tok::End)
            }
        }
    }
}

impl<'a> Source<'a> for &mut FastReader<'a> {
    #[inline]
    fn next_tok(&mut self) -> Result<Tok<'a>, Error> {
        self.step().ok_or_else(gave_up)
    }
    fn scratch_str(&self) -> &str {
        super::read::as_str(&self.scratch)
    }
    fn position(&self) -> Option<u64> {
        Some(self.tok_pos)
    }
}

impl<'a> Recordable<'a> for &mut FastReader<'a> {
    fn at_top(&self) -> bool {
        self.stack.is_empty()
    }
}
