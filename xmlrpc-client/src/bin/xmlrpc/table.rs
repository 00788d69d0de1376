//! The text forms of introspection data: the `describe` table, the `help` page and JSON.

use xmlrpc_core::MethodInfo;

use crate::gen::signature_text;

/// The signature column is at most this wide.
const SIGNATURE_WIDTH: usize = 36;

/// Help texts are cut to this many characters in the table; `xmlrpc-cli help` shows them whole.
const HELP_WIDTH: usize = 60;

/// One row a signature: METHOD, SIGNATURE, HELP (the first line of the help text), columns
/// aligned. A method without a signature shows `?`.
pub fn describe(methods: &[MethodInfo]) -> String {
    let mut rows: Vec<[String; 3]> = vec![["METHOD".into(), "SIGNATURE".into(), "HELP".into()]];
    for method in methods {
        let summary = summary(&method.help);
        match method.signatures.as_deref() {
            Some(signatures) => {
                for (i, signature) in signatures.iter().enumerate() {
                    let (name, help) = if i == 0 {
                        (method.name.clone(), summary.clone())
                    } else {
                        (String::new(), String::new())
                    };
                    rows.push([name, short_signature(signature), help]);
                }
            }
            None => rows.push([method.name.clone(), "?".into(), summary]),
        }
    }
    let width = |col: usize| {
        rows.iter()
            .map(|r| r[col].chars().count())
            .max()
            .unwrap_or(0)
    };
    // One very long signature must not push every help text off the screen: longer ones
    // overflow their own row only.
    let (w0, w1) = (width(0), width(1).min(SIGNATURE_WIDTH));
    let mut out = String::new();
    for [name, signature, help] in &rows {
        let line = format!("{name:<w0$}  {signature:<w1$}  {help}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The `help` page of one method: its signatures, then its help text.
pub fn help_page(method: &MethodInfo) -> String {
    let mut out = String::new();
    match &method.signatures {
        Some(signatures) => {
            for signature in signatures {
                out.push_str(&signature_text(&method.name, signature));
                out.push('\n');
            }
        }
        None => out.push_str(&format!("{}(...): no signature published\n", method.name)),
    }
    let help = method.help.trim();
    out.push('\n');
    out.push_str(if help.is_empty() {
        "(no help text)"
    } else {
        help
    });
    out.push('\n');
    out
}

/// A method description as JSON: `{name, signatures (null when unknown), help}`.
pub fn to_json(method: &MethodInfo) -> serde_json::Value {
    serde_json::json!({
        "name": method.name,
        "signatures": method.signatures,
        "help": method.help,
    })
}

/// `(int, int) -> int`.
fn short_signature(signature: &[String]) -> String {
    match signature.split_first() {
        Some((result, args)) => format!("({}) -> {result}", args.join(", ")),
        None => "?".into(),
    }
}

/// The first line of a help text, whitespace collapsed, cut to [`HELP_WIDTH`].
fn summary(help: &str) -> String {
    let first = help.trim().lines().next().unwrap_or("");
    let words: Vec<&str> = first.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= HELP_WIDTH {
        line
    } else {
        let cut: String = line.chars().take(HELP_WIDTH - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(name: &str, signatures: Option<Vec<Vec<&str>>>, help: &str) -> MethodInfo {
        MethodInfo {
            name: name.into(),
            signatures: signatures.map(|s| {
                s.into_iter()
                    .map(|s| s.into_iter().map(String::from).collect())
                    .collect()
            }),
            help: help.into(),
        }
    }

    #[test]
    fn table_aligns_and_lists_every_signature() {
        let methods = [
            method(
                "interop.add",
                Some(vec![vec!["int", "int", "int"], vec!["i8", "i8", "i8"]]),
                "Adds two ints.\nMore detail.",
            ),
            method("interop.echo", None, "  Returns   its argument. "),
            method("nil", Some(vec![vec!["nil"]]), ""),
        ];
        let expected = "\
METHOD        SIGNATURE          HELP
interop.add   (int, int) -> int  Adds two ints.
              (i8, i8) -> i8
interop.echo  ?                  Returns its argument.
nil           () -> nil
";
        assert_eq!(describe(&methods), expected);
    }

    #[test]
    fn a_long_signature_overflows_its_own_row() {
        let long: Vec<&str> = ["array"]
            .into_iter()
            .chain(["dateTime.iso8601"; 4])
            .collect();
        let methods = [
            method("a", Some(vec![vec!["int"]]), "One."),
            method("b", Some(vec![long]), "Two."),
        ];
        let table = describe(&methods);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[1], format!("a       {:<36}  One.", "() -> int"));
        assert!(
            lines[2].ends_with("dateTime.iso8601) -> array  Two."),
            "{table}"
        );
    }

    #[test]
    fn long_help_is_cut() {
        let long = "word ".repeat(30);
        let text = summary(&long);
        assert_eq!(text.chars().count(), HELP_WIDTH);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn help_pages() {
        let add = method("a.add", Some(vec![vec!["int", "int", "int"]]), "Adds.\n");
        assert_eq!(help_page(&add), "a.add(int, int) -> int\n\nAdds.\n");
        let echo = method("a.echo", None, "");
        assert_eq!(
            help_page(&echo),
            "a.echo(...): no signature published\n\n(no help text)\n"
        );
        assert_eq!(
            to_json(&echo).to_string(),
            r#"{"name":"a.echo","signatures":null,"help":""}"#
        );
    }
}
