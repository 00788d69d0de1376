//! Interop tests: independent XML-RPC implementations (Python, Ruby, Perl, xmlrpc-c) call the
//! interop server, and our client calls Python and Perl servers.
//!
//! A peer that is missing is skipped with a loud message, except with `CI=true`, where a
//! missing peer fails the test: CI never passes by skipping. `bash .ci/install-peers`
//! installs them all.

mod client_side;
mod peers;
mod server_side;
