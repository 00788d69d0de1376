//! Parsing of the endpoint URL into where and how to send calls.

use std::path::PathBuf;

use reqwest::Url;

use crate::Error;

/// The HTTP path used for Unix-socket and SCGI targets that name none: supervisord's
/// `/RPC2`, also the path Python's `ServerProxy` falls back to.
pub(crate) const DEFAULT_PATH: &str = "/RPC2";

/// Where calls go.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Target {
    /// `http://` or `https://`; the URL carries no credentials.
    Http(Url),
    /// HTTP over a Unix domain socket: `unix:///run/supervisor.sock?path=/RPC2`.
    Unix { socket: PathBuf, path: String },
    /// SCGI over TCP (`scgi://host:port/path`) or a Unix socket
    /// (`scgi+unix:///path/to.sock?path=/RPC2`).
    Scgi {
        endpoint: ScgiEndpoint,
        path: String,
    },
}

/// The socket an SCGI target connects to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ScgiEndpoint {
    /// `host:port`.
    Tcp(String),
    /// A Unix socket path.
    Unix(PathBuf),
}

/// A parsed URL: the target and the credentials given as `user:pass@`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub(crate) target: Target,
    pub(crate) credentials: Option<(String, Option<String>)>,
}

impl Target {
    /// The target as it appears in logs and errors (never with credentials).
    pub(crate) fn describe(&self) -> String {
        match self {
            Target::Http(url) => url.to_string(),
            Target::Unix { socket, path } => format!("unix://{}?path={path}", socket.display()),
            Target::Scgi {
                endpoint: ScgiEndpoint::Tcp(addr),
                path,
            } => format!("scgi://{addr}{path}"),
            Target::Scgi {
                endpoint: ScgiEndpoint::Unix(socket),
                path,
            } => format!("scgi+unix://{}?path={path}", socket.display()),
        }
    }
}

impl Target {
    /// Replaces the HTTP path (the URL's path for `http(s)://`, the `path` of socket and SCGI
    /// targets).
    pub(crate) fn set_http_path(&mut self, new: &str) -> Result<(), Error> {
        if !new.starts_with('/') || new.chars().any(|c| c.is_control() || c == ' ') {
            return Err(Error::Config(format!(
                "HTTP path {new:?} must start with `/` and hold no spaces or control characters"
            )));
        }
        match self {
            Target::Http(url) => {
                let (path, query) = new
                    .split_once('?')
                    .map_or((new, None), |(p, q)| (p, Some(q)));
                url.set_path(path);
                url.set_query(query);
            }
            Target::Unix { path, .. } | Target::Scgi { path, .. } => *path = new.to_string(),
        }
        Ok(())
    }
}

/// Parses an endpoint: a URL, or a plain absolute path, which names a Unix socket as it is
/// (no percent-encoding) and speaks HTTP to it.
pub(crate) fn parse(input: &str) -> Result<Parsed, Error> {
    if input.starts_with('/') {
        return Ok(Parsed {
            target: Target::Unix {
                socket: PathBuf::from(input),
                path: DEFAULT_PATH.to_string(),
            },
            credentials: None,
        });
    }
    let mut url =
        Url::parse(input).map_err(|e| Error::Config(format!("invalid URL {input:?}: {e}")))?;
    let credentials = take_credentials(&mut url)?;
    let target = match url.scheme() {
        "http" | "https" => {
            if url.scheme() == "https" && !cfg!(feature = "tls") {
                return Err(Error::Config(
                    "https URLs need the `tls` feature of xmlrpc-client".into(),
                ));
            }
            if url.host_str().is_none_or(str::is_empty) {
                return Err(Error::Config(format!("URL {input:?} names no host")));
            }
            Target::Http(url)
        }
        "unix" => {
            let (socket, path) = socket_and_path(&url, input)?;
            Target::Unix { socket, path }
        }
        "scgi" => {
            let host = url
                .host_str()
                .filter(|h| !h.is_empty())
                .ok_or_else(|| Error::Config(format!("URL {input:?} names no host")))?;
            let port = url
                .port()
                .ok_or_else(|| Error::Config(format!("SCGI URL {input:?} needs a port")))?;
            if url.query().is_some() {
                return Err(Error::Config(format!(
                    "SCGI URL {input:?}: put the path in the URL, not in a query"
                )));
            }
            let path = match url.path() {
                "" | "/" => DEFAULT_PATH.to_string(),
                p => percent_decode(p)?,
            };
            Target::Scgi {
                endpoint: ScgiEndpoint::Tcp(format!("{host}:{port}")),
                path,
            }
        }
        "scgi+unix" => {
            let (socket, path) = socket_and_path(&url, input)?;
            Target::Scgi {
                endpoint: ScgiEndpoint::Unix(socket),
                path,
            }
        }
        other => {
            return Err(Error::Config(format!(
                "unsupported URL scheme {other:?} (use http, https, unix, scgi or scgi+unix)"
            )))
        }
    };
    Ok(Parsed {
        target,
        credentials,
    })
}

/// Removes `user:pass@` from the URL and returns it decoded.
fn take_credentials(url: &mut Url) -> Result<Option<(String, Option<String>)>, Error> {
    if url.username().is_empty() && url.password().is_none() {
        return Ok(None);
    }
    let user = percent_decode(url.username())?;
    let pass = url.password().map(percent_decode).transpose()?;
    // Both setters only fail for URLs that cannot carry credentials, which these just did.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Ok(Some((user, pass)))
}

/// The socket path and the HTTP path (`?path=`) of a `unix:` or `scgi+unix:` URL.
fn socket_and_path(url: &Url, input: &str) -> Result<(PathBuf, String), Error> {
    if url.host_str().is_some_and(|h| !h.is_empty()) {
        return Err(Error::Config(format!(
            "URL {input:?}: a socket URL takes an absolute path and no host (unix:///path/to.sock)"
        )));
    }
    let socket = percent_decode(url.path())?;
    if socket.is_empty() || socket == "/" {
        return Err(Error::Config(format!("URL {input:?} names no socket path")));
    }
    let mut path = DEFAULT_PATH.to_string();
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "path" if value.starts_with('/') => path = value.into_owned(),
            "path" => {
                return Err(Error::Config(format!(
                    "URL {input:?}: the path {value:?} must start with '/'"
                )))
            }
            other => {
                return Err(Error::Config(format!(
                    "URL {input:?}: unknown query parameter {other:?} (only `path` is understood)"
                )))
            }
        }
    }
    Ok((PathBuf::from(socket), path))
}

/// Decodes `%XX` escapes; the result must be UTF-8.
fn percent_decode(input: &str) -> Result<String, Error> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => {
                    return Err(Error::Config(format!(
                        "bad percent escape in URL part {input:?}"
                    )))
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| Error::Config(format!("URL part {input:?} is not UTF-8 once decoded")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> Target {
        parse(url).unwrap().target
    }

    #[test]
    fn http_keeps_path_and_strips_credentials() {
        let p = parse("http://alice:s%3Acret@example.com:8080/RPC2").unwrap();
        assert_eq!(
            p.credentials,
            Some(("alice".to_string(), Some("s:cret".to_string())))
        );
        assert_eq!(
            p.target,
            Target::Http(Url::parse("http://example.com:8080/RPC2").unwrap())
        );
        assert!(!p.target.describe().contains("alice"));
    }

    #[test]
    fn user_without_password() {
        let p = parse("http://bob@example.com/").unwrap();
        assert_eq!(p.credentials, Some(("bob".to_string(), None)));
    }

    #[test]
    fn unix_with_and_without_path() {
        assert_eq!(
            target("unix:///run/supervisor.sock"),
            Target::Unix {
                socket: "/run/supervisor.sock".into(),
                path: "/RPC2".into()
            }
        );
        assert_eq!(
            target("unix:///tmp/my%20app.sock?path=/api/xmlrpc"),
            Target::Unix {
                socket: "/tmp/my app.sock".into(),
                path: "/api/xmlrpc".into()
            }
        );
    }

    #[test]
    fn plain_paths_are_unix_sockets_taken_literally() {
        assert_eq!(
            target("/tmp/odd %41?dir#/x.sock"),
            Target::Unix {
                socket: PathBuf::from("/tmp/odd %41?dir#/x.sock"),
                path: "/RPC2".into()
            }
        );
    }

    #[test]
    fn the_http_path_can_be_replaced() {
        let mut unix = target("unix:///run/s.sock");
        unix.set_http_path("/api").unwrap();
        assert_eq!(unix.describe(), "unix:///run/s.sock?path=/api");
        let mut http = target("http://h:1/RPC2");
        http.set_http_path("/xmlrpc?v=2").unwrap();
        assert_eq!(http.describe(), "http://h:1/xmlrpc?v=2");
        let mut scgi = target("scgi://h:5000");
        scgi.set_http_path("/s").unwrap();
        assert_eq!(scgi.describe(), "scgi://h:5000/s");
        for bad in ["RPC2", "/a b", "/a\nb", ""] {
            assert!(
                matches!(unix.set_http_path(bad), Err(Error::Config(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn scgi_forms() {
        assert_eq!(
            target("scgi://127.0.0.1:5000"),
            Target::Scgi {
                endpoint: ScgiEndpoint::Tcp("127.0.0.1:5000".into()),
                path: "/RPC2".into()
            }
        );
        assert_eq!(
            target("scgi://localhost:5000/RPC3"),
            Target::Scgi {
                endpoint: ScgiEndpoint::Tcp("localhost:5000".into()),
                path: "/RPC3".into()
            }
        );
        assert_eq!(
            target("scgi+unix:///var/run/rtorrent.sock?path=/"),
            Target::Scgi {
                endpoint: ScgiEndpoint::Unix("/var/run/rtorrent.sock".into()),
                path: "/".into()
            }
        );
    }

    #[test]
    fn rejects_bad_urls() {
        for bad in [
            "not a url",
            "ftp://example.com/",
            "unix://host/sock",
            "unix:///",
            "unix:///s.sock?path=RPC2",
            "unix:///s.sock?paht=/RPC2",
            "scgi://localhost",
            "scgi://localhost:5000/?path=/x",
            "http://a:%ff@example.com/",
        ] {
            match parse(bad) {
                Err(Error::Config(msg)) => assert!(!msg.is_empty(), "{bad}"),
                other => panic!("{bad}: expected a config error, got {other:?}"),
            }
        }
    }

    /// Pseudo-random URLs from URL-ish pieces: parsed or refused, never a panic.
    #[test]
    fn never_panics() {
        let pieces = [
            "unix:",
            "scgi:",
            "scgi+unix:",
            "http:",
            "https:",
            "//",
            "/",
            "?",
            "path=",
            "&",
            "%",
            "%2",
            "%ff",
            "%41",
            "@",
            ":",
            "user",
            "host",
            "8080",
            "[::1]",
            "#",
            "RPC2",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut url = String::new();
            for _ in 0..8 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                url.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let _ = parse(&url);
        }
    }

    #[test]
    fn https_needs_the_tls_feature() {
        let parsed = parse("https://example.com/RPC2");
        if cfg!(feature = "tls") {
            assert!(matches!(parsed.unwrap().target, Target::Http(_)));
        } else {
            assert!(matches!(parsed, Err(Error::Config(msg)) if msg.contains("`tls`")));
        }
    }
}
