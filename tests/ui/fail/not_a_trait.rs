// The attribute applies to traits only.
#[xmlrpc_macros::xmlrpc_service]
pub struct Calculator;

fn main() {}
