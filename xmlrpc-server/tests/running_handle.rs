//! What dropping a `RunningServer` does: nothing to the server (it is a handle, like tokio's
//! `JoinHandle`); a `ShutdownGuard` is what stops a server when dropped.

mod common;

use std::{net::SocketAddr, time::Duration};

use common::*;
use tokio::net::TcpStream;
use xmlrpc_core::Value;
use xmlrpc_server::Server;

/// A helper that binds a server and returns only its address, dropping the handle.
async fn serve_and_return_the_address() -> SocketAddr {
    let server = methods(Server::builder()).build().unwrap();
    let running = server.bind("127.0.0.1:0").await.unwrap();
    running.local_addr().unwrap()
}

#[tokio::test]
async fn a_dropped_running_server_keeps_serving() {
    let addr = serve_and_return_the_address().await;
    // Give a wrongly stopping server the time to stop.
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..3 {
        assert_eq!(call(addr, "add", &(2, 3)).await, Ok(Value::Int(5)));
    }
}

#[tokio::test]
async fn let_underscore_serves() {
    let server = methods(Server::builder()).build().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let _ = server.serve_listener(listener).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(call(addr, "add", &(2, 3)).await, Ok(Value::Int(5)));
}

#[tokio::test]
async fn a_dropped_handle_leaves_a_stop_through_another_handle_working() {
    let (running, addr) = start(Server::builder()).await;
    let handle = running.handle();
    drop(running);
    assert_eq!(call(addr, "add", &(1, 1)).await, Ok(Value::Int(2)));
    handle.shutdown();
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        refused,
        "the server stopped after the shutdown through the handle"
    );
}

#[tokio::test]
async fn dropping_a_shutdown_guard_stops_the_server() {
    let (running, addr) = start(Server::builder()).await;
    let guard = running.shutdown_on_drop();
    assert_eq!(guard.local_addr(), Some(addr));
    assert_eq!(call(addr, "add", &(1, 2)).await, Ok(Value::Int(3)));
    let handle = guard.handle();
    drop(guard);
    assert!(handle.is_shutting_down());
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the server stopped after the guard was dropped");
}

#[tokio::test]
async fn a_disarmed_guard_gives_the_server_back() {
    let (running, addr) = start(Server::builder()).await;
    let running = running.shutdown_on_drop().disarm();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(call(addr, "add", &(2, 2)).await, Ok(Value::Int(4)));
    tokio::time::timeout(WAIT, running.shutdown())
        .await
        .unwrap();
}
