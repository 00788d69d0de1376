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
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    kind: ErrorKind,
    path: String,
    message: String,
    position: Option<u64>,
}

impl Error {
    /// Builds an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            path: String::new(),
            message: message.into(),
            position: None,
        }
    }
    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// Where in the value the error happened (`params[1].items[3]`); empty at the root.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The byte position in the input, for reading errors.
    pub fn position(&self) -> Option<u64> {
        self.position
    }
    /// The message without path or position.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Sets the byte position.
    pub fn at(mut self, position: u64) -> Self {
        self.position = Some(position);
        self
    }
    /// Prefixes the path with a segment (`name` or `[3]`).
    pub fn within(mut self, segment: &str) -> Self {
        if self.path.is_empty() || self.path.starts_with('[') {
            self.path.insert_str(0, segment);
        } else {
            self.path.insert(0, '.');
            self.path.insert_str(0, segment);
        }
        self
    }
    /// The interoperability fault code this error answers a request with.
    pub fn fault_code(&self) -> i32 {
        match self.kind {
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
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let Some(p) = self.position {
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
}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Encode, msg.to_string())
    }
}
