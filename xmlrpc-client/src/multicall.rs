use std::marker::PhantomData;

use serde::{de::DeserializeOwned, Serialize};
use xmlrpc_core::EncodedValue;

use crate::Error;

/// Collects calls and sends them as one `system.multicall`.
#[derive(Debug)]
pub struct Multicall {}

/// Retrieves the typed result of one call of a [`Multicall`].
#[derive(Debug)]
pub struct Handle<R> {
    #[allow(dead_code)]
    index: usize,
    _result: PhantomData<fn() -> R>,
}

/// The answers of a sent [`Multicall`], in call order.
#[derive(Debug)]
pub struct MulticallResults {}

impl Multicall {
    /// Adds a call; the handle retrieves its typed result.
    pub fn add<R: DeserializeOwned, P: Serialize>(
        &mut self,
        method: &str,
        params: P,
    ) -> Result<Handle<R>, Error> {
        let _ = (method, params);
        todo!()
    }
    /// Adds a call with parameters already encoded.
    pub fn add_encoded<R: DeserializeOwned>(
        &mut self,
        method: &str,
        params: Vec<EncodedValue>,
    ) -> Handle<R> {
        let _ = (method, params);
        todo!()
    }
    /// Sends the batch.
    pub async fn send(self) -> Result<MulticallResults, Error> {
        todo!()
    }
}

impl MulticallResults {
    /// The typed result of the call behind `handle`.
    pub fn get<R: DeserializeOwned>(&self, handle: &Handle<R>) -> Result<R, Error> {
        let _ = handle;
        todo!()
    }
}
