//! A blocking facade (feature `blocking`) for scripts and tests without an async runtime.
//!
//! Each [`Client`] owns a small current-thread tokio runtime and drives the async client on
//! it; clones share the runtime and the connection pool, and may be used from several
//! threads at once. Do not use it from inside an
//! async runtime: it answers [`Error::Config`] there instead of blocking a worker thread.
//!
//! ```no_run
//! let client = xmlrpc_client::blocking::Client::new("http://127.0.0.1:8000/RPC2")?;
//! let sum: i32 = client.call("add", (2, 3))?;
//! # let _ = sum;
//! # Ok::<(), xmlrpc_client::Error>(())
//! ```

use std::{future::Future, sync::Arc};

use serde::{de::DeserializeOwned, Serialize};
use tokio::runtime::Runtime;
use xmlrpc_core::{EncodedValue, Value};

use crate::{ClientBuilder, Error, Handle, MulticallResults};

/// A blocking XML-RPC client; cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    client: crate::Client,
    runtime: Arc<Runtime>,
}

/// A blocking `system.multicall` batch (see [`crate::Multicall`]).
#[derive(Debug)]
pub struct Multicall {
    batch: crate::Multicall,
    runtime: Arc<Runtime>,
}

impl Client {
    /// A blocking client for `url` with default settings (URL forms as
    /// [`crate::Client::new`]).
    pub fn new(url: &str) -> Result<Client, Error> {
        Client::from_builder(crate::Client::builder(url))
    }

    /// A blocking client from a configured builder.
    pub fn from_builder(builder: ClientBuilder) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the client runtime: {e}")))?;
        // Transports may need the runtime while they are set up.
        let client = {
            let _entered = runtime.enter();
            builder.build()?
        };
        Ok(Client {
            client,
            runtime: Arc::new(runtime),
        })
    }

    /// A clone with another whole-call timeout, sharing the runtime and the pool.
    pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
        Client {
            client: self.client.with_timeout(timeout),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.client
    }

    /// Calls `method` with `params` (a tuple or a sequence) and deserializes the result.
    pub fn call<R: DeserializeOwned, P: Serialize>(
        &self,
        method: &str,
        params: P,
    ) -> Result<R, Error> {
        block_on(&self.runtime, self.client.call(method, params))
    }

    /// Calls `method` and returns the result as a [`Value`].
    pub fn call_value<P: Serialize>(&self, method: &str, params: P) -> Result<Value, Error> {
        block_on(&self.runtime, self.client.call_value(method, params))
    }

    /// Calls `method` with parameters already encoded.
    pub fn call_encoded<R: DeserializeOwned>(
        &self,
        method: &str,
        params: &[EncodedValue],
    ) -> Result<R, Error> {
        block_on(&self.runtime, self.client.call_encoded(method, params))
    }

    /// Starts a `system.multicall` batch.
    pub fn multicall(&self) -> Multicall {
        Multicall {
            batch: self.client.multicall(),
            runtime: Arc::clone(&self.runtime),
        }
    }
}

impl Multicall {
    /// Adds a call; the handle retrieves its typed result from the [`MulticallResults`].
    pub fn add<R: DeserializeOwned, P: Serialize>(
        &mut self,
        method: &str,
        params: P,
    ) -> Result<Handle<R>, Error> {
        self.batch.add(method, params)
    }

    /// Adds a call with parameters already encoded.
    pub fn add_encoded<R: DeserializeOwned>(
        &mut self,
        method: &str,
        params: Vec<EncodedValue>,
    ) -> Handle<R> {
        self.batch.add_encoded(method, params)
    }

    /// Sends the batch and waits for the answers.
    pub fn send(self) -> Result<MulticallResults, Error> {
        block_on(&self.runtime, self.batch.send())
    }
}

/// Runs `future` to completion, refusing (rather than panicking) inside a runtime.
fn block_on<T>(
    runtime: &Runtime,
    future: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Config(
            "the blocking client was called from inside an async runtime; use the async Client"
                .into(),
        ));
    }
    runtime.block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_inside_a_runtime() {
        let client = Client::new("http://127.0.0.1:9/RPC2").unwrap();
        let outer = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let err = outer
            .block_on(async { client.call::<i32, _>("m", ()) })
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
    }
}
