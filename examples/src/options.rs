//! Command-line options shared by the example servers (`server`, `interop-server`).

use xmlrpc_server::{Overload, ServerBuilder};

/// The server settings a command line can give.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerOptions {
    /// `--listen HOST:PORT`
    pub listen: String,
    /// `--max-workers N`: calls executing at once, of any kind (default: the library's,
    /// sized for async work).
    pub max_workers: Option<usize>,
    /// `--max-blocking N`: blocking calls executing at once (default: the library's).
    pub max_blocking: Option<usize>,
    /// `--max-pending M`: admitted calls waiting, per bound (default: `max_workers`).
    pub max_pending: Option<usize>,
    /// `--overload block|close|fault|http503`
    pub overload: Overload,
    /// `--max-request-size BYTES`
    pub max_request_size: usize,
    /// `--rpc-path P`, repeatable; given at least once, it replaces `/` and `/RPC2`.
    pub rpc_paths: Vec<String>,
    /// `--metrics`: serve Prometheus metrics at `GET /metrics` (per-method series too).
    pub metrics: bool,
    /// `--method-page`: answer browsers' `GET` on the RPC paths with the method page.
    pub method_page: bool,
}

/// The options' help text.
pub const USAGE: &str = "\
options (any order, `--name value` or `--name=value`):
  --listen HOST:PORT         address to bind
  --max-workers N            requests executing at once, async and blocking (default 1024)
  --max-blocking N           blocking requests executing at once (default 16)
  --max-pending M            further requests waiting, per bound (default: max-workers)
  --overload POLICY          block | close | fault | http503 (default block)
  --max-request-size BYTES   largest accepted request body (default 1048576)
  --rpc-path PATH            a path serving XML-RPC (repeatable; default / and /RPC2)
  --metrics                  serve Prometheus metrics at GET /metrics
  --method-page              answer browsers' GET on the RPC paths with a page of the methods";

impl ServerOptions {
    /// Parses `args` (without the program name); `listen` is the default address.
    pub fn parse<I: IntoIterator<Item = String>>(args: I, listen: &str) -> Result<Self, String> {
        let mut options = ServerOptions {
            listen: listen.to_string(),
            max_workers: None,
            max_blocking: None,
            max_pending: None,
            overload: Overload::Block,
            max_request_size: 1 << 20,
            rpc_paths: Vec::new(),
            metrics: false,
            method_page: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => {
                    (name.to_string(), Some(value.to_string()))
                }
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match name.as_str() {
                "--listen" => options.listen = value()?,
                "--max-workers" => options.max_workers = Some(number(&name, &value()?)?),
                "--max-blocking" => options.max_blocking = Some(number(&name, &value()?)?),
                "--max-pending" => options.max_pending = Some(number(&name, &value()?)?),
                "--max-request-size" => options.max_request_size = number(&name, &value()?)?,
                "--rpc-path" => options.rpc_paths.push(value()?),
                "--overload" => options.overload = overload(&value()?)?,
                "--metrics" if inline.is_none() => options.metrics = true,
                "--method-page" if inline.is_none() => options.method_page = true,
                other => return Err(format!("unknown option {other:?}\n{USAGE}")),
            }
        }
        if options.max_workers == Some(0) {
            return Err("--max-workers must be at least 1".into());
        }
        if options.max_blocking == Some(0) {
            return Err("--max-blocking must be at least 1".into());
        }
        Ok(options)
    }

    /// Applies the options to a server builder.
    pub fn apply(&self, builder: ServerBuilder) -> ServerBuilder {
        let mut builder = builder
            .overload(self.overload.clone())
            .max_request_size(self.max_request_size)
            .metrics(self.metrics)
            .method_page(self.method_page);
        // Unset, the library's defaults apply (and `max_pending` follows `max_workers`).
        if let Some(n) = self.max_workers {
            builder = builder.max_workers(n);
        }
        if let Some(n) = self.max_blocking {
            builder = builder.max_blocking(n);
        }
        if let Some(n) = self.max_pending {
            builder = builder.max_pending(n);
        }
        if self.rpc_paths.is_empty() {
            builder
        } else {
            builder.rpc_paths(self.rpc_paths.iter().cloned())
        }
    }
}

fn number(name: &str, value: &str) -> Result<usize, String> {
    value
        .parse()
        .map_err(|_| format!("{name} takes a whole number, not {value:?}"))
}

fn overload(value: &str) -> Result<Overload, String> {
    match value {
        "block" => Ok(Overload::Block),
        "close" => Ok(Overload::Close),
        "fault" => Ok(Overload::fault()),
        "http503" => Ok(Overload::http503()),
        other => Err(format!(
            "--overload takes block, close, fault or http503, not {other:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ServerOptions, String> {
        ServerOptions::parse(args.iter().map(|s| s.to_string()), "127.0.0.1:8080")
    }

    #[test]
    fn options_in_any_order_and_both_spellings() {
        let o = parse(&[
            "--max-pending=0",
            "--listen",
            "127.0.0.1:9",
            "--overload",
            "http503",
            "--rpc-path",
            "/a",
            "--rpc-path=/b",
            "--max-workers",
            "2",
            "--max-blocking=1",
        ])
        .unwrap();
        assert_eq!(o.listen, "127.0.0.1:9");
        assert_eq!((o.max_workers, o.max_pending), (Some(2), Some(0)));
        assert_eq!(o.max_blocking, Some(1));
        assert_eq!(o.overload, Overload::http503());
        assert_eq!(o.rpc_paths, ["/a", "/b"]);
        assert!(!o.metrics && !o.method_page);
        let o = parse(&["--metrics", "--max-workers", "3", "--method-page"]).unwrap();
        assert!(o.metrics && o.method_page);
        assert_eq!(o.max_workers, Some(3));
        assert!(parse(&["--metrics=yes"]).is_err());
    }

    #[test]
    fn defaults() {
        let o = parse(&[]).unwrap();
        assert_eq!(o.listen, "127.0.0.1:8080");
        assert_eq!(o.overload, Overload::Block);
        assert_eq!(o.max_request_size, 1 << 20);
        assert!(o.rpc_paths.is_empty());
        assert_eq!(
            (o.max_workers, o.max_blocking, o.max_pending),
            (None, None, None)
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(parse(&["--max-workers", "two"]).is_err());
        assert!(parse(&["--max-workers", "0"]).is_err());
        assert!(parse(&["--max-blocking", "0"]).is_err());
        assert!(parse(&["--overload", "drop"]).is_err());
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--bogus", "1"]).is_err());
    }
}
