//! Cross-crate tests: end-to-end and interop tests live in `tests/tests/` and
//! `tests/interop/`, compile-fail cases in `tests/ui/`.
//!
//! The README's code blocks are compiled and run as doctests of this crate.

#[doc = include_str!("../../README.md")]
pub struct Readme;
