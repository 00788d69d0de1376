// The error of a `Result` must convert into a `Fault` (`impl From<MyError> for Fault`).
pub struct MyError;

#[xmlrpc_macros::xmlrpc_service(server)]
pub trait Service {
    async fn try_it(&self) -> Result<i32, MyError>;
}

fn main() {}
