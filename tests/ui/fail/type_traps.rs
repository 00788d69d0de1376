// Types that encode, but not as expected: `Vec<u8>` as an array of ints, `SystemTime` and
// `Duration` as structs. They warn at the type (denied here to show the warnings).
#![deny(deprecated)]

use std::time::{Duration, SystemTime};

#[xmlrpc_macros::xmlrpc_service]
pub trait Store {
    async fn put(&self, data: Vec<u8>, chunks: Option<Vec<[u8; 4]>>) -> i32;
    async fn modified(&self) -> SystemTime;
    async fn age(&self, limit: Duration) -> i32;
}

fn main() {}
