//! The methods of the interop server: the UserLand validator1 suite and the `interop.*`
//! methods the conformance suite calls (see `INTEROP.md`).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use xmlrpc_core::{from_value, DateTime, Fault, Map, Value};
use xmlrpc_macros::xmlrpc_service;

/// The three stooges every validator1 struct carries; other members are ignored.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Stooges {
    /// Moe.
    pub moe: i32,
    /// Larry.
    pub larry: i32,
    /// Curly.
    pub curly: i32,
}

impl Stooges {
    fn sum(&self) -> Result<i32, Fault> {
        self.moe
            .checked_add(self.larry)
            .and_then(|s| s.checked_add(self.curly))
            .ok_or_else(|| out_of_range("moe + larry + curly"))
    }
}

/// How often each XML special character occurs in a string.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityCounts {
    /// `<`
    pub ct_left_angle_brackets: i32,
    /// `>`
    pub ct_right_angle_brackets: i32,
    /// `&`
    pub ct_ampersands: i32,
    /// `'`
    pub ct_apostrophes: i32,
    /// `"`
    pub ct_quotes: i32,
}

/// Ten, a hundred and a thousand times a number.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Multiples {
    /// n * 10
    pub times10: i32,
    /// n * 100
    pub times100: i32,
    /// n * 1000
    pub times1000: i32,
}

fn out_of_range(what: &str) -> Fault {
    Fault::new(
        Fault::APPLICATION_ERROR,
        format!("{what} is outside the int range"),
    )
}

fn invalid(message: impl Into<String>) -> Fault {
    Fault::new(Fault::INVALID_PARAMS, message)
}

/// The UserLand validator1 suite.
#[xmlrpc_service(namespace = "validator1", rename_all = "camelCase")]
pub trait Validator1 {
    /// Takes an array of structs with int members moe, larry and curly; returns the sum of
    /// all curly members.
    async fn array_of_structs_test(&self, structs: Vec<Stooges>) -> Result<i32, Fault>;
    /// Counts the `<`, `>`, `&`, `'` and `"` characters of a string.
    async fn count_the_entities(&self, text: String) -> EntityCounts;
    /// Takes a struct with int members moe, larry and curly; returns their sum.
    async fn easy_struct_test(&self, stooges: Stooges) -> Result<i32, Fault>;
    /// Returns the struct it was given.
    async fn echo_struct_test(&self, value: Map) -> Map;
    /// Takes an int, a boolean, a string, a double, a dateTime and a base64; returns the six
    /// in an array.
    #[allow(clippy::type_complexity)]
    async fn many_types_test(
        &self,
        number: i32,
        boolean: bool,
        string: String,
        double: f64,
        date: DateTime,
        bytes: ByteBuf,
    ) -> (i32, bool, String, f64, DateTime, ByteBuf);
    /// Takes an array of strings; returns the first and the last concatenated.
    async fn moderate_size_array_check(&self, strings: Vec<String>) -> Result<String, Fault>;
    /// Takes a calendar struct (years, months, days); returns moe + larry + curly of the
    /// day 2000-04-01.
    async fn nested_struct_test(&self, calendar: Map) -> Result<i32, Fault>;
    /// Takes an int n; returns the struct {times10, times100, times1000}.
    async fn simple_struct_return_test(&self, n: i32) -> Result<Multiples, Fault>;
}

/// The interop methods of the conformance suite.
#[xmlrpc_service(namespace = "interop", rename_all = "camelCase")]
pub trait Interop {
    /// Returns its argument, with its type kept.
    async fn echo(&self, value: Value) -> Value;
    /// Adds two ints; a sum outside the int range is a fault.
    async fn add(&self, a: i32, b: i32) -> Result<i32, Fault>;
    /// Sleeps `ms` milliseconds (0 to 60000) and returns `ms`.
    async fn sleep(&self, ms: i32) -> Result<i32, Fault>;
    /// Answers with the fault (code, message).
    async fn fault(&self, code: i32, message: String) -> Result<i32, Fault>;
    /// Returns the bytes it was given, as base64.
    async fn echo_binary(&self, bytes: ByteBuf) -> ByteBuf;
    /// Returns nil.
    async fn nil(&self);
    /// Returns the 64-bit integer it was given, as i8.
    #[xmlrpc(name = "echoI8")]
    async fn echo_i8(&self, value: i64) -> i64;
}

/// The implementation of both interop services.
#[derive(Debug, Clone, Copy, Default)]
pub struct InteropImpl;

impl Validator1 for InteropImpl {
    async fn array_of_structs_test(&self, structs: Vec<Stooges>) -> Result<i32, Fault> {
        structs
            .iter()
            .try_fold(0i32, |acc, s| acc.checked_add(s.curly))
            .ok_or_else(|| out_of_range("the sum of curly"))
    }

    async fn count_the_entities(&self, text: String) -> EntityCounts {
        let count = |c: char| text.chars().filter(|&x| x == c).count() as i32;
        EntityCounts {
            ct_left_angle_brackets: count('<'),
            ct_right_angle_brackets: count('>'),
            ct_ampersands: count('&'),
            ct_apostrophes: count('\''),
            ct_quotes: count('"'),
        }
    }

    async fn easy_struct_test(&self, stooges: Stooges) -> Result<i32, Fault> {
        stooges.sum()
    }

    async fn echo_struct_test(&self, value: Map) -> Map {
        value
    }

    async fn many_types_test(
        &self,
        number: i32,
        boolean: bool,
        string: String,
        double: f64,
        date: DateTime,
        bytes: ByteBuf,
    ) -> (i32, bool, String, f64, DateTime, ByteBuf) {
        (number, boolean, string, double, date, bytes)
    }

    async fn moderate_size_array_check(&self, strings: Vec<String>) -> Result<String, Fault> {
        match (strings.first(), strings.last()) {
            (Some(first), Some(last)) => Ok(format!("{first}{last}")),
            _ => Err(invalid("the array is empty")),
        }
    }

    async fn nested_struct_test(&self, calendar: Map) -> Result<i32, Fault> {
        let day = calendar
            .get("2000")
            .and_then(|y| y.get("04"))
            .and_then(|m| m.get("01"))
            .ok_or_else(|| invalid("the calendar has no day 2000-04-01"))?;
        let stooges: Stooges =
            from_value(day.clone()).map_err(|e| invalid(format!("calendar[2000][04][01]: {e}")))?;
        stooges.sum()
    }

    async fn simple_struct_return_test(&self, n: i32) -> Result<Multiples, Fault> {
        let times = |k: i32| n.checked_mul(k).ok_or_else(|| out_of_range("the product"));
        Ok(Multiples {
            times10: times(10)?,
            times100: times(100)?,
            times1000: times(1000)?,
        })
    }
}

impl Interop for InteropImpl {
    async fn echo(&self, value: Value) -> Value {
        value
    }

    async fn add(&self, a: i32, b: i32) -> Result<i32, Fault> {
        a.checked_add(b).ok_or_else(|| out_of_range("the sum"))
    }

    async fn sleep(&self, ms: i32) -> Result<i32, Fault> {
        let wait = u64::try_from(ms)
            .ok()
            .filter(|&ms| ms <= 60_000)
            .ok_or_else(|| invalid(format!("ms must be between 0 and 60000, not {ms}")))?;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        Ok(ms)
    }

    async fn fault(&self, code: i32, message: String) -> Result<i32, Fault> {
        Err(Fault::new(code, message))
    }

    async fn echo_binary(&self, bytes: ByteBuf) -> ByteBuf {
        bytes
    }

    async fn nil(&self) {}

    async fn echo_i8(&self, value: i64) -> i64 {
        value
    }
}

/// The interop server: both services on a server configured by `options`.
pub fn server(
    options: &crate::options::ServerOptions,
) -> Result<xmlrpc_server::Server, xmlrpc_server::BuildError> {
    options
        .apply(xmlrpc_server::Server::builder())
        .service(Validator1::into_service(InteropImpl))
        .service(Interop::into_service(InteropImpl))
        .build()
}
