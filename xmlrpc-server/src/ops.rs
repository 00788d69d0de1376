//! The operations endpoints answered to `GET`: the method page on the RPC paths and the
//! metrics text on the metrics path. Both are off by default; when off, a `GET` gets the
//! usual 405 and the request path pays one comparison of the HTTP method.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use http_body_util::Full;

use crate::{
    docpage::{self, PageText},
    http::ResponseBody,
    metrics::{self, Metrics},
    server::Inner,
};

/// Settings of the operations endpoints, and their state once built.
#[derive(Debug, Clone, Default)]
pub(crate) struct Operations {
    /// Whether the method page is served.
    pub page: bool,
    /// The method page's title and introduction.
    pub page_text: PageText,
    /// The page, rendered at its first request (the method table never changes).
    pub page_cache: Arc<OnceLock<Page>>,
    /// Whether per-method metrics are collected and served.
    pub metrics_on: bool,
    /// Where the metrics text is served (default `/metrics`).
    pub metrics_path: Option<String>,
    /// The per-method series, made at build time when `metrics_on`.
    pub metrics: Option<Arc<Metrics>>,
}

/// The rendered page, plain and gzip-compressed.
pub(crate) struct Page {
    html: Bytes,
    gzipped: Option<Bytes>,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("bytes", &self.html.len())
            .finish_non_exhaustive()
    }
}

pub(crate) const DEFAULT_METRICS_PATH: &str = "/metrics";

/// Answers a `GET` for the method page or the metrics when one is on and the request is
/// for it; `None` leaves the request to the usual rules (405).
pub(crate) fn answer_get(
    inner: &Inner,
    head: &http::request::Parts,
    check_path: bool,
) -> Option<Response<ResponseBody>> {
    let ops = &inner.config.ops;
    let path = head.uri.path();
    let for_metrics =
        ops.metrics_on && path == ops.metrics_path.as_deref().unwrap_or(DEFAULT_METRICS_PATH);
    let for_page = !for_metrics
        && ops.page
        && (!check_path || inner.config.path_allowed(path))
        && accepts_html(&head.headers);
    if !for_metrics && !for_page {
        return None;
    }
    // Every authentication policy covering the path guards these pages, whatever its
    // method scope: the page names every method and the metrics count their calls.
    for policy in inner.config.auth.iter().filter(|p| p.covers_path(path)) {
        if let Err(deny) = policy.check(&head.headers) {
            return Some(crate::http::response::denied(inner, deny, false));
        }
    }
    if for_metrics {
        let text = metrics::render(&inner.stats.snapshot(), ops.metrics.as_deref());
        return Some(ok(
            Bytes::from(text),
            "text/plain; version=0.0.4; charset=utf-8",
            None,
        ));
    }
    let page = ops.page_cache.get_or_init(|| {
        let html = docpage::render(&ops.page_text, inner.dispatcher.infos());
        let gzipped = crate::http::response::gzip(html.as_bytes()).map(Bytes::from);
        Page {
            html: Bytes::from(html),
            gzipped,
        }
    });
    let body = match &page.gzipped {
        Some(gz) if crate::http::rules::accepts_gzip(&head.headers) => (gz.clone(), Some("gzip")),
        _ => (page.html.clone(), None),
    };
    let mut response = ok(body.0, "text/html; charset=utf-8", body.1);
    // The page runs only its own inline script and loads nothing.
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
        ),
    );
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Some(response)
}

fn ok(
    body: Bytes,
    content_type: &'static str,
    encoding: Option<&'static str>,
) -> Response<ResponseBody> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// Whether `Accept` names `text/html` with a non-zero quality (what browsers send).
pub(crate) fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let kind = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().map_or(true, |q| q <= 0.0))
            });
            kind.eq_ignore_ascii_case("text/html") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &'static str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        accepts_html(&headers)
    }

    #[test]
    fn browsers_accept_html_and_other_clients_do_not() {
        assert!(accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        ));
        assert!(accept("TEXT/HTML"));
        assert!(!accept("*/*"));
        assert!(!accept("text/xml"));
        assert!(!accept("text/html;q=0"));
        assert!(!accepts_html(&HeaderMap::new()));
    }
}
