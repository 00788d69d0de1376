//! HTTP Basic authentication policies and the request hook that runs before dispatch.

use std::{fmt, net::SocketAddr, sync::Arc};

use base64::Engine;
use http::{header, HeaderMap, StatusCode};
use xmlrpc_core::Fault;

type Verifier = dyn Fn(&str, &str) -> bool + Send + Sync;

/// An HTTP Basic authentication policy: which requests it covers and how it checks
/// credentials. A request must satisfy every policy that covers it; failing one is answered
/// 401 with `WWW-Authenticate: Basic realm="..."`.
///
/// ```
/// use xmlrpc_server::{BasicAuth, Server};
///
/// let server = Server::builder()
///     .basic_auth(BasicAuth::credentials("admin area", [("admin", "s3cret")]).methods(["admin.*"]))
///     .build()
///     .unwrap();
/// # drop(server);
/// ```
///
/// A policy covers every request unless narrowed by [`BasicAuth::paths`] (HTTP paths) and
/// [`BasicAuth::methods`] / [`BasicAuth::except_methods`] (XML-RPC method names). Policies
/// without a method scope are checked from the headers, before the body is read, so
/// unauthenticated clients cost no parsing. A method scope is checked once the call is
/// decoded; `system.multicall` can reach every method, so method-scoped policies always
/// cover it.
#[derive(Clone)]
pub struct BasicAuth {
    realm: String,
    verify: Arc<Verifier>,
    paths: Option<Vec<String>>,
    methods: MethodScope,
}

#[derive(Debug, Clone)]
enum MethodScope {
    All,
    Only(Vec<String>),
    Except(Vec<String>),
}

impl BasicAuth {
    /// A policy checking credentials with `verify(user, password)`. Compare secrets with
    /// [`constant_time_eq`] (or a password hash check) so timing does not reveal them.
    pub fn new(
        realm: impl Into<String>,
        verify: impl Fn(&str, &str) -> bool + Send + Sync + 'static,
    ) -> Self {
        BasicAuth {
            realm: realm.into(),
            verify: Arc::new(verify),
            paths: None,
            methods: MethodScope::All,
        }
    }

    /// A policy accepting a fixed list of `(user, password)` pairs, compared in constant
    /// time (every pair is compared, whatever matches).
    pub fn credentials<I, U, P>(realm: impl Into<String>, pairs: I) -> Self
    where
        I: IntoIterator<Item = (U, P)>,
        U: Into<String>,
        P: Into<String>,
    {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(u, p)| (u.into(), p.into()))
            .collect();
        BasicAuth::new(realm, move |user, password| {
            pairs.iter().fold(false, |found, (u, p)| {
                let user_ok = constant_time_eq(user.as_bytes(), u.as_bytes());
                let password_ok = constant_time_eq(password.as_bytes(), p.as_bytes());
                found | (user_ok & password_ok)
            })
        })
    }

    /// Covers only requests to these HTTP paths (exact match).
    pub fn paths<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.paths = Some(paths.into_iter().map(Into::into).collect());
        self
    }

    /// Covers only these method names: exact names, or `prefix.*` for a whole namespace.
    pub fn methods<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.methods = MethodScope::Only(names.into_iter().map(Into::into).collect());
        self
    }

    /// Covers every method except these (exact names or `prefix.*`), e.g. public
    /// introspection on an otherwise private server.
    pub fn except_methods<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.methods = MethodScope::Except(names.into_iter().map(Into::into).collect());
        self
    }

    /// The realm named in `WWW-Authenticate`.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    pub(crate) fn covers_path(&self, path: &str) -> bool {
        self.paths
            .as_ref()
            .is_none_or(|paths| paths.iter().any(|p| p == path))
    }

    /// Whether the policy can be decided without the method name.
    pub(crate) fn covers_every_method(&self) -> bool {
        matches!(self.methods, MethodScope::All)
    }

    pub(crate) fn covers_method(&self, name: &str) -> bool {
        let listed = |names: &[String]| names.iter().any(|n| name_matches(n, name));
        match &self.methods {
            MethodScope::All => true,
            _ if name == "system.multicall" => true,
            MethodScope::Only(names) => listed(names),
            MethodScope::Except(names) => !listed(names),
        }
    }

    /// Checks the request's credentials; the user name when they are accepted.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<Option<String>, Deny> {
        match basic_credentials(headers) {
            Some((user, password)) if (self.verify)(&user, &password) => Ok(Some(user)),
            _ => Err(Deny::Unauthorized {
                realm: self.realm.clone(),
            }),
        }
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("realm", &self.realm)
            .field("paths", &self.paths)
            .field("methods", &self.methods)
            .finish_non_exhaustive()
    }
}

fn name_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) if prefix.ends_with('.') => name.starts_with(prefix),
        _ => pattern == name,
    }
}

/// The `user:password` of an `Authorization: Basic` header (UTF-8), if well-formed.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Compares `given` with the `secret` in time that depends only on the secret's length, not
/// on where the first difference is (for checking passwords and tokens).
pub fn constant_time_eq(given: &[u8], secret: &[u8]) -> bool {
    let mut diff = u8::from(given.len() != secret.len());
    for (i, s) in secret.iter().enumerate() {
        diff |= given.get(i).copied().unwrap_or(0) ^ s;
    }
    std::hint::black_box(diff) == 0
}

/// How a request hook or an authentication policy turns a request away.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Deny {
    /// Answer HTTP 200 with this XML-RPC fault.
    Fault(Fault),
    /// Answer with this HTTP status (e.g. 403) and a short plain-text body.
    Status(StatusCode),
    /// Answer 401 with `WWW-Authenticate: Basic realm="..."`.
    Unauthorized {
        /// The realm the client should authenticate for.
        realm: String,
    },
}

/// The address of the client, as a request extension: the server sets it on the
/// connections it accepts; an application mounting [`Server::tower_service`] can insert it
/// itself so hooks see it.
///
/// [`Server::tower_service`]: crate::Server::tower_service
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// What a request hook sees of a request, once its call is decoded and before it is
/// dispatched. A `system.multicall` is seen once, under that name.
#[derive(Debug)]
#[non_exhaustive]
pub struct RequestInfo<'a> {
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The HTTP path.
    pub path: &'a str,
    /// The client's address, when known (see [`PeerAddr`]).
    pub peer: Option<SocketAddr>,
    /// The XML-RPC method name.
    pub method_name: &'a str,
    /// The user name an authentication policy accepted for this request, if any.
    pub user: Option<&'a str>,
}

type HookFn = dyn Fn(&RequestInfo<'_>) -> Result<(), Deny> + Send + Sync;

/// A user check run before dispatch (see [`crate::ServerBuilder::request_hook`]).
#[derive(Clone)]
pub(crate) struct Hook(pub Arc<HookFn>);

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hook")
    }
}

/// What the HTTP layer knows about a request when it hands the body to the decoder.
pub(crate) struct Gate<'a> {
    pub headers: &'a HeaderMap,
    pub path: &'a str,
    pub peer: Option<SocketAddr>,
    /// Policies covering this path that need the method name.
    pub deferred: Vec<&'a BasicAuth>,
    /// The user accepted by the policies checked from the headers.
    pub user: Option<String>,
}

impl Gate<'_> {
    /// Runs the method-scoped policies and the hook for a decoded call.
    pub fn admit(&self, method_name: &str, hook: Option<&Hook>) -> Result<(), Deny> {
        let mut user = self.user.clone();
        for policy in &self.deferred {
            if policy.covers_method(method_name) {
                user = policy.check(self.headers)?.or(user);
            }
        }
        match hook {
            None => Ok(()),
            Some(hook) => (hook.0)(&RequestInfo {
                headers: self.headers,
                path: self.path,
                peer: self.peer,
                method_name,
                user: user.as_deref(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with_auth(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secreT", b"secret"));
        assert!(!constant_time_eq(b"secret!", b"secret"));
        assert!(!constant_time_eq(b"secre", b"secret"));
        assert!(!constant_time_eq(b"", b"secret"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn credentials_and_header_parsing() {
        let auth = BasicAuth::credentials("r", [("alice", "pw:with:colons"), ("bob", "b")]);
        // alice:pw:with:colons
        let good = with_auth("Basic YWxpY2U6cHc6d2l0aDpjb2xvbnM=");
        assert_eq!(auth.check(&good), Ok(Some("alice".into())));
        assert_eq!(
            auth.check(&with_auth("basic Ym9iOmI=")),
            Ok(Some("bob".into()))
        );
        for bad in [
            "Basic Ym9iOmM=",
            "Bearer Ym9iOmI=",
            "Basic !!!",
            "Basic Ym9i",
            "Basic",
        ] {
            assert_eq!(
                auth.check(&with_auth(bad)),
                Err(Deny::Unauthorized { realm: "r".into() }),
                "{bad}"
            );
        }
        assert!(auth.check(&HeaderMap::new()).is_err());
    }

    #[test]
    fn scopes() {
        let only = BasicAuth::new("r", |_, _| true).methods(["admin.*", "reset"]);
        assert!(only.covers_method("admin.drop"));
        assert!(only.covers_method("reset"));
        assert!(only.covers_method("system.multicall"));
        assert!(!only.covers_method("administrator"));
        assert!(!only.covers_method("public.read"));
        let except = BasicAuth::new("r", |_, _| true).except_methods(["system.listMethods"]);
        assert!(!except.covers_method("system.listMethods"));
        assert!(except.covers_method("anything"));
        let paths = BasicAuth::new("r", |_, _| true).paths(["/admin"]);
        assert!(paths.covers_path("/admin"));
        assert!(!paths.covers_path("/RPC2"));
    }
}
