/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a fault.
    Fault(xmlrpc_core::Fault),
    /// The server answered with an HTTP status other than 200.
    Status(u16),
    /// The call did not complete within the timeout.
    Timeout,
    /// Connecting or talking to the server failed.
    Transport(String),
    /// The request could not be encoded or the response decoded.
    Codec(xmlrpc_core::Error),
}
