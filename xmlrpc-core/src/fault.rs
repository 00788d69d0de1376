use std::fmt;

/// An XML-RPC fault: the `{faultCode, faultString}` answer of a failed call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fault {
    /// The `faultCode` member.
    pub code: i32,
    /// The `faultString` member.
    pub string: String,
}

impl Fault {
    /// -32700: the request was not well-formed XML.
    pub const PARSE_ERROR: i32 = -32700;
    /// -32701: unsupported encoding.
    pub const UNSUPPORTED_ENCODING: i32 = -32701;
    /// -32702: invalid character for encoding.
    pub const INVALID_CHARACTER: i32 = -32702;
    /// -32600: well-formed XML, but not a valid XML-RPC request.
    pub const INVALID_REQUEST: i32 = -32600;
    /// -32601: the requested method does not exist.
    pub const METHOD_NOT_FOUND: i32 = -32601;
    /// -32602: wrong number or types of parameters.
    pub const INVALID_PARAMS: i32 = -32602;
    /// -32603: an internal error of the server.
    pub const INTERNAL_ERROR: i32 = -32603;
    /// -32500: an error of the application.
    pub const APPLICATION_ERROR: i32 = -32500;
    /// -32400: a system error.
    pub const SYSTEM_ERROR: i32 = -32400;
    /// -32300: a transport error.
    pub const TRANSPORT_ERROR: i32 = -32300;

    /// Builds a fault from a code and a message.
    pub fn new(code: i32, string: impl Into<String>) -> Self {
        Fault {
            code,
            string: string.into(),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fault {}: {}", self.code, self.string)
    }
}

impl std::error::Error for Fault {}
