//! `xmlrpc-cli gen`: Rust source of a `#[xmlrpc_service]` trait from introspection data.
//!
//! Each method's first published signature gives the argument and result types (`Value`
//! where the type name says nothing more, `Map` for structs); its help text becomes the doc
//! comment. A method without a signature cannot be declared, because its arity is unknown:
//! it is listed in a comment inside the trait for the user to write by hand.

use std::collections::HashSet;
use std::fmt::Write as _;

use xmlrpc_core::MethodInfo;

/// What to generate.
pub struct GenOptions<'a> {
    /// The trait's name.
    pub trait_name: &'a str,
    /// Only methods under `namespace.` are generated, named without it.
    pub namespace: Option<&'a str>,
    /// Where the data came from (a URL without credentials), for the header comment.
    pub source: &'a str,
}

/// The generated source and the wire names of the methods left for the user to declare.
pub struct Generated {
    /// The Rust source.
    pub code: String,
    /// Methods without a signature, written as comments only.
    pub undeclared: Vec<String>,
}

/// Rust's strict and reserved keywords, which cannot name a method or an argument.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// The names a generated file may import, which the trait cannot take.
const IMPORTED: &[&str] = &[
    "ByteBuf",
    "DateTime",
    "Fault",
    "Map",
    "Value",
    "xmlrpc_service",
];

/// Checks that `name` can name the generated trait.
pub fn check_trait_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name)
        && name != "_";
    if !valid {
        return Err(format!(
            "--trait {name:?} is not a Rust identifier; use a name like Calculator"
        ));
    }
    if IMPORTED.contains(&name) {
        return Err(format!(
            "--trait {name:?} would clash with the type {name} the generated file imports"
        ));
    }
    Ok(())
}

/// Generates the trait for the methods in `methods` that belong to the namespace.
pub fn generate(methods: &[MethodInfo], options: &GenOptions) -> Result<Generated, String> {
    // `--namespace demo.` means `demo` too.
    let namespace = options.namespace.map(|ns| ns.trim_end_matches('.'));
    let prefix = namespace.map(|ns| format!("{ns}."));
    let selected: Vec<(&MethodInfo, &str)> = methods
        .iter()
        // system.* is answered by every server the macro builds, never declared.
        .filter(|m| !m.name.starts_with("system."))
        .filter_map(|m| match &prefix {
            Some(prefix) => m
                .name
                .strip_prefix(prefix.as_str())
                .filter(|rest| !rest.is_empty())
                .map(|rest| (m, rest)),
            None => Some((m, m.name.as_str())),
        })
        .collect();
    if selected.is_empty() {
        let place = match namespace {
            Some(ns) => format!("in the namespace {ns:?}"),
            None => "besides system.*".to_string(),
        };
        let names: Vec<&str> = methods.iter().map(|m| m.name.as_str()).collect();
        return Err(format!(
            "the server lists no methods {place}; it lists: {}",
            names.join(", ")
        ));
    }

    let mut body = String::new();
    let mut used = Types::default();
    let mut taken = HashSet::new();
    let mut undeclared = Vec::new();
    for (info, wire) in selected {
        let ident = unique_ident(&rust_ident(wire), &mut taken);
        if !macro_accepts(wire) {
            write_unnameable(&mut body, info, wire);
            undeclared.push(info.name.clone());
            continue;
        }
        // A method of unknown types still has a known arity when its help has a call line.
        let from_call_line = CallLine::parse(&info.name, &info.help, 0).map(|call| {
            let base = |ty: &str| ty.split(['<', '?']).next().unwrap_or("undef").to_string();
            std::iter::once(base(&call.ret))
                .chain(call.params.iter().map(|p| base(&p.ty)))
                .collect::<Vec<_>>()
        });
        match info
            .signatures
            .as_deref()
            .and_then(<[_]>::first)
            .or(from_call_line.as_ref())
        {
            Some(signature) if !signature.is_empty() => {
                write_method(&mut body, info, wire, &ident, signature, &mut used)
            }
            _ => {
                write_undeclared(&mut body, info, &ident);
                undeclared.push(info.name.clone());
            }
        }
    }

    let mut code = String::new();
    let _ = writeln!(
        code,
        "// The XML-RPC interface of {}, generated by `xmlrpc-cli gen`",
        options.source
    );
    code.push_str(
        "// from its system.listMethods, system.methodSignature and system.methodHelp answers.\n",
    );
    if used.bytes {
        code.push_str("// Its base64 values need the serde_bytes crate.\n");
    }
    code.push('\n');
    code.push_str(&used.imports());
    code.push_str("use xmlrpc_macros::xmlrpc_service;\n\n");
    match namespace {
        Some(ns) => {
            let _ = writeln!(code, "#[xmlrpc_service(namespace = {})]", literal(ns));
        }
        None => code.push_str("#[xmlrpc_service]\n"),
    }
    let _ = writeln!(code, "pub trait {} {{", options.trait_name);
    code.push_str(body.trim_end_matches('\n'));
    code.push_str("\n}\n");
    Ok(Generated { code, undeclared })
}

/// The types a generated file refers to, so it imports exactly those.
#[derive(Default)]
struct Types {
    value: bool,
    map: bool,
    date: bool,
    bytes: bool,
}

impl Types {
    fn imports(&self) -> String {
        let mut core = vec!["Fault"];
        if self.date {
            core.insert(0, "DateTime");
        }
        if self.map {
            core.push("Map");
        }
        if self.value {
            core.push("Value");
        }
        let mut out = String::new();
        if self.bytes {
            out.push_str("use serde_bytes::ByteBuf;\n");
        }
        match core.as_slice() {
            [only] => {
                let _ = writeln!(out, "use xmlrpc_core::{only};");
            }
            all => {
                let _ = writeln!(out, "use xmlrpc_core::{{{}}};", all.join(", "));
            }
        }
        out
    }

    /// The Rust type of a described type (`array<int>`, `struct?`); `optional` wraps it in
    /// `Option` too (a parameter the caller may leave out).
    fn described_type(&mut self, text: &str, optional: bool) -> String {
        let (inner, nullable) = match text.strip_suffix('?') {
            Some(inner) => (inner, true),
            None => (text, false),
        };
        let ty = match inner
            .strip_prefix("array<")
            .and_then(|t| t.strip_suffix('>'))
        {
            Some(items) => format!("Vec<{}>", self.described_type(items, false)),
            None => self.rust_type(inner, false).to_string(),
        };
        if (nullable || optional) && ty != "Value" {
            format!("Option<{ty}>")
        } else {
            ty
        }
    }

    /// The Rust type of a described result (nil is `()`).
    fn described_result(&mut self, text: &str) -> String {
        match text {
            "nil" => "()".to_string(),
            text => self.described_type(text, false),
        }
    }

    /// The Rust type of an XML-RPC type name; `result` says whether it is the return type
    /// (where nil is `()`).
    fn rust_type(&mut self, name: &str, result: bool) -> &'static str {
        match name.strip_prefix("ex:").unwrap_or(name) {
            "int" | "i4" => "i32",
            "i8" => "i64",
            "boolean" => "bool",
            "string" => "String",
            "double" => "f64",
            "nil" if result => "()",
            "dateTime.iso8601" => {
                self.date = true;
                "DateTime"
            }
            "base64" => {
                self.bytes = true;
                "ByteBuf"
            }
            "struct" => {
                self.map = true;
                "Map"
            }
            "array" => {
                self.value = true;
                "Vec<Value>"
            }
            // "undef", "any", "mixed", a nil argument, or a name this tool does not know.
            _ => {
                self.value = true;
                "Value"
            }
        }
    }
}

fn write_method(
    out: &mut String,
    info: &MethodInfo,
    wire: &str,
    ident: &str,
    signature: &[String],
    used: &mut Types,
) {
    let call = CallLine::parse(&info.name, &info.help, signature.len() - 1);
    let help = match &call {
        Some(_) => without_call_line(&info.help),
        None => &info.help,
    };
    write_docs(out, help);
    if !help.trim().is_empty() {
        out.push_str("    ///\n");
    }
    let _ = writeln!(
        out,
        "    /// Signature: `{}`",
        signature_text(&info.name, signature)
    );
    if let Some(others) = info.signatures.as_ref().filter(|s| s.len() > 1) {
        for other in &others[1..] {
            let _ = writeln!(
                out,
                "    /// (the server also accepts `{}`)",
                signature_text(&info.name, other)
            );
        }
    }
    let idempotent = call.as_ref().is_some_and(|c| c.idempotent);
    match (ident != wire, idempotent) {
        (true, true) => {
            let _ = writeln!(out, "    #[xmlrpc(name = {}, idempotent)]", literal(wire));
        }
        (true, false) => {
            let _ = writeln!(out, "    #[xmlrpc(name = {})]", literal(wire));
        }
        (false, true) => out.push_str("    #[xmlrpc(idempotent)]\n"),
        (false, false) => {}
    }
    let (result, args) = match &call {
        Some(call) => {
            let mut taken = HashSet::new();
            let args: Vec<String> = call
                .params
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let name = unique_ident(&arg_ident(&p.name, i), &mut taken);
                    let ty = used.described_type(&p.ty, p.optional);
                    format!(", {name}: {ty}")
                })
                .collect();
            (used.described_result(&call.ret), args)
        }
        None => {
            let nil_too = info.signatures.iter().flatten().any(|other| {
                other.len() == signature.len()
                    && other[1..] == signature[1..]
                    && other[0] == "nil"
                    && signature[0] != "nil"
            });
            let result = used.rust_type(&signature[0], true).to_string();
            let result = if nil_too {
                format!("Option<{result}>")
            } else {
                result
            };
            let args = signature[1..]
                .iter()
                .enumerate()
                .map(|(i, ty)| format!(", arg{}: {}", i + 1, used.rust_type(ty, false)))
                .collect();
            (result, args)
        }
    };
    let _ = writeln!(
        out,
        "    async fn {ident}(&self{}) -> Result<{result}, Fault>;\n",
        args.concat()
    );
}

/// The `Call: name(a: int, b?: array<string>) -> struct? [idempotent]` line a service built
/// with `#[xmlrpc_service]` ends its help with: parameter names, optional parameters (`?`
/// after the name), values that may be nil (`?` after the type), array element types and
/// idempotency.
#[derive(Debug, PartialEq)]
struct CallLine {
    params: Vec<CallParam>,
    ret: String,
    idempotent: bool,
}

#[derive(Debug, PartialEq)]
struct CallParam {
    name: String,
    ty: String,
    optional: bool,
}

impl CallLine {
    /// The call line of `name`'s help, if its last line is one with at least `min_params`
    /// parameters (so it agrees with the signature).
    fn parse(name: &str, help: &str, min_params: usize) -> Option<CallLine> {
        let line = help.lines().last()?.trim();
        let rest = line.strip_prefix("Call: ")?.strip_prefix(name)?;
        let rest = rest.strip_prefix('(')?;
        let (rest, idempotent) = match rest.strip_suffix(" [idempotent]") {
            Some(rest) => (rest, true),
            None => (rest, false),
        };
        let (params, ret) = rest.rsplit_once(") -> ")?;
        let params = match params {
            "" => Vec::new(),
            list => list
                .split(", ")
                .map(|p| {
                    let (name, ty) = p.split_once(": ")?;
                    let (name, optional) = match name.strip_suffix('?') {
                        Some(name) => (name, true),
                        None => (name, false),
                    };
                    Some(CallParam {
                        name: name.to_string(),
                        ty: ty.to_string(),
                        optional,
                    })
                })
                .collect::<Option<Vec<_>>>()?,
        };
        (params.len() >= min_params).then(|| CallLine {
            params,
            ret: ret.to_string(),
            idempotent,
        })
    }
}

/// The help without its trailing call line.
fn without_call_line(help: &str) -> &str {
    match help.trim_end().rsplit_once('\n') {
        Some((before, _)) => before.trim_end(),
        None => "",
    }
}

/// The Rust name of a parameter the server named: snake_case, `arg<n>` when unusable.
fn arg_ident(name: &str, index: usize) -> String {
    let ident = rust_ident(name);
    if ident.starts_with("m_") || ident == "self_" {
        format!("arg{}", index + 1)
    } else {
        ident
    }
}

/// Whether `#[xmlrpc_service]` accepts `wire` as a method name: XML-RPC's letters, digits,
/// `_`, `.`, `:` and `/`.
fn macro_accepts(wire: &str) -> bool {
    !wire.is_empty()
        && wire
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/'))
}

fn write_unnameable(out: &mut String, info: &MethodInfo, wire: &str) {
    let _ = writeln!(
        out,
        "    // `{}` is not an XML-RPC method name the trait can declare ({wire:?} holds \
         characters\n    // outside letters, digits, `_`, `.`, `:` and `/`); call it with \
         `client().call(..)`.\n",
        clean(&info.name)
    );
}

fn write_undeclared(out: &mut String, info: &MethodInfo, ident: &str) {
    let _ = writeln!(
        out,
        "    // `{}` publishes no signature, so its arguments are unknown; declare it by hand,",
        info.name
    );
    let _ = writeln!(
        out,
        "    // e.g. `async fn {ident}(&self, arg1: Value) -> Result<Value, Fault>;`"
    );
    for line in info.help.lines().filter(|l| !l.trim().is_empty()) {
        let _ = writeln!(out, "    //   {}", clean(line));
    }
    out.push('\n');
}

fn write_docs(out: &mut String, help: &str) {
    let raw: Vec<String> = help.trim_matches('\n').lines().map(clean).collect();
    let indent = raw
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = raw.iter().map(|l| l.get(indent..).unwrap_or("")).collect();
    // Markdown turns indented or fenced text into code blocks, which rustdoc compiles as
    // doctests of the user's crate: such help is kept verbatim in a text block instead.
    let verbatim = lines
        .iter()
        .any(|l| l.starts_with("    ") || l.contains("```") || l.contains("~~~"));
    if verbatim {
        out.push_str("    /// ~~~text\n");
    }
    for line in lines {
        if line.is_empty() {
            out.push_str("    ///\n");
        } else if verbatim {
            let _ = writeln!(out, "    /// {}", line.replace("~~~", "~~\u{200b}~"));
        } else {
            let _ = writeln!(out, "    /// {line}");
        }
    }
    if verbatim {
        out.push_str("    /// ~~~\n");
    }
}

/// A help line without control characters or trailing space, safe in a comment.
fn clean(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// `name(int, int) -> int`.
pub fn signature_text(name: &str, signature: &[String]) -> String {
    match signature.split_first() {
        Some((result, args)) => format!("{name}({}) -> {result}", args.join(", ")),
        None => format!("{name}(?)"),
    }
}

/// The snake_case Rust name of a wire name: `echoI8` -> `echo_i8`, `getURL` -> `get_url`,
/// `sub.method-name` -> `sub_method_name`; keywords and names the macro generates itself
/// (`new`, `send`, ...) get a trailing `_`.
fn rust_ident(wire: &str) -> String {
    let chars: Vec<char> = wire.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower);
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "m_");
    }
    // The names the macro generates itself (`new`, `send`, `clone`, ...), from its own list.
    let generated = xmlrpc_core::__reserved::METHOD_NAMES
        .iter()
        .any(|(name, _, _)| *name == out);
    if KEYWORDS.contains(&out.as_str()) || generated {
        out.push('_');
    }
    out
}

/// `ident`, or `ident_2`, `ident_3`... when an earlier method took it.
fn unique_ident(ident: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = ident.to_string();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{ident}_{n}");
        n += 1;
    }
    candidate
}

/// A Rust string literal.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, signatures: Option<&[&[&str]]>, help: &str) -> MethodInfo {
        MethodInfo {
            name: name.to_string(),
            signatures: signatures.map(|s| {
                s.iter()
                    .map(|sig| sig.iter().map(|t| t.to_string()).collect())
                    .collect()
            }),
            help: help.to_string(),
        }
    }

    fn options(namespace: Option<&'static str>) -> GenOptions<'static> {
        GenOptions {
            trait_name: "Interop",
            namespace,
            source: "http://127.0.0.1:8000/RPC2",
        }
    }

    #[test]
    fn identifiers() {
        for (wire, ident) in [
            ("add", "add"),
            ("echoI8", "echo_i8"),
            ("arrayOfStructsTest", "array_of_structs_test"),
            ("getURLList", "get_url_list"),
            ("times10", "times10"),
            ("sub.method-name", "sub_method_name"),
            ("interop.echo", "interop_echo"),
            ("type", "type_"),
            ("self", "self_"),
            ("new", "new_"),
            ("send", "send_"),
            ("clone", "clone_"),
            ("into_service", "into_service_"),
            ("2fa", "m_2fa"),
            ("..", "m_"),
            ("ünïcode", "n_code"),
        ] {
            assert_eq!(rust_ident(wire), ident, "{wire}");
        }
        let mut taken = HashSet::new();
        assert_eq!(unique_ident("a", &mut taken), "a");
        assert_eq!(unique_ident("a", &mut taken), "a_2");
        assert_eq!(unique_ident("a", &mut taken), "a_3");
    }

    #[test]
    fn trait_names() {
        assert!(check_trait_name("Calculator").is_ok());
        assert!(check_trait_name("_Private2").is_ok());
        for bad in ["", "2x", "a-b", "type", "_", "Ünï", "Fault", "Value"] {
            assert!(check_trait_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_namespace_becomes_the_attribute() {
        let methods = [
            info("system.listMethods", Some(&[&["array"]]), "Lists."),
            info(
                "interop.add",
                Some(&[&["int", "int", "int"]]),
                "Adds two ints.",
            ),
            info("interop.echoI8", Some(&[&["i8", "i8"]]), ""),
            info("validator1.easyStructTest", Some(&[&["int", "struct"]]), ""),
        ];
        let out = generate(&methods, &options(Some("interop"))).unwrap();
        assert!(out.undeclared.is_empty());
        let dotted = generate(&methods, &options(Some("interop."))).unwrap();
        assert_eq!(dotted.code, out.code);
        let expected = r#"// The XML-RPC interface of http://127.0.0.1:8000/RPC2, generated by `xmlrpc-cli gen`
// from its system.listMethods, system.methodSignature and system.methodHelp answers.

use xmlrpc_core::Fault;
use xmlrpc_macros::xmlrpc_service;

#[xmlrpc_service(namespace = "interop")]
pub trait Interop {
    /// Adds two ints.
    ///
    /// Signature: `interop.add(int, int) -> int`
    async fn add(&self, arg1: i32, arg2: i32) -> Result<i32, Fault>;

    /// Signature: `interop.echoI8(i8) -> i8`
    #[xmlrpc(name = "echoI8")]
    async fn echo_i8(&self, arg1: i64) -> Result<i64, Fault>;
}
"#;
        assert_eq!(out.code, expected);
    }

    #[test]
    fn without_a_namespace_names_are_explicit() {
        let methods = [
            info("interop.add", Some(&[&["int", "int", "int"]]), ""),
            info("ping", Some(&[&["nil"]]), ""),
        ];
        let out = generate(&methods, &options(None)).unwrap();
        assert!(out.code.contains("#[xmlrpc_service]\npub trait Interop {"));
        assert!(out.code.contains(
            "    #[xmlrpc(name = \"interop.add\")]\n    async fn interop_add(&self, arg1: i32, arg2: i32)"
        ));
        assert!(out
            .code
            .contains("    async fn ping(&self) -> Result<(), Fault>;"));
    }

    #[test]
    fn every_type_name_maps() {
        let sig: &[&str] = &[
            "array",
            "int",
            "i4",
            "i8",
            "boolean",
            "string",
            "double",
            "dateTime.iso8601",
            "base64",
            "struct",
            "array",
            "nil",
            "undef",
            "ex:i8",
            "mystery",
        ];
        let methods = [info("t.all", Some(&[sig]), "")];
        let out = generate(&methods, &options(Some("t"))).unwrap();
        assert!(out.code.contains(
            "async fn all(&self, arg1: i32, arg2: i32, arg3: i64, arg4: bool, arg5: String, \
             arg6: f64, arg7: DateTime, arg8: ByteBuf, arg9: Map, arg10: Vec<Value>, \
             arg11: Value, arg12: Value, arg13: i64, arg14: Value) -> Result<Vec<Value>, Fault>;"
        ));
        assert!(out.code.contains("use serde_bytes::ByteBuf;\n"));
        assert!(out
            .code
            .contains("use xmlrpc_core::{DateTime, Fault, Map, Value};\n"));
        assert!(out.code.contains("serde_bytes crate"));
    }

    #[test]
    fn help_becomes_docs() {
        let help = "\n    First line.\n\n      indented <b>more</b>\r\n    last\u{7}\n";
        let methods = [info("m.x", Some(&[&["int"], &["int", "string"]]), help)];
        let out = generate(&methods, &options(Some("m"))).unwrap();
        let expected = "    /// First line.
    ///
    ///   indented <b>more</b>
    /// last
    ///
    /// Signature: `m.x() -> int`
    /// (the server also accepts `m.x(string) -> int`)
    async fn x(&self) -> Result<i32, Fault>;
";
        assert!(out.code.contains(expected), "{}", out.code);
    }

    #[test]
    fn code_in_help_cannot_become_a_doctest() {
        let help = "Example:\n\n    >>> add(1, 2)\n    3\n```\nx\n~~~";
        let methods = [info("m.x", Some(&[&["int"]]), help)];
        let out = generate(&methods, &options(Some("m"))).unwrap();
        let expected = "    /// ~~~text
    /// Example:
    ///
    ///     >>> add(1, 2)
    ///     3
    /// ```
    /// x
    /// ~~\u{200b}~
    /// ~~~
    ///
    /// Signature: `m.x() -> int`
";
        assert!(out.code.contains(expected), "{}", out.code);
    }

    #[test]
    fn methods_without_signatures_are_left_to_the_user() {
        let methods = [
            info("interop.echo", None, "Returns its argument."),
            info("interop.nil", Some(&[&["nil"]]), ""),
        ];
        let out = generate(&methods, &options(Some("interop"))).unwrap();
        assert_eq!(out.undeclared, ["interop.echo"]);
        assert!(out.code.contains(
            "    // `interop.echo` publishes no signature, so its arguments are unknown; declare it by hand,\n    // e.g. `async fn echo(&self, arg1: Value) -> Result<Value, Fault>;`\n    //   Returns its argument.\n"
        ));
        assert!(out
            .code
            .contains("async fn nil(&self) -> Result<(), Fault>;"));
    }

    #[test]
    fn clashing_names_get_suffixes() {
        let methods = [
            info("a.getX", Some(&[&["int"]]), ""),
            info("a.get_x", Some(&[&["int"]]), ""),
        ];
        let out = generate(&methods, &options(Some("a"))).unwrap();
        assert!(out
            .code
            .contains("    #[xmlrpc(name = \"getX\")]\n    async fn get_x(&self)"));
        assert!(out
            .code
            .contains("    #[xmlrpc(name = \"get_x\")]\n    async fn get_x_2(&self)"));
    }

    #[test]
    fn call_lines_give_names_options_nil_arrays_and_idempotency() {
        let help = "Lists a directory.\n\nCall: fs.list(dir: string, self: int?, depth?: int) -> array<struct>? [idempotent]";
        let methods = [
            info(
                "fs.list",
                Some(&[
                    &["array", "string", "int"],
                    &["array", "string", "int", "int"],
                ]),
                help,
            ),
            info(
                "fs.stat",
                Some(&[&["struct", "string"]]),
                "Call: fs.stat(type: string) -> struct?",
            ),
            info("fs.nilToo", Some(&[&["int"], &["nil"]]), "no call line"),
        ];
        let out = generate(&methods, &options(Some("fs"))).unwrap();
        assert!(out.code.contains(
            "    /// Lists a directory.\n    ///\n    /// Signature: `fs.list(string, int) -> array`"
        ), "{}", out.code);
        assert!(!out.code.contains("Call: "), "{}", out.code);
        assert!(out.code.contains(
            "    #[xmlrpc(idempotent)]\n    async fn list(&self, dir: String, arg2: Option<i32>, \
             depth: Option<i32>) -> Result<Option<Vec<Map>>, Fault>;"
        ), "{}", out.code);
        assert!(
            out.code
                .contains("    async fn stat(&self, type_: String) -> Result<Option<Map>, Fault>;"),
            "{}",
            out.code
        );
        assert!(out.code.contains(
            "    #[xmlrpc(name = \"nilToo\")]\n    async fn nil_too(&self) -> Result<Option<i32>, Fault>;"
        ), "{}", out.code);
        assert_eq!(CallLine::parse("x", "Call: x(a: int) -> int", 2), None);
        assert_eq!(CallLine::parse("x", "Call: y(a: int) -> int", 0), None);
    }

    #[test]
    fn an_empty_selection_is_an_error() {
        let methods = [info("system.listMethods", Some(&[&["array"]]), "")];
        let err = generate(&methods, &options(Some("calc"))).err().unwrap();
        assert!(err.contains("namespace \"calc\""), "{err}");
        assert!(err.contains("system.listMethods"), "{err}");
        let err = generate(&methods, &options(None)).err().unwrap();
        assert!(err.contains("besides system.*"), "{err}");
    }
}
