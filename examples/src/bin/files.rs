//! Upload and download of binary data as `<base64>`: a file store service and its client in
//! one program. `cargo run -p examples --bin files`.

use std::{collections::BTreeMap, sync::Mutex};

use serde_bytes::ByteBuf;
use xmlrpc_core::Fault;
use xmlrpc_macros::xmlrpc_service;
use xmlrpc_server::Server;

/// A store of named binary files.
#[xmlrpc_service(namespace = "files")]
pub trait FileStore {
    /// Stores `data` under `name`; returns the number of bytes stored.
    fn upload(&self, name: String, data: ByteBuf) -> Result<i32, Fault>;
    /// The bytes stored under `name`.
    fn download(&self, name: String) -> Result<ByteBuf, Fault>;
    /// The stored names.
    fn list(&self) -> Vec<String>;
}

/// Files kept in memory.
#[derive(Default)]
struct MemoryStore {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl FileStore for MemoryStore {
    fn upload(&self, name: String, data: ByteBuf) -> Result<i32, Fault> {
        let len = i32::try_from(data.len())
            .map_err(|_| Fault::new(Fault::INVALID_PARAMS, "file too large"))?;
        self.files.lock().unwrap().insert(name, data.into_vec());
        Ok(len)
    }

    fn download(&self, name: String) -> Result<ByteBuf, Fault> {
        let files = self.files.lock().unwrap();
        let data = files
            .get(&name)
            .ok_or_else(|| Fault::new(Fault::APPLICATION_ERROR, format!("no file {name:?}")))?;
        Ok(ByteBuf::from(data.clone()))
    }

    fn list(&self) -> Vec<String> {
        self.files.lock().unwrap().keys().cloned().collect()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder()
        .max_request_size(8 << 20)
        .service(MemoryStore::default().into_service())
        .build()?;
    let running = server.bind("127.0.0.1:0").await?;
    let url = format!(
        "http://{}/RPC2",
        running.local_addr().expect("a TCP address")
    );
    let files = FileStoreClient::from_url(&url)?;

    // A megabyte of every byte value, so nothing survives by accident.
    let data: Vec<u8> = (0..1 << 20).map(|i: u32| (i * 7 % 256) as u8).collect();
    let stored = files
        .upload("blob.bin".into(), ByteBuf::from(data.clone()))
        .await?;
    println!("uploaded blob.bin: {stored} bytes");
    let back = files.download("blob.bin".into()).await?;
    println!(
        "downloaded blob.bin: {} bytes, identical: {}",
        back.len(),
        back.as_slice() == data
    );
    println!("list() = {:?}", files.list().await?);
    match files.download("missing.bin".into()).await {
        Ok(_) => println!("missing.bin exists?!"),
        Err(e) => println!("download(missing.bin) failed as it should: {e}"),
    }
    running.shutdown().await;
    Ok(())
}
