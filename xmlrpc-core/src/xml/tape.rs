//! The tokens of a call's parameters, recorded while the document is validated, so that
//! decoding them into typed arguments replays tokens instead of parsing the XML again.
//!
//! Text that is a verbatim slice of the document is kept as its offsets; only text that was
//! unescaped or had its line ends normalized is copied (into one arena string), and base64
//! is kept decoded. A token costs 24 bytes, so a parameter's tape is at most a few times the
//! size of its XML.

use crate::de::{Bin, Source, Tok, Txt};
use crate::xml::read::{as_str, XmlReader};

/// A token source that can say when a value is complete (both readers).
pub(crate) trait Recordable<'a>: Source<'a> {
    /// Whether no value is partially read.
    fn at_top(&self) -> bool;
}

impl<'a> Recordable<'a> for &mut XmlReader<'a> {
    fn at_top(&self) -> bool {
        XmlReader::at_top(self)
    }
}
use crate::{DateTime, Error, ErrorKind};

/// Recorded tokens of every parameter of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tape {
    recs: Vec<Rec>,
    /// Text that is not a verbatim slice of the document.
    arena: String,
    /// Decoded base64 values.
    blobs: Vec<Vec<u8>>,
    /// Index in `recs` where each parameter starts; it ends where the next one starts.
    starts: Vec<u32>,
}

/// One token and its byte position (relative to the document's base).
#[derive(Debug, Clone, Copy)]
struct Rec {
    tok: RecTok,
    pos: u32,
}

#[derive(Debug, Clone, Copy)]
enum RecTok {
    Int(i32),
    I8(i64),
    Bool(bool),
    Double(f64),
    Str(Text),
    DateTime(DateTime),
    Base64(u32),
    Nil,
    ArrayStart,
    StructStart,
    Member(Text),
    End,
}

/// A range of the document or of the arena.
#[derive(Debug, Clone, Copy)]
enum Text {
    Doc(u32, u32),
    Arena(u32, u32),
}

fn too_large() -> Error {
    Error::new(ErrorKind::Limit, "document larger than 4 GiB")
}

fn small(n: usize) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| too_large())
}

impl Tape {
    /// A tape for a document of `doc_len` bytes. A typical token takes 20 to 30 bytes of XML
    /// (`<value><int>7</int></value>`), so this reserves about the document's size and
    /// rarely grows.
    pub(crate) fn for_document(doc_len: usize) -> Self {
        Tape {
            recs: Vec::with_capacity(doc_len / 24),
            ..Tape::default()
        }
    }

    /// How many parameters are recorded.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Reads one complete value from `src` (positioned before a parameter's `<value>`) and
    /// records it as the next parameter. `doc` is the document `src` reads and `base` its
    /// offset in the original input.
    pub(crate) fn record_param<'a, S: Recordable<'a>>(
        &mut self,
        mut src: S,
        doc: &'a [u8],
        base: u64,
    ) -> Result<(), Error> {
        self.starts.push(small(self.recs.len())?);
        loop {
            let tok = src.next_tok()?;
            let pos = small((src.position().unwrap_or(base) - base) as usize)?;
            let tok = match tok {
                Tok::Int(v) => RecTok::Int(v),
                Tok::I8(v) => RecTok::I8(v),
                Tok::Bool(v) => RecTok::Bool(v),
                Tok::Double(v) => RecTok::Double(v),
                Tok::Str(t) => RecTok::Str(self.text(t, src.scratch_str(), doc)?),
                Tok::DateTime(v) => RecTok::DateTime(v),
                Tok::Base64(b) => {
                    let bytes = match b {
                        Bin::Owned(v) => v,
                        Bin::Borrowed(v) => v.to_vec(),
                    };
                    self.blobs.push(bytes);
                    RecTok::Base64(small(self.blobs.len() - 1)?)
                }
                Tok::Nil => RecTok::Nil,
                Tok::ArrayStart => RecTok::ArrayStart,
                Tok::StructStart => RecTok::StructStart,
                Tok::Member(t) => RecTok::Member(self.text(t, src.scratch_str(), doc)?),
                Tok::End => RecTok::End,
            };
            self.recs.push(Rec { tok, pos });
            if src.at_top() {
                return Ok(());
            }
        }
    }

    fn text(&mut self, t: Txt<'_>, scratch: &str, doc: &[u8]) -> Result<Text, Error> {
        let copy = |arena: &mut String, s: &str| -> Result<Text, Error> {
            let start = small(arena.len())?;
            arena.push_str(s);
            Ok(Text::Arena(start, small(arena.len())?))
        };
        match t {
            Txt::Borrowed(s) => {
                let start = (s.as_ptr() as usize).wrapping_sub(doc.as_ptr() as usize);
                if start <= doc.len() && s.len() <= doc.len() - start {
                    Ok(Text::Doc(small(start)?, small(start + s.len())?))
                } else {
                    // Not a slice of the document (a literal such as ""): copy it.
                    copy(&mut self.arena, s)
                }
            }
            Txt::Scratch => copy(&mut self.arena, scratch),
            Txt::Owned(s) => copy(&mut self.arena, &s),
        }
    }

    /// A token source over parameter `index` of a document `doc` at offset `base`.
    pub(crate) fn param<'p>(&'p self, index: usize, doc: &'p [u8], base: u64) -> Replay<'p> {
        let start = self.starts[index] as usize;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.recs.len(), |&s| s as usize);
        Replay {
            tape: self,
            doc,
            base,
            recs: &self.recs[start..end],
            pos: base + self.recs.get(start).map_or(0, |r| r.pos as u64),
        }
    }
}

/// Replays one parameter's tokens.
pub(crate) struct Replay<'p> {
    tape: &'p Tape,
    doc: &'p [u8],
    base: u64,
    recs: &'p [Rec],
    pos: u64,
}

impl<'p> Replay<'p> {
    fn text(&self, t: Text) -> &'p str {
        match t {
            Text::Doc(s, e) => as_str(&self.doc[s as usize..e as usize]),
            Text::Arena(s, e) => &self.tape.arena[s as usize..e as usize],
        }
    }

    /// The position where the parameter starts.
    pub(crate) fn start(&self) -> u64 {
        self.pos
    }
}

impl<'p> Source<'p> for Replay<'p> {
    #[inline]
    fn next_tok(&mut self) -> Result<Tok<'p>, Error> {
        let Some((rec, rest)) = self.recs.split_first() else {
            return Err(Error::new(ErrorKind::Structure, "end of the parameter").at(self.pos));
        };
        self.recs = rest;
        self.pos = self.base + rec.pos as u64;
        Ok(match rec.tok {
            RecTok::Int(v) => Tok::Int(v),
            RecTok::I8(v) => Tok::I8(v),
            RecTok::Bool(v) => Tok::Bool(v),
            RecTok::Double(v) => Tok::Double(v),
            RecTok::Str(t) => Tok::Str(Txt::Borrowed(self.text(t))),
            RecTok::DateTime(v) => Tok::DateTime(v),
            RecTok::Base64(i) => Tok::Base64(Bin::Borrowed(&self.tape.blobs[i as usize])),
            RecTok::Nil => Tok::Nil,
            RecTok::ArrayStart => Tok::ArrayStart,
            RecTok::StructStart => Tok::StructStart,
            RecTok::Member(t) => Tok::Member(Txt::Borrowed(self.text(t))),
            RecTok::End => Tok::End,
        })
    }
    fn scratch_str(&self) -> &str {
        ""
    }
    fn position(&self) -> Option<u64> {
        Some(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::Rec;
    use crate::{read_call, Limits, Value};

    #[test]
    fn a_token_takes_24_bytes() {
        // The sizing of `Tape::for_document` and the module's memory bound rely on it.
        assert_eq!(std::mem::size_of::<Rec>(), 24);
    }

    const DOC: &str = "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>\
        <param><value><struct><member><name>a&amp;b</name><value>x\r\ny</value></member>\
        <member><name>bin</name><value><base64>aGk=</base64></value></member></struct></value></param>\
        <param><value><array><data><value><int>1</int></value><value/>\
        <value><string>plain</string></value></data></array></value></param>\
        </params></methodCall>";

    #[test]
    fn replays_unescaped_text_base64_and_empty_values() {
        let call = read_call(DOC.as_bytes(), &Limits::default()).unwrap();
        let values = call.params.to_values().unwrap();
        let Value::Struct(s) = &values[0] else {
            panic!("{values:?}")
        };
        assert_eq!(s.get("a&b"), Some(&Value::String("x\ny".into())));
        assert_eq!(s.get("bin"), Some(&Value::Base64(b"hi".to_vec())));
        let (first, list): (Value, (i32, String, String)) = call.params.decode().unwrap();
        assert_eq!(first, values[0]);
        assert_eq!(list, (1, String::new(), "plain".into()));
    }

    #[test]
    fn typed_errors_point_into_the_document() {
        let call = read_call(DOC.as_bytes(), &Limits::default()).unwrap();
        let e = call.params.decode::<(Value, Vec<i32>)>().unwrap_err();
        let at = e.position().unwrap() as usize;
        assert!(DOC[at..].starts_with("<value/>"), "{e} at {at}");
        assert!(e.to_string().contains("params[1]"), "{e}");
    }
}
