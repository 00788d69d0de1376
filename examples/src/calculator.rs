//! The calculator service the examples serve and call.

use serde::{Deserialize, Serialize};
use xmlrpc_core::Fault;
use xmlrpc_macros::xmlrpc_service;

/// Errors of the calculator, each with its own fault code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalcError {
    /// Division by zero.
    DivisionByZero,
    /// A result outside the 32-bit range of `<int>`.
    Overflow,
}

impl From<CalcError> for Fault {
    fn from(e: CalcError) -> Fault {
        match e {
            CalcError::DivisionByZero => Fault::new(1, "division by zero"),
            CalcError::Overflow => Fault::new(2, "result out of the int range"),
        }
    }
}

/// Summary statistics of a list of numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// How many numbers there were.
    pub count: i32,
    /// Their sum.
    pub sum: f64,
    /// Their mean, absent for an empty list.
    pub mean: Option<f64>,
}

/// A calculator: integer arithmetic with faults, and a summary of a list.
#[xmlrpc_service(namespace = "calc")]
pub trait Calculator {
    /// Adds two integers.
    async fn add(&self, a: i32, b: i32) -> Result<i32, CalcError>;
    /// Subtracts `b` from `a`.
    #[xmlrpc(name = "sub")]
    async fn subtract(&self, a: i32, b: i32) -> Result<i32, CalcError>;
    /// Divides `a` by `b`; a zero `b` is fault 1.
    async fn divide(&self, a: i32, b: i32) -> Result<i32, CalcError>;
    /// Count, sum and mean of a list of numbers.
    async fn summarize(&self, numbers: Vec<f64>) -> Summary;
    /// The version of the service (a plain `fn`: it runs on the blocking pool).
    fn version(&self) -> String;
}

/// The calculator's implementation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Calc;

impl Calculator for Calc {
    async fn add(&self, a: i32, b: i32) -> Result<i32, CalcError> {
        a.checked_add(b).ok_or(CalcError::Overflow)
    }

    async fn subtract(&self, a: i32, b: i32) -> Result<i32, CalcError> {
        a.checked_sub(b).ok_or(CalcError::Overflow)
    }

    async fn divide(&self, a: i32, b: i32) -> Result<i32, CalcError> {
        if b == 0 {
            return Err(CalcError::DivisionByZero);
        }
        a.checked_div(b).ok_or(CalcError::Overflow)
    }

    async fn summarize(&self, numbers: Vec<f64>) -> Summary {
        let sum: f64 = numbers.iter().sum();
        let count = i32::try_from(numbers.len()).unwrap_or(i32::MAX);
        let mean = (!numbers.is_empty()).then(|| sum / numbers.len() as f64);
        Summary { count, sum, mean }
    }

    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
}
