//! The blocking facade, against the Python peer.
#![cfg(feature = "blocking")]

mod common;

use xmlrpc_client::blocking::Client;

use common::{python_available, start_peer};

#[test]
fn blocking_calls_and_multicall() {
    if !python_available("blocking_calls_and_multicall") {
        return;
    }
    let peer = start_peer("http_server.py", &[], false);
    let client = Client::new(&format!("http://127.0.0.1:{}/RPC2", peer.at)).unwrap();
    assert_eq!(client.call::<i32, _>("add", (3, 4)).unwrap(), 7);
    let err = client.call::<i32, _>("fail", (11, "eleven")).unwrap_err();
    assert_eq!(err.fault_code(), Some(11));

    let mut batch = client.multicall();
    let a = batch.add::<i32, _>("add", (1, 2)).unwrap();
    let b = batch.add::<i32, _>("fail", (12, "twelve")).unwrap();
    let results = batch.send().unwrap();
    assert_eq!(results.get(&a).unwrap(), 3);
    assert_eq!(results.get(&b).unwrap_err().fault_code(), Some(12));

    // Clones on several threads share the runtime and the pool.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let client = client.with_timeout(std::time::Duration::from_secs(20));
            std::thread::spawn(move || {
                for i in 0..5 {
                    assert_eq!(client.call::<i32, _>("add", (t, i)).unwrap(), t + i);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }

    let unix = start_peer("http_server.py", &[], true);
    let over_unix = Client::new(&format!("unix://{}", unix.at)).unwrap();
    assert_eq!(over_unix.call::<i32, _>("add", (5, 5)).unwrap(), 10);
}
