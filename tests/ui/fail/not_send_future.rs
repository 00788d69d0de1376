// Implementations must return `Send` futures: the server runs them on a multi-threaded runtime.
use std::rc::Rc;

#[xmlrpc_macros::xmlrpc_service(server)]
pub trait Service {
    async fn work(&self) -> i32;
}

struct Local;

async fn yield_now() {}

impl Service for Local {
    async fn work(&self) -> i32 {
        let shared = Rc::new(1);
        yield_now().await;
        *shared
    }
}

fn main() {}
