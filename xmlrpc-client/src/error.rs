use std::{fmt, sync::Arc, time::Duration};

use xmlrpc_core::{ErrorKind, Fault};

/// A boxed lower-level cause, shared so that [`Error`] stays `Clone` (the results of a
/// multicall hand out copies of per-entry errors).
type Cause = Arc<dyn std::error::Error + Send + Sync>;

/// Everything a call can fail with.
///
/// The variants separate what a caller may act on: a [`Fault`](Error::Fault) is the server's
/// answer (the call ran and failed), [`Status`](Error::Status) an HTTP-level refusal (with
/// [`is_overload`](Error::is_overload) for 503), [`Timeout`](Error::Timeout) and
/// [`Connect`](Error::Connect) / [`Transport`](Error::Transport) say the outcome is unknown
/// or the call never arrived, [`Codec`](Error::Codec) that the call could not be encoded or the answer was not a valid
/// XML-RPC response. The client retries only calls declared idempotent: see the crate docs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a fault.
    Fault(Fault),
    /// The server answered with an HTTP status other than 200.
    Status {
        /// The HTTP status code.
        code: u16,
        /// The start of the response body (at most 512 bytes, lossily decoded), for
        /// diagnostics.
        body: String,
    },
    /// The call did not complete within the configured timeout.
    Timeout(Duration),
    /// The connection to the server could not be established.
    Connect {
        /// What was being connected to.
        target: String,
        /// The underlying cause.
        source: Cause,
    },
    /// Sending the request or receiving the response failed after connecting (reset, closed
    /// early, truncated body, bad HTTP, ...). Whether the call ran on the server is unknown.
    Transport {
        /// What went wrong.
        message: String,
        /// The underlying cause, if any.
        source: Option<Cause>,
    },
    /// The response body exceeded the configured cap (counted after gzip decoding too).
    ResponseTooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// The codec failed: either the parameters could not be encoded (kind
    /// [`ErrorKind::Encode`](xmlrpc_core::ErrorKind::Encode), e.g. `None` while nil is
    /// disallowed; nothing was sent), or the response is not a valid XML-RPC response or does
    /// not fit the requested type (any other kind). The message carries the codec's path:
    /// `[2].items[0]: expected int, found string`.
    Codec(xmlrpc_core::Error),
    /// The URL or a builder setting is not usable.
    Config(String),
}

impl Error {
    /// Whether the server answered with a fault.
    pub fn is_fault(&self) -> bool {
        matches!(self, Error::Fault(_))
    }

    /// The fault code, if the server answered with a fault.
    pub fn fault_code(&self) -> Option<i32> {
        match self {
            Error::Fault(f) => Some(f.code),
            _ => None,
        }
    }

    /// The fault string, if the server answered with a fault.
    pub fn fault_string(&self) -> Option<&str> {
        match self {
            Error::Fault(f) => Some(&f.string),
            _ => None,
        }
    }

    /// The fault, if the server answered with one.
    pub fn as_fault(&self) -> Option<&Fault> {
        match self {
            Error::Fault(f) => Some(f),
            _ => None,
        }
    }

    /// The HTTP status, if the server answered with one other than 200.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the server refused the call as overloaded (HTTP 503); the call did not run, so
    /// trying again later is safe.
    pub fn is_overload(&self) -> bool {
        self.status() == Some(503)
    }

    /// Whether the call timed out (its outcome on the server is unknown).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// Whether connecting failed (the request was never sent).
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Connect { .. })
    }

    /// Whether the response could not be decoded (malformed, or not of the requested type).
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Codec(e) if e.kind() != ErrorKind::Encode)
    }

    /// Whether the parameters could not be encoded (the call was not sent).
    pub fn is_encode(&self) -> bool {
        matches!(self, Error::Codec(e) if e.kind() == ErrorKind::Encode)
    }

    /// A transport error with a message (for [`Transport`](crate::Transport) implementations).
    pub fn transport(message: impl Into<String>) -> Self {
        Error::Transport {
            message: message.into(),
            source: None,
        }
    }

    /// A transport error with a message and its cause (for
    /// [`Transport`](crate::Transport) implementations).
    pub fn transport_from(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Transport {
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }

    pub(crate) fn connect(
        target: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Connect {
            target: target.into(),
            source: Arc::new(source),
        }
    }

    /// An HTTP status error keeping a printable prefix of the body.
    pub(crate) fn status_with_body(code: u16, body: &[u8]) -> Self {
        const KEEP: usize = 512;
        let head = &body[..body.len().min(KEEP)];
        Error::Status {
            code,
            body: String::from_utf8_lossy(head).into_owned(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Fault(fault) => write!(f, "server {fault}"),
            Error::Status { code, body } => {
                write!(f, "HTTP status {code}")?;
                if *code == 503 {
                    f.write_str(" (server overloaded)")?;
                }
                let body = body.trim();
                if !body.is_empty() {
                    let shown: String = body.chars().take(120).collect();
                    write!(f, ": {shown}")?;
                }
                Ok(())
            }
            Error::Timeout(after) => write!(f, "call timed out after {after:?}"),
            Error::Connect { target, source } => {
                write!(f, "cannot connect to {target}: ")?;
                write_chain(f, source.as_ref())
            }
            Error::Transport { message, source } => {
                f.write_str(message)?;
                match source {
                    Some(source) => {
                        f.write_str(": ")?;
                        write_chain(f, source.as_ref())
                    }
                    None => Ok(()),
                }
            }
            Error::ResponseTooLarge { limit } => {
                write!(f, "response larger than the {limit}-byte limit")
            }
            Error::Codec(e) if e.kind() == ErrorKind::Encode => {
                write!(f, "cannot encode the call: {e}")
            }
            Error::Codec(e) => write!(f, "invalid response: {e}"),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
        }
    }
}

/// Writes an error and its causes (`a: b: c`): HTTP libraries put the useful part, such as
/// "Connection refused", at the bottom of the chain.
fn write_chain(
    f: &mut fmt::Formatter<'_>,
    error: &(dyn std::error::Error + 'static),
) -> fmt::Result {
    let mut current = Some(error);
    let mut previous = String::new();
    let mut first = true;
    // Bounded: real chains are a handful of links deep.
    for _ in 0..16 {
        let Some(e) = current else { break };
        let text = e.to_string();
        // Wrappers often repeat their cause's text; print each message once.
        if !previous.contains(&text) {
            if !first {
                f.write_str(": ")?;
            }
            f.write_str(&text)?;
            first = false;
        }
        previous = text;
        current = e.source();
    }
    Ok(())
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Fault(f) => Some(f),
            Error::Connect { source, .. } => Some(source.as_ref()),
            Error::Transport {
                source: Some(source),
                ..
            } => Some(source.as_ref()),
            Error::Codec(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Fault> for Error {
    fn from(fault: Fault) -> Self {
        Error::Fault(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_classify() {
        let fault = Error::from(Fault::new(-32601, "no such method"));
        assert!(fault.is_fault());
        assert_eq!(fault.fault_code(), Some(-32601));
        assert!(fault.fault_string().is_some());
        assert_eq!(Error::status_with_body(503, b"busy").fault_string(), None);
        assert_eq!(fault.status(), None);

        let busy = Error::status_with_body(503, b"busy");
        assert!(busy.is_overload());
        assert!(!busy.is_fault());
        assert_eq!(busy.fault_code(), None);
        assert!(busy.to_string().contains("overloaded"));

        let missing = Error::status_with_body(404, &[b'x'; 2000]);
        match &missing {
            Error::Status { code, body } => {
                assert_eq!(*code, 404);
                assert_eq!(body.len(), 512);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!missing.is_overload());
    }

    #[test]
    fn decode_message_keeps_codec_path() {
        let e = xmlrpc_core::Error::new(ErrorKind::Type, "expected int, found string")
            .within("[3]")
            .within("items");
        let err = Error::Codec(e);
        assert!(err.is_decode() && !err.is_encode());
        assert_eq!(
            err.to_string(),
            "invalid response: items[3]: expected int, found string"
        );
    }

    #[test]
    fn encode_errors_are_told_apart() {
        let err = Error::Codec(xmlrpc_core::Error::new(
            ErrorKind::Encode,
            "nil is disabled",
        ));
        assert!(err.is_encode() && !err.is_decode());
        assert_eq!(err.to_string(), "cannot encode the call: nil is disabled");
    }

    #[test]
    fn causes_are_shown() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let err = Error::transport_from("the HTTP exchange failed", io);
        assert_eq!(
            err.to_string(),
            "the HTTP exchange failed: Connection refused"
        );
        let err = Error::connect(
            "unix socket /run/x.sock",
            std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory"),
        );
        assert_eq!(
            err.to_string(),
            "cannot connect to unix socket /run/x.sock: No such file or directory"
        );
    }
}
