//! The `#[xmlrpc_service]` attribute: one Rust trait becomes a typed XML-RPC server (dispatch
//! and introspection) and a typed async client.
//!
//! See [`macro@xmlrpc_service`] for the manual.

mod attr;
mod case;
mod client;
mod errors;
mod helper;
mod lower;
mod model;
mod names;
mod options;
mod parse;
mod server;
mod traps;
mod types;

use proc_macro::TokenStream;
use quote::quote;

/// Turns a trait into a typed XML-RPC service: server dispatch with introspection, and a
/// typed async client, from one definition.
///
/// # What you write
///
/// ```
/// use xmlrpc_core::Fault;
/// use xmlrpc_macros::xmlrpc_service;
/// use xmlrpc_server::Server;
///
/// /// Arithmetic over XML-RPC.
/// #[xmlrpc_service(namespace = "calc")] // wire names "calc.add", "calc.sub", ...
/// pub trait Calculator {
///     /// Adds two integers.
///     async fn add(&self, a: i32, b: i32) -> Result<i32, Fault>;
///     /// Subtracts `b` from `a`.
///     #[xmlrpc(name = "sub", alias = "minus")]
///     async fn subtract(&self, a: i32, b: i32) -> i32;
///     /// A plain `fn` runs on the blocking pool.
///     fn version(&self) -> String;
///     /// Trailing `Option` arguments may be left out by callers.
///     async fn scale(&self, x: f64, factor: Option<f64>) -> f64;
/// }
///
/// struct MyCalc;
///
/// impl Calculator for MyCalc {
///     async fn add(&self, a: i32, b: i32) -> Result<i32, Fault> {
///         a.checked_add(b)
///             .ok_or_else(|| Fault::new(Fault::APPLICATION_ERROR, "overflow"))
///     }
///     async fn subtract(&self, a: i32, b: i32) -> i32 {
///         a - b
///     }
///     fn version(&self) -> String {
///         "1.0".into()
///     }
///     async fn scale(&self, x: f64, factor: Option<f64>) -> f64 {
///         x * factor.unwrap_or(1.0)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Server: one call turns the implementation into a service to mount.
/// let server = Server::builder().service(MyCalc.into_service()).build()?;
/// let running = server.bind("127.0.0.1:0").await?;
/// let url = format!("http://{}/RPC2", running.local_addr().unwrap());
///
/// // Client: typed calls, then a typed batch in one `system.multicall`.
/// let calc = CalculatorClient::from_url(&url)?;
/// assert_eq!(calc.add(1, 2).await?, 3);
/// assert_eq!(calc.scale(2.0, None).await?, 2.0);
/// assert_eq!(calc.add(i32::MAX, 1).await.unwrap_err().fault_code(), Some(-32500));
///
/// let mut batch = calc.batch();
/// let (sum, version) = (batch.add(40, 2)?, batch.version()?);
/// let results = batch.send().await?;
/// assert_eq!(results.get(&sum)?, 42);
/// assert_eq!(results.get(&version)?, "1.0");
///
/// running.shutdown().await;
/// # Ok(())
/// # }
/// ```
///
/// # What is generated
///
/// For `trait Calculator`:
///
/// - **The trait itself**, still the one you implement, with supertraits
///   `Send + Sync + 'static`. Each `async fn m(&self, ..) -> R` becomes
///   `fn m(&self, ..) -> impl Future<Output = R> + Send`; implementations keep writing
///   `async fn`. The `Send` in the signature is what lets the server run calls on the
///   multi-threaded runtime: an implementation whose future is not `Send` (e.g. one that holds
///   an `Rc` across an `.await`) is rejected at the `impl`, where the cause is. With the server
///   side, the trait also gets `fn into_service(self) -> CalculatorServer<Self>`.
/// - **Server side**: `CalculatorServer<T>` holding an `Arc<T>` (`new`, `from_arc`,
///   `implementation`), implementing `xmlrpc_server::Service`. A static table lists each wire
///   name (aliases included) with its help text and signature source. A call decodes the
///   positional parameters straight into the typed arguments (a wrong type or count answers
///   fault -32602 naming the parameter), then runs the method in a boxed future that owns its
///   arguments and an `Arc` of the implementation; the result is encoded, or the error turned
///   into a fault. A plain `fn` method runs on tokio's blocking pool.
/// - **Client side**: `CalculatorClient` (`new(Client)`, `from_url(&str)`, `From<Client>`,
///   `client()`, `batch()`), with one method per trait method: same arguments, returning a
///   `Send + 'static` future (spawnable) of `Result<R, xmlrpc_client::Error>` where `R` is
///   the method's value (`T` for a trait method returning `Result<T, E>`). Arguments are
///   encoded when the method is called, with the client's encoding options; trailing `None`s
///   of optional arguments are left out of the call. `CalculatorBatch` queues calls (one
///   method per trait method, each returning a typed `Handle`) and sends them as one
///   `system.multicall`; `MulticallResults::get(&handle)` hands back each typed result.
///
/// The trait's `#[doc]`, `#[deprecated]` and `#[cfg]` attributes on a method carry over to
/// the generated client and batch methods and the server's dispatch.
///
/// Cost of a call: the server decodes parameters straight from the request document into the
/// typed arguments (no intermediate value tree), then spends one `Arc` clone and one boxed
/// future, and encodes the result once. The client encodes each argument into its own small
/// buffer (so that an argument type that cannot be encoded is reported on that argument, and
/// trailing `None`s can be dropped) before writing the request.
///
/// # Options
///
/// On the trait, `#[xmlrpc_service(..)]`:
///
/// | option | meaning |
/// |---|---|
/// | `namespace = "calc"` | wire names become `calc.<name>` (names and aliases) |
/// | `rename_all = "camelCase"` | case of wire names derived from Rust names (serde's spellings) |
/// | `server`, `client` | generate only the named sides; by default a side is generated when its runtime crate (`xmlrpc-server`, `xmlrpc-client`) is a dependency, so a client-only crate needs no server and vice versa |
/// | `server_crate = "path"`, `client_crate = "path"` | where the runtime crates are, when re-exported under another path (renamed dependencies are found without this) |
/// | `crate = "path"` | the same, when only one side is generated |
///
/// On a method, `#[xmlrpc(..)]`:
///
/// | option | meaning |
/// |---|---|
/// | `name = "sub"` | the wire name (the namespace is still prefixed) |
/// | `alias = "minus"` | one more wire name; repeat for several |
/// | `help = "..."` | `system.methodHelp` text instead of the doc comment |
/// | `signature = [["int", "int", "int"]]` | `system.methodSignature` instead of the computed one |
/// | `idempotent` | running the call twice does no more than once: the generated client may retry it (see `xmlrpc_client::RetryPolicy`), and the help's call line says so |
///
/// # Methods
///
/// - Receiver `&self`; `async fn` or plain `fn`.
/// - Arguments: plain names and owned types the codec supports (numbers, `bool`, `String`,
///   `Option`, `Vec`, maps with string keys, your serde structs and enums, bytes, `DateTime`,
///   `Value`). Trailing `Option<T>` arguments may be omitted by callers: the generated client
///   omits trailing `None`s, and the signature list holds one entry per accepted count.
/// - Return `T` (any `Serialize` type) or `Result<T, E>` (a return type whose last path
///   segment is `Result` is treated as fallible, so `std::io::Result<T>` is too). The error
///   becomes the fault to answer through `From<E> for Fault` where there is one, else, for
///   any `E: std::error::Error` (`std::io::Error`, parse errors, ...), as an application
///   fault (-32500) carrying the error's message: `?` works on such errors, and their text
///   reaches the caller. For your own error enum, choose the fault codes with a `From` impl:
///
/// ```
/// use xmlrpc_core::Fault;
///
/// pub enum BankError {
///     Insufficient { missing: u64 },
///     Frozen,
/// }
///
/// impl From<BankError> for Fault {
///     fn from(e: BankError) -> Self {
///         match e {
///             BankError::Insufficient { missing } => Fault::new(1, format!("missing {missing}")),
///             BankError::Frozen => Fault::new(2, "account frozen"),
///         }
///     }
/// }
/// ```
///
/// # Types that encode, but not as expected
///
/// `Vec<u8>` and `[u8; N]` go over the wire as an array of ints, not `base64` (Python's
/// `Binary` is then refused); `std::time::SystemTime` and `Duration` as a struct of seconds
/// and nanoseconds, not `dateTime.iso8601`. Written out in a method's argument or return type,
/// they draw a compile-time warning (reported as the use of a deprecated function) naming the
/// type to use instead: `serde_bytes::ByteBuf` for base64, `xmlrpc_core::DateTime` (or chrono
/// and time types with the core crate's features) for times. Naming the type through an alias
/// (`type Ints = Vec<u8>;`) keeps the wire shape without the warning.
///
/// # Blocking clients
///
/// With the `blocking` feature of `xmlrpc-client`, the client side also has
/// `CalculatorBlockingClient` (`new(xmlrpc_client::blocking::Client)`, `from_url`, `client()`),
/// the same methods returning `Result<R, xmlrpc_client::Error>` without a future. It works on
/// any thread that may block, inside `tokio::task::spawn_blocking` included.
///
/// # Introspection
///
/// `system.methodHelp` answers the doc comment (one leading space per line removed), followed
/// by a call line that states what the standard signature cannot:
/// `Call: calc.scale(x: double, factor?: double) -> array<int>? [idempotent]`, with parameter
/// names, `factor?` for an argument callers may leave out, `?` after a type that may be nil
/// (an `Option`), what arrays hold, and `[idempotent]`. `xmlrpc-cli gen` reads it back.
/// `system.methodSignature` is computed from the types through the codec
/// (`xmlrpc_core::type_name_of`), not from their spelling, so aliases, paths and your serde
/// structs get their real names; a type that cannot be named (e.g. `Value`, or a return type
/// that only implements `Serialize`) shows `undef` at its position, and a method none of whose
/// types can be named answers the convention's plain `"undef"`. Trailing optional arguments
/// add one signature per accepted count.
///
/// # Rejected at compile time
///
/// Every problem is reported in one pass, on the offending token: generic traits or methods,
/// `where` clauses, associated types and constants, receivers other than `&self`, pattern,
/// borrowed or `impl Trait` arguments, variadic methods, duplicate wire names (after
/// namespace, renaming and aliases), names under `system.`, unknown or repeated options, and
/// Rust method names that would clash with generated ones (`into_service`, `new`,
/// `from_url`, `client`, `batch`, `send`, `clone`; keep such a wire name with
/// `#[xmlrpc(name = "..")]` on a differently named method). Argument types that cannot be
/// decoded or encoded, return types that cannot be encoded, error types without a conversion
/// into `Fault` and implementations whose futures are not `Send` are reported by the compiler,
/// on the type or the `impl`.
#[proc_macro_attribute]
pub fn xmlrpc_service(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = match syn::parse::<syn::ItemTrait>(item.clone()) {
        Ok(item) => item,
        Err(e) => {
            // One error for the one problem; the item itself stays, so code using it does not
            // add errors of its own.
            let error = syn::Error::new(e.span(), "`#[xmlrpc_service]` applies to a trait")
                .to_compile_error();
            let item = proc_macro2::TokenStream::from(item);
            return quote!(#error #item).into();
        }
    };
    match parse::service(args.into(), item) {
        Ok(service) => {
            let service_trait = lower::service_trait(&service);
            let server = service
                .server
                .as_ref()
                .map(|s| server::generate(&service, s));
            let client = service
                .client
                .as_ref()
                .map(|c| client::generate(&service, c));
            let traps = traps::warnings(&service);
            quote!(#service_trait #server #client #traps).into()
        }
        Err(fallback) => fallback.into(),
    }
}
