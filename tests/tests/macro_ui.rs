//! Compile-time behaviour of `#[xmlrpc_service]`: `ui/pass` cases build (and run), every
//! `ui/fail` case fails with the reviewed `.stderr` snapshot beside it.
//!
//! The snapshots follow the stable rustc of this machine. After a rustc upgrade, regenerate
//! them with `TRYBUILD=overwrite cargo test -p tests --test macro_ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
