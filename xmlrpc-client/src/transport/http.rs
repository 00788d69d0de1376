//! `http://` and `https://` through reqwest (rustls with the `tls` feature).

use bytes::BytesMut;
use http::{header, HeaderMap, HeaderValue};
use reqwest::Url;

use super::{body, RawResponse, Request};
use crate::{builder::Settings, Error};

/// A reqwest client (one keep-alive pool, shared by clones) and the endpoint URL.
#[derive(Debug)]
pub(crate) struct HttpTransport {
    client: reqwest::Client,
    url: Url,
    timeout: std::time::Duration,
}

impl HttpTransport {
    pub(crate) fn new(
        url: Url,
        headers: HeaderMap,
        settings: &Settings,
    ) -> Result<HttpTransport, Error> {
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            // The whole-call timeout is applied by the client around every transport alike.
            .connect_timeout(settings.connect_timeout)
            // A redirect would turn the POST into a GET; report the 3xx instead.
            .redirect(reqwest::redirect::Policy::none())
            .http1_only()
            .tcp_nodelay(true)
            .pool_idle_timeout(settings.pool_idle_timeout);
        if !settings.env_proxy {
            builder = builder.no_proxy();
        }
        #[cfg(feature = "tls")]
        let builder = settings
            .root_certificates
            .iter()
            .try_fold(builder, |b, pem| {
                reqwest::Certificate::from_pem(pem)
                    .map(|cert| b.add_root_certificate(cert))
                    .map_err(|e| Error::Config(format!("invalid root certificate: {e}")))
            })?;
        let client = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpTransport {
            client,
            url,
            timeout: settings.timeout,
        })
    }

    pub(crate) async fn send(&self, request: Request, max: usize) -> Result<RawResponse, Error> {
        let mut builder = self
            .client
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
        if request.gzipped {
            builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        let mut response = builder
            .body(request.body)
            .send()
            .await
            .map_err(|e| self.map_error(e))?;
        let status = response.status().as_u16();
        let content_encoding = response.headers().get(header::CONTENT_ENCODING).cloned();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| crate::retry::parse_retry_after(v.as_bytes()));
        body::check_declared_length(response.content_length(), max)?;
        let mut out = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.map_error(e))? {
            body::push_limited(&mut out, &chunk, max)?;
        }
        Ok(RawResponse {
            status,
            content_encoding,
            body: out.freeze(),
            retry_after,
        })
    }

    fn map_error(&self, e: reqwest::Error) -> Error {
        if e.is_connect() {
            // Also a connect timeout: the request was never sent, which is worth knowing.
            Error::connect(self.url.to_string(), e.without_url())
        } else if e.is_timeout() {
            Error::Timeout(self.timeout)
        } else if e.is_body() || e.is_decode() {
            Error::transport_from("reading the response failed", e.without_url())
        } else {
            Error::transport_from("the HTTP exchange failed", e.without_url())
        }
    }
}
