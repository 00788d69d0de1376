//! The browsable method page: one self-contained HTML document generated from the
//! introspection metadata (names, signatures, help), in the spirit of Python's
//! `DocXMLRPCServer`.
//!
//! Every piece of text that comes from a method (name, types, help) is HTML-escaped before it
//! is written, so a help text holding `<script>` shows as text. The page carries its own
//! style and a small filter script; it loads nothing else.

use std::fmt::Write as _;

use xmlrpc_core::MethodInfo;

/// The page's title and introduction, from the builder.
#[derive(Debug, Clone)]
pub(crate) struct PageText {
    pub title: String,
    pub description: String,
}

impl Default for PageText {
    fn default() -> Self {
        PageText {
            title: "XML-RPC methods".into(),
            description: String::new(),
        }
    }
}

/// The whole page for `methods`, in their registration order.
pub(crate) fn render(text: &PageText, methods: &[MethodInfo]) -> String {
    let mut out = String::with_capacity(4096 + methods.len() * 400);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    out.push_str("<meta name=\"generator\" content=\"xmlrpc-server\"><title>");
    escape_into(&mut out, &text.title);
    out.push_str("</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body><header><h1>");
    escape_into(&mut out, &text.title);
    out.push_str("</h1>");
    if !text.description.is_empty() {
        out.push_str("<div class=\"desc\">");
        markdown_into(&mut out, &text.description);
        out.push_str("</div>");
    }
    let _ = write!(
        out,
        "<p class=\"count\">{} methods, called with HTTP <code>POST</code> of an XML-RPC \
         <code>methodCall</code> to this address.</p>",
        methods.len()
    );
    out.push_str(
        "<input id=\"filter\" type=\"search\" placeholder=\"Filter methods\" \
         aria-label=\"Filter methods\" autocomplete=\"off\"></header><nav id=\"toc\"><ul>",
    );
    for info in methods {
        let id = anchor(&info.name);
        out.push_str("<li data-name=\"");
        escape_into(&mut out, &info.name.to_lowercase());
        let _ = write!(out, "\"><a href=\"#{id}\">");
        escape_into(&mut out, &info.name);
        out.push_str("</a></li>");
    }
    out.push_str("</ul></nav><main>");
    for info in methods {
        method_into(&mut out, info);
    }
    out.push_str("<p id=\"none\" hidden>No method matches the filter.</p></main><script>");
    out.push_str(SCRIPT);
    out.push_str("</script></body></html>\n");
    out
}

fn method_into(out: &mut String, info: &MethodInfo) {
    let id = anchor(&info.name);
    let _ = write!(out, "<section class=\"method\" id=\"{id}\" data-name=\"");
    escape_into(out, &info.name.to_lowercase());
    let _ = write!(out, "\"><h2><a href=\"#{id}\">");
    escape_into(out, &info.name);
    out.push_str("</a></h2>");
    match &info.signatures {
        Some(signatures) if !signatures.is_empty() => {
            for signature in signatures {
                signature_into(out, &info.name, signature);
            }
        }
        _ => {
            out.push_str("<p class=\"sig undef\">Signature not declared (<code>undef</code>).</p>")
        }
    }
    if info.help.trim().is_empty() {
        out.push_str("<p class=\"nohelp\">No help text.</p>");
    } else {
        out.push_str("<div class=\"help\">");
        markdown_into(out, &info.help);
        out.push_str("</div>");
    }
    out.push_str("</section>");
}

/// One signature row: `name(int, int) → int` and the Rust types a typed caller uses.
fn signature_into(out: &mut String, name: &str, signature: &[String]) {
    let (ret, params) = match signature.split_first() {
        Some((ret, params)) => (ret.as_str(), params),
        None => ("undef", &[][..]),
    };
    out.push_str("<div class=\"sig\"><code class=\"xml\">");
    escape_into(out, name);
    out.push('(');
    for (i, ty) in params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        escape_into(out, ty);
    }
    out.push_str(") \u{2192} ");
    escape_into(out, ret);
    out.push_str("</code> <span class=\"rust\"><span>Rust</span> <code>fn(");
    for (i, ty) in params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        escape_into(out, rust_type(ty));
    }
    out.push_str(") -&gt; ");
    escape_into(out, rust_type(ret));
    out.push_str("</code></span></div>");
}

/// The Rust type the XML-RPC type maps to in this framework's codec (the type a typed client
/// or service declares for it); `Value` where the type is unknown.
pub(crate) fn rust_type(xmlrpc: &str) -> &'static str {
    match xmlrpc {
        "int" | "i4" => "i32",
        "i8" => "i64",
        "boolean" => "bool",
        "double" => "f64",
        "string" => "String",
        "dateTime.iso8601" => "DateTime",
        "base64" => "Vec<u8>",
        "struct" => "struct / map",
        "array" => "Vec<_>",
        "nil" => "Option<_>",
        _ => "Value",
    }
}

/// A fragment identifier for a method name: letters, digits, `.`, `-`, `_` kept, every other
/// byte written `~HH`, so distinct names give distinct anchors that need no URL escaping.
pub(crate) fn anchor(name: &str) -> String {
    let mut id = String::with_capacity(name.len() + 2);
    id.push_str("m-");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_') {
            id.push(byte as char);
        } else {
            let _ = write!(id, "~{byte:02X}");
        }
    }
    id
}

/// Writes `text` with the five HTML special characters escaped.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    // A byte scan: the five characters are ASCII, so their bytes never occur inside
    // another character's UTF-8 encoding.
    while let Some(at) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Minimal markdown, escaped first: paragraphs split by blank lines, `- ` / `* ` lists,
/// fenced (```) and indented code blocks, and `code` spans. Nothing else is interpreted, so
/// no text can produce a tag or an attribute.
pub(crate) fn markdown_into(out: &mut String, text: &str) {
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with("```") {
            out.push_str("<pre>");
            let mut first = true;
            for code in lines.by_ref() {
                if code.trim().starts_with("```") {
                    break;
                }
                if !first {
                    out.push('\n');
                }
                first = false;
                escape_into(out, code);
            }
            out.push_str("</pre>");
        } else if line.starts_with("    ") || line.starts_with('\t') {
            out.push_str("<pre>");
            escape_into(out, line.trim_start());
            while let Some(code) = lines.next_if(|l| l.starts_with("    ") || l.starts_with('\t')) {
                out.push('\n');
                escape_into(out, code.strip_prefix("    ").unwrap_or(code.trim_start()));
            }
            out.push_str("</pre>");
        } else if let Some(item) = list_item(trimmed) {
            out.push_str("<ul><li>");
            inline_into(out, item);
            while let Some(next) = lines.next_if(|l| !l.trim().is_empty()) {
                match list_item(next.trim()) {
                    Some(item) => {
                        out.push_str("</li><li>");
                        inline_into(out, item);
                    }
                    None => {
                        out.push(' ');
                        inline_into(out, next.trim());
                    }
                }
            }
            out.push_str("</li></ul>");
        } else {
            out.push_str("<p>");
            inline_into(out, trimmed);
            while let Some(next) = lines.next_if(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with("```") && list_item(t).is_none()
            }) {
                out.push(' ');
                inline_into(out, next.trim());
            }
            out.push_str("</p>");
        }
    }
}

fn list_item(line: &str) -> Option<&str> {
    line.strip_prefix("- ").or_else(|| line.strip_prefix("* "))
}

/// Escapes one line, turning balanced backtick pairs into `<code>`.
fn inline_into(out: &mut String, line: &str) {
    let mut rest = line;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        escape_into(out, &rest[..open]);
        out.push_str("<code>");
        escape_into(out, &rest[open + 1..open + 1 + len]);
        out.push_str("</code>");
        rest = &rest[open + 2 + len..];
    }
    escape_into(out, rest);
}

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--mute:#59636e;--line:#d1d9e0;--code:#f6f8fa;--link:#0969da}\
@media(prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--mute:#9198a1;--line:#3d444d;--code:#151b23;--link:#4493f8}}\
*{box-sizing:border-box}\
body{margin:0 auto;max-width:60rem;padding:1rem;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}\
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}\
h1{margin:.2rem 0;font-size:1.6rem}h2{margin:0 0 .4rem;font-size:1.15rem;word-break:break-all}\
code,pre{font:.9em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
pre{background:var(--code);padding:.6rem;overflow-x:auto;border-radius:6px}\
.count,.undef,.nohelp{color:var(--mute)}\
#filter{width:100%;padding:.5rem .7rem;font-size:1rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}\
#toc ul{list-style:none;padding:0;margin:1rem 0;display:flex;flex-wrap:wrap;gap:.3rem .9rem}\
#toc li{word-break:break-all}\
.method{border-top:1px solid var(--line);padding:1rem 0}\
.sig{display:flex;flex-wrap:wrap;gap:0 1.5rem;margin:.15rem 0}\
.sig code{white-space:nowrap}.rust,.rust span{color:var(--mute);font-size:.9em}\
[hidden]{display:none!important}";

/// Filters the table of contents and the sections by a case-insensitive substring of the
/// name; the filter can also come from the address (`#filter=text`), so a link can share it.
const SCRIPT: &str = "\
(function(){var box=document.getElementById('filter');\
var items=document.querySelectorAll('#toc li,.method');var none=document.getElementById('none');\
function apply(){var q=box.value.trim().toLowerCase();var shown=0;\
for(var i=0;i<items.length;i++){var hit=items[i].getAttribute('data-name').indexOf(q)>=0;\
items[i].hidden=!hit;if(hit&&items[i].tagName==='SECTION')shown++;}none.hidden=shown>0;}\
function fromHash(){var h=location.hash;if(h.indexOf('#filter=')===0){\
box.value=decodeURIComponent(h.slice(8));apply();}}\
box.addEventListener('input',apply);window.addEventListener('hashchange',fromHash);fromHash();})();";

impl crate::Server {
    /// The method page as [`ServerBuilder::method_page`](crate::ServerBuilder::method_page)
    /// serves it (with the builder's title and description), rendered now, whether or not
    /// the server serves it itself: to mount it on an application's own route or to save
    /// it as a static file.
    ///
    /// ```
    /// use xmlrpc_core::Fault;
    /// use xmlrpc_server::{Method, Server};
    ///
    /// let server = Server::builder()
    ///     .page_title("Calculator")
    ///     .register(
    ///         Method::new("add", |(a, b): (i32, i32)| async move { Ok::<_, Fault>(a + b) })
    ///             .help("Adds two integers.")
    ///             .returns("int"),
    ///     )
    ///     .build()
    ///     .unwrap();
    /// let html = server.render_method_page();
    /// assert!(html.contains("add(int, int) \u{2192} int"));
    /// ```
    pub fn render_method_page(&self) -> String {
        render(
            &self.inner.config.ops.page_text,
            self.inner.dispatcher.infos(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, signatures: Option<Vec<Vec<&str>>>, help: &str) -> MethodInfo {
        MethodInfo {
            name: name.into(),
            signatures: signatures.map(|list| {
                list.into_iter()
                    .map(|s| s.into_iter().map(String::from).collect())
                    .collect()
            }),
            help: help.into(),
        }
    }

    #[test]
    fn escapes_every_special_character() {
        let mut out = String::new();
        escape_into(&mut out, "<script>alert('x')</script> & \"q\"");
        assert_eq!(
            out,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn no_method_text_reaches_the_page_unescaped() {
        let evil = "<script>alert(1)</script>";
        let page = render(
            &PageText {
                title: format!("T{evil}"),
                description: format!("D{evil}"),
            },
            &[info(
                &format!("n{evil}\""),
                Some(vec![vec![evil, "int"]]),
                &format!("h{evil}\n\n- `{evil}`\n\n```\n{evil}\n```"),
            )],
        );
        // The only script element is the page's own filter.
        assert_eq!(page.matches("<script>").count(), 1, "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains("n<script"));
    }

    #[test]
    fn anchors_are_distinct_and_plain() {
        assert_eq!(anchor("calc.add"), "m-calc.add");
        assert_eq!(anchor("a b"), "m-a~20b");
        assert_ne!(anchor("a~20b"), anchor("a b"));
        assert_eq!(anchor("é"), "m-~C3~A9");
    }

    #[test]
    fn markdown_subset() {
        let mut out = String::new();
        markdown_into(
            &mut out,
            "Adds `a` and\nb.\n\n- one\n- two\n\n    code <x>\n    more\n\n```\nfenced\n```",
        );
        assert_eq!(
            out,
            "<p>Adds <code>a</code> and b.</p><ul><li>one</li><li>two</li></ul>\
             <pre>code &lt;x&gt;\nmore</pre><pre>fenced</pre>"
        );
    }

    #[test]
    fn signatures_in_both_type_systems() {
        let page = render(
            &PageText::default(),
            &[
                info("add", Some(vec![vec!["int", "int", "int"]]), "Adds."),
                info("any", None, ""),
            ],
        );
        assert!(page.contains("add(int, int) \u{2192} int"));
        assert!(page.contains("fn(i32, i32) -&gt; i32"));
        assert!(page.contains("Signature not declared"));
        assert!(page.contains("<a href=\"#m-add\">add</a>"));
    }
}
