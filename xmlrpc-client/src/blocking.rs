//! A blocking facade (feature `blocking`) for scripts, tests and threads without an async
//! runtime.
//!
//! The calls run on a small tokio runtime that the client owns on a background thread (named
//! `xmlrpc-blocking-client`); the calling thread only waits for the answer. That is why the
//! facade works wherever a thread may block: plain threads, `main`, and inside
//! `tokio::task::spawn_blocking`. Clones share the runtime and the connection pool and may be
//! used from several threads at once. Dropping the last clone stops the background runtime
//! without waiting, so it never panics, not even when dropped inside async code.
//!
//! Inside `async` code use the async [`crate::Client`]: a blocking call there holds a runtime
//! worker thread until the answer arrives (on a current-thread runtime, every task of that
//! runtime, including a server it runs, waits as long).
//!
//! ```no_run
//! let client = xmlrpc_client::blocking::Client::new("http://127.0.0.1:8000/RPC2")?;
//! let sum: i32 = client.call("add", (2, 3))?;
//! # let _ = sum;
//! # Ok::<(), xmlrpc_client::Error>(())
//! ```
//!
//! A service trait annotated with `#[xmlrpc_service]` also gets a typed blocking stub,
//! `<Trait>BlockingClient`, when this feature is on.

use std::{future::Future, sync::mpsc, sync::Arc, thread};

use serde::{de::DeserializeOwned, Serialize};
use tokio::{runtime::Handle as RuntimeHandle, sync::oneshot};
use xmlrpc_core::{EncodedValue, Value};

use crate::{ClientBuilder, Error, Handle, MulticallResults};

/// A blocking XML-RPC client; cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    client: crate::Client,
    driver: Arc<Driver>,
}

/// A blocking `system.multicall` batch (see [`crate::Multicall`]).
#[derive(Debug)]
pub struct Multicall {
    batch: crate::Multicall,
    driver: Arc<Driver>,
}

/// The background runtime: its handle, and the sender whose drop tells it to stop.
#[derive(Debug)]
struct Driver {
    runtime: RuntimeHandle,
    _stop: oneshot::Sender<()>,
}

impl Driver {
    /// Starts the runtime thread and waits until it is ready.
    fn start() -> Result<Driver, Error> {
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        thread::Builder::new()
            .name("xmlrpc-blocking-client".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(runtime.handle().clone()));
                // Runs the spawned calls until the last client is gone; the runtime is then
                // dropped here, on its own thread, never inside someone's async context.
                let _ = runtime.block_on(stop_rx);
            })
            .map_err(|e| Error::Config(format!("cannot start the client thread: {e}")))?;
        let runtime = ready_rx
            .recv()
            .map_err(|_| Error::Config("the client thread stopped while starting".into()))?
            .map_err(|e| Error::Config(format!("cannot start the client runtime: {e}")))?;
        Ok(Driver {
            runtime,
            _stop: stop_tx,
        })
    }

    /// Runs `future` on the background runtime and waits for its output.
    fn run<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> Result<T, Error> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.runtime.spawn(async move {
            let _ = tx.send(future.await);
        });
        // The call's own timeout bounds the wait; a closed channel means the runtime is gone.
        rx.recv()
            .unwrap_or_else(|_| Err(Error::Config("the client runtime stopped".into())))
    }
}

impl Client {
    /// A blocking client for `url` with default settings (URL forms as
    /// [`crate::Client::new`]).
    pub fn new(url: &str) -> Result<Client, Error> {
        Client::from_builder(crate::Client::builder(url))
    }

    /// A blocking client from a configured builder.
    pub fn from_builder(builder: ClientBuilder) -> Result<Client, Error> {
        let driver = Driver::start()?;
        // Transports may need the runtime while they are set up.
        let client = {
            let _entered = driver.runtime.enter();
            builder.build()?
        };
        Ok(Client {
            client,
            driver: Arc::new(driver),
        })
    }

    /// A clone with another whole-call timeout, sharing the runtime and the pool.
    pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
        Client {
            client: self.client.with_timeout(timeout),
            driver: Arc::clone(&self.driver),
        }
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.client
    }

    /// Calls `method` with `params` (a tuple or a sequence) and deserializes the result.
    pub fn call<R: DeserializeOwned + Send + 'static, P: Serialize>(
        &self,
        method: &str,
        params: P,
    ) -> Result<R, Error> {
        let body = self.client.encode_call(method, &params);
        self.run(
            self.client
                .send_call(method, body, crate::client::decode::<R>),
        )
    }

    /// Calls `method` and returns the result as a [`Value`].
    pub fn call_value<P: Serialize>(&self, method: &str, params: P) -> Result<Value, Error> {
        let body = self.client.encode_call(method, &params);
        self.run(
            self.client
                .send_call(method, body, crate::client::decode_value),
        )
    }

    /// Calls `method` with parameters already encoded.
    pub fn call_encoded<R: DeserializeOwned + Send + 'static>(
        &self,
        method: &str,
        params: &[EncodedValue],
    ) -> Result<R, Error> {
        self.run(self.client.call_encoded(method, params))
    }

    /// Starts a `system.multicall` batch.
    pub fn multicall(&self) -> Multicall {
        Multicall {
            batch: self.client.multicall(),
            driver: Arc::clone(&self.driver),
        }
    }

    /// Waits for a call future of the async client underneath (used by the typed blocking
    /// stubs `#[xmlrpc_service]` generates).
    #[doc(hidden)]
    pub fn run<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> Result<T, Error> {
        self.driver.run(future)
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
        params: &[EncodedValue],
    ) -> Result<Handle<R>, Error> {
        self.batch.add_encoded(method, params)
    }

    /// Sends the batch and waits for the answers.
    pub fn send(self) -> Result<MulticallResults, Error> {
        self.driver.run(self.batch.send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing listens on port 9 of the loopback: a quick connect error.
    const NOWHERE: &str = "http://127.0.0.1:9/RPC2";

    #[test]
    fn works_on_a_plain_thread_and_reports_transport_errors() {
        let client = Client::new(NOWHERE).unwrap();
        let err = client.call::<i32, _>("m", ()).unwrap_err();
        assert!(err.is_connect(), "{err}");
    }

    #[test]
    fn works_inside_spawn_blocking_and_drops_inside_async_code() {
        let outer = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        outer.block_on(async {
            let err = tokio::task::spawn_blocking(|| {
                let client = Client::new(NOWHERE).unwrap();
                client.call::<i32, _>("m", ()).unwrap_err()
            })
            .await
            .unwrap();
            assert!(err.is_connect(), "{err}");
            // Created and dropped in async code: no "cannot drop a runtime" panic.
            let client = Client::new(NOWHERE).unwrap();
            drop(client.clone());
            drop(client);
        });
    }
}
