//! Builds a [`Value`] straight from tokens, without recursion and without serde's visitor
//! layer: elements and members collect on shared stacks and each container is allocated once,
//! at its exact size, when it closes.

use super::{Map, Value};
use crate::de::{Bin, Source, Tok, Txt};
use crate::{Error, ErrorKind};

enum Frame {
    Array { start: usize },
    Struct { start: usize },
}

struct Builder {
    frames: Vec<Frame>,
    elements: Vec<Value>,
    members: Vec<(String, Value)>,
    keys: Vec<String>,
}

impl Builder {
    /// The path of the value being read (`[3].qty`), for error messages.
    fn path(&self) -> Vec<String> {
        let mut segs = Vec::new();
        let mut keys = self.keys.iter();
        for (i, f) in self.frames.iter().enumerate() {
            match f {
                Frame::Array { start } => {
                    segs.push(format!("[{}]", self.count_elements(i, *start)));
                }
                Frame::Struct { .. } => {
                    if let Some(k) = keys.next() {
                        segs.push(k.clone());
                    }
                }
            }
        }
        segs
    }

    /// How many elements array frame `i` holds so far.
    fn count_elements(&self, i: usize, start: usize) -> usize {
        // The next array frame above `i` starts where `i`'s elements end.
        let end = self.frames[i + 1..]
            .iter()
            .find_map(|f| match f {
                Frame::Array { start } => Some(*start),
                Frame::Struct { .. } => None,
            })
            .unwrap_or(self.elements.len());
        end - start
    }

    fn annotate(&self, e: Error) -> Error {
        self.path().iter().rev().fold(e, |e, seg| e.within(seg))
    }
}

fn owned<'de, S: Source<'de>>(src: &S, t: Txt<'de>) -> String {
    match t {
        Txt::Borrowed(s) => s.to_owned(),
        Txt::Scratch => src.scratch_str().to_owned(),
        Txt::Owned(s) => s,
    }
}

/// Reads one complete value from `src`.
pub(crate) fn build<'de, S: Source<'de>>(src: &mut S) -> Result<Value, Error> {
    let mut b = Builder {
        frames: Vec::new(),
        elements: Vec::new(),
        members: Vec::new(),
        keys: Vec::new(),
    };
    loop {
        let tok = match src.next_tok() {
            Ok(t) => t,
            Err(e) => return Err(b.annotate(e)),
        };
        let v = match tok {
            Tok::Int(i) => Value::Int(i),
            Tok::I8(i) => Value::I8(i),
            Tok::Bool(v) => Value::Bool(v),
            Tok::Double(d) => Value::Double(d),
            Tok::Str(t) => Value::String(owned(src, t)),
            Tok::DateTime(d) => Value::DateTime(d),
            Tok::Base64(Bin::Owned(v)) => Value::Base64(v),
            Tok::Base64(Bin::Borrowed(v)) => Value::Base64(v.to_vec()),
            Tok::Nil => Value::Nil,
            Tok::ArrayStart => {
                b.frames.push(Frame::Array {
                    start: b.elements.len(),
                });
                continue;
            }
            Tok::StructStart => {
                b.frames.push(Frame::Struct {
                    start: b.members.len(),
                });
                continue;
            }
            Tok::Member(t) => {
                let k = owned(src, t);
                b.keys.push(k);
                continue;
            }
            Tok::End => match b.frames.pop() {
                // The outermost array takes the staging vector itself: no copy.
                Some(Frame::Array { start: 0 }) if b.frames.is_empty() => {
                    Value::Array(std::mem::take(&mut b.elements))
                }
                Some(Frame::Array { start }) => Value::Array(b.elements.drain(start..).collect()),
                Some(Frame::Struct { start }) => {
                    let mut m = Map::with_capacity(b.members.len() - start);
                    let mut dup = None;
                    for (k, v) in b.members.drain(start..) {
                        if let (i, Some(_)) = m.insert_full(k, v) {
                            dup = m.get_index(i).map(|(k, _)| k.clone());
                            break;
                        }
                    }
                    if let Some(dup) = dup {
                        // Report it inside the struct it belongs to.
                        b.frames.push(Frame::Struct { start });
                        let e =
                            Error::new(ErrorKind::Type, format!("duplicate struct member `{dup}`"))
                                .at_if_unset(src.position());
                        return Err(b.annotate(e));
                    }
                    Value::Struct(m)
                }
                None => {
                    return Err(Error::new(ErrorKind::Structure, "unbalanced container end")
                        .at_if_unset(src.position()))
                }
            },
        };
        match b.frames.last() {
            None => return Ok(v),
            Some(Frame::Array { .. }) => b.elements.push(v),
            Some(Frame::Struct { .. }) => {
                let k = b.keys.pop().unwrap_or_default();
                b.members.push((k, v));
            }
        }
    }
}
