use serde::{de::DeserializeOwned, Serialize};
use xmlrpc_core::EncodedValue;

use crate::{Error, Multicall};

/// An async XML-RPC client; cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {}

impl Client {
    /// A client for `url` with default settings.
    pub fn new(url: &str) -> Result<Client, Error> {
        todo!("{url}")
    }
    /// Calls `method` with `params` (a tuple or a sequence, one element a parameter).
    pub async fn call<R: DeserializeOwned, P: Serialize>(
        &self,
        method: &str,
        params: P,
    ) -> Result<R, Error> {
        let _ = (method, params);
        todo!()
    }
    /// Calls `method` with parameters already encoded.
    pub async fn call_encoded<R: DeserializeOwned>(
        &self,
        method: &str,
        params: &[EncodedValue],
    ) -> Result<R, Error> {
        let _ = (method, params);
        todo!()
    }
    /// Starts a `system.multicall` batch.
    pub fn multicall(&self) -> Multicall {
        todo!()
    }
}
