//! An async XML-RPC client (being built).

mod client;
mod error;
mod multicall;

pub use client::Client;
pub use error::Error;
pub use multicall::{Handle, Multicall, MulticallResults};

#[doc(hidden)]
pub mod __private;
