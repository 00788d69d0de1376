//! Hardening tests: hostile documents, slow clients, overload, shutdown under load,
//! authentication, TLS and a reverse-proxy deployment, all over real loopback sockets.
//!
//! Memory is measured on a server running in a child process (this test binary started
//! again in server mode, see [`common::ChildServer`]), by its peak resident set size.

mod auth;
mod common;
mod contain;
mod fault_codes;
mod flood;
mod hostile;
mod nginx;
mod shutdown;
mod slow;
mod soak;
mod tls;
