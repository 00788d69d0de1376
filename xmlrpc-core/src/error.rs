use std::fmt;

/// What went wrong, in terms a server maps onto fault codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not well-formed XML, bad encoding, DOCTYPE (-32700).
    Syntax,
    /// Well-formed XML but not an XML-RPC document (-32600).
    Structure,
    /// A value of the wrong type or out of range for the target (-32602 for params).
    Type,
    /// A decode limit was exceeded (depth, size).
    Limit,
    /// A value cannot be encoded (e.g. nil while nil is off, a map with non-string keys).
    Encode,
    /// A custom error raised by a serde implementation.
    Custom,
}

/// A codec error: its kind, a path such as `params[1].items[3].qty`, a message and,
/// when reading, the byte position in the input.
///
/// The details are boxed so results carrying an `Error` stay small on the hot path.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq)]
struct Inner {
    kind: ErrorKind,
    path: String,
    message: String,
    position: Option<u64>,
    /// A fault code more specific than the kind's (unsupported encoding, invalid character).
    code: Option<i32>,
    /// The argument name and the length of the path prefix naming the parameter.
    arg: Option<(String, usize)>,
}

impl Error {
    /// Builds an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                path: String::new(),
                message: message.into(),
                position: None,
                code: None,
                arg: None,
            }),
        }
    }
    /// A type error: `expected int, found string`.
    pub(crate) fn mismatch(expected: &str, found: &str) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("expected {expected}, found {found}"),
        )
    }
    /// A syntax error with a more specific fault code.
    pub(crate) fn with_code(mut self, code: i32) -> Self {
        self.inner.code = Some(code);
        self
    }
    /// Sets the byte position unless one is already known.
    pub(crate) fn at_if_unset(mut self, position: Option<u64>) -> Self {
        if self.inner.position.is_none() {
            self.inner.position = position;
        }
        self
    }
    /// Names the parameter (`params[1]`) and its argument name (`b`).
    pub(crate) fn for_param(self, index: usize, name: Option<&str>) -> Self {
        let seg = format!("params[{index}]");
        let root = seg.len();
        let mut e = self.within(&seg);
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            e.inner.arg = Some((n.to_string(), root));
        }
        e
    }
    /// The name of the argument the error is about, when decoding typed arguments.
    pub fn argument(&self) -> Option<&str> {
        self.inner.arg.as_ref().map(|a| a.0.as_str())
    }
    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }
    /// Where in the value the error happened (`params[1].items[3]`); empty at the root.
    pub fn path(&self) -> &str {
        &self.inner.path
    }
    /// The byte position in the input, for reading errors.
    pub fn position(&self) -> Option<u64> {
        self.inner.position
    }
    /// The message without path or position.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// Sets the byte position.
    pub fn at(mut self, position: u64) -> Self {
        self.inner.position = Some(position);
        self
    }
    /// Prefixes the path with a segment (`name` or `[3]`).
    pub fn within(mut self, segment: &str) -> Self {
        if self.inner.path.is_empty() || self.inner.path.starts_with('[') {
            self.inner.path.insert_str(0, segment);
        } else {
            self.inner.path.insert(0, '.');
            self.inner.path.insert_str(0, segment);
        }
        self
    }
    /// The interoperability fault code this error answers a request with.
    pub fn fault_code(&self) -> i32 {
        if let Some(code) = self.inner.code {
            return code;
        }
        match self.inner.kind {
            ErrorKind::Syntax | ErrorKind::Limit => crate::Fault::PARSE_ERROR,
            ErrorKind::Structure => crate::Fault::INVALID_REQUEST,
            ErrorKind::Type | ErrorKind::Custom => crate::Fault::INVALID_PARAMS,
            ErrorKind::Encode => crate::Fault::INTERNAL_ERROR,
        }
    }
    /// This error as a fault to answer a request with.
    pub fn to_fault(&self) -> crate::Fault {
        crate::Fault::new(self.fault_code(), self.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.arg {
            Some(arg) if arg.1 >= self.inner.path.len() => {
                write!(f, "{} ({}): {}", self.inner.path, arg.0, self.inner.message)?
            }
            Some(arg) => write!(
                f,
                "{}: {} (argument `{}`)",
                self.inner.path, self.inner.message, arg.0
            )?,
            None if self.inner.path.is_empty() => f.write_str(&self.inner.message)?,
            None => write!(f, "{}: {}", self.inner.path, self.inner.message)?,
        }
        if let Some(p) = self.inner.position {
            write!(f, " (at byte {p})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Custom, msg.to_string())
    }
    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::new(ErrorKind::Type, format!("expected {exp}, found {unexp}"))
    }
    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid value {unexp}, expected {exp}"),
        )
    }
    fn invalid_length(len: usize, exp: &dyn serde::de::Expected) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("invalid length {len}, expected {exp}"),
        )
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("unknown variant `{variant}`, expected one of {expected:?}"),
        )
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("unknown struct member `{field}`, expected one of {expected:?}"),
        )
    }
    fn missing_field(field: &'static str) -> Self {
        Error::new(ErrorKind::Type, format!("missing struct member `{field}`"))
    }
    fn duplicate_field(field: &'static str) -> Self {
        Error::new(
            ErrorKind::Type,
            format!("duplicate struct member `{field}`"),
        )
    }
}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Encode, msg.to_string())
    }
}
