// Variadic arguments have no place in a typed signature.
#[xmlrpc_macros::xmlrpc_service]
pub trait Printf {
    fn printf(&self, format: String, args: ...) -> i32;
}

fn main() {}
