//! Why a command failed, the message a person can act on, and the exit status.

use std::process::ExitCode;

use xmlrpc_client::Error;
use xmlrpc_core::Fault;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The server answered with a fault: exit status 1.
    Fault(Fault),
    /// Some of a multicall's entries were faults (already printed in order): exit status 1.
    SomeFaulted {
        /// How many entries failed.
        failed: usize,
        /// How many entries there were.
        total: usize,
    },
    /// The command line or an input file is wrong: exit status 2.
    Usage(String),
    /// The call did not produce an answer (connection, HTTP, timeout, decoding): exit
    /// status 2.
    Client(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::Fault(fault) => Failure::Fault(fault),
            other => Failure::Client(other),
        }
    }
}

impl Failure {
    /// The exit status: 1 for faults, 2 for everything else.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Fault(_) | Failure::SomeFaulted { .. } => ExitCode::from(1),
            Failure::Usage(_) | Failure::Client(_) => ExitCode::from(2),
        }
    }

    /// The message for standard error, with a hint where one helps.
    pub fn message(&self) -> String {
        match self {
            Failure::Fault(fault) => format!("fault {}: {}", fault.code, fault.string),
            Failure::SomeFaulted { failed, total } => {
                format!("{failed} of {total} calls answered with a fault")
            }
            Failure::Usage(message) => format!("error: {message}"),
            Failure::Client(error) => match hint(error) {
                Some(hint) => format!("error: {error}\nhint: {hint}"),
                None => format!("error: {error}"),
            },
        }
    }
}

/// What to try next for a client error.
fn hint(error: &Error) -> Option<&'static str> {
    Some(match error {
        Error::Connect { .. } => "is the server running, and is the address in the URL right?",
        Error::Timeout(_) => {
            "the server is slow or stuck; raise --timeout (the call may still have run)"
        }
        Error::Status {
            code: 401 | 403, ..
        } => "the server wants credentials: --user NAME --password PASS, or http://user:pass@host/",
        Error::Status { code: 404, .. } => {
            "wrong path in the URL? XML-RPC servers often listen on /RPC2 or /"
        }
        Error::Status {
            code: 405 | 501, ..
        } => "is this URL an XML-RPC endpoint? It refuses POST",
        Error::Status { code: 503, .. } => "the server is overloaded; try again later",
        Error::Codec(_) => {
            "the server's answer is not a valid XML-RPC response; --verbose shows it"
        }
        Error::ResponseTooLarge { .. } => "the answer is larger than the client accepts",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_exit_1_and_the_rest_2() {
        let fault = Failure::from(Error::Fault(Fault::new(4, "Too many parameters.")));
        assert_eq!(fault.exit_code(), ExitCode::from(1));
        assert_eq!(fault.message(), "fault 4: Too many parameters.");
        let some = Failure::SomeFaulted {
            failed: 1,
            total: 3,
        };
        assert_eq!(some.exit_code(), ExitCode::from(1));
        assert_eq!(some.message(), "1 of 3 calls answered with a fault");
        let usage = Failure::Usage("bad".into());
        assert_eq!(usage.exit_code(), ExitCode::from(2));
        assert_eq!(usage.message(), "error: bad");
    }

    #[test]
    fn client_errors_carry_hints() {
        let timeout = Failure::from(Error::Timeout(std::time::Duration::from_secs(1)));
        assert_eq!(timeout.exit_code(), ExitCode::from(2));
        assert!(
            timeout.message().contains("--timeout"),
            "{}",
            timeout.message()
        );
        let config = Failure::from(Error::Config("unsupported URL scheme \"ftp\"".into()));
        assert!(
            config.message().starts_with("error: "),
            "{}",
            config.message()
        );
        assert!(!config.message().contains("hint"));
    }
}
