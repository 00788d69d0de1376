// The error of a `Result` must convert into a `Fault` (`impl From<MyError> for Fault`) or be
// a `std::error::Error` (answered as an application fault); this one is neither.
pub struct MyError;

#[xmlrpc_macros::xmlrpc_service(server)]
pub trait Service {
    async fn try_it(&self) -> Result<i32, MyError>;
}

fn main() {}
