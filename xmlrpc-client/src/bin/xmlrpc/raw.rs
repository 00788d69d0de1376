//! The HTTP exchange as bytes, for `--xml` (the response as received) and `--verbose` (both
//! messages on standard error).
//!
//! `xmlrpc_client::Client` decodes responses and does not hand out the wire bytes, so these
//! options post the request themselves, over the same reqwest stack the client uses for
//! `http://` and `https://`. Unix-socket and SCGI targets have no such path: for them the
//! options are refused with a message rather than showing something other than the wire.

use std::{io::Write as _, sync::Arc, time::Duration};

use reqwest::{header, Url};
use xmlrpc_client::Error;

use crate::failure::Failure;

/// Responses larger than this are refused, as the client's default does.
const MAX_RESPONSE: usize = xmlrpc_client::DEFAULT_MAX_RESPONSE_SIZE;

/// Posts requests to one `http(s)://` endpoint.
pub struct RawHttp {
    http: reqwest::Client,
    url: Url,
    timeout: Duration,
    credentials: Option<(String, String)>,
    headers: Vec<(String, String)>,
    verbose: bool,
}

impl RawHttp {
    /// A poster for `url`; `credentials` replace any `user:pass@` in the URL.
    pub fn new(
        url: &str,
        timeout: Duration,
        credentials: Option<(String, String)>,
        headers: Vec<(String, String)>,
        verbose: bool,
    ) -> Result<RawHttp, Failure> {
        let mut url =
            Url::parse(url).map_err(|e| Failure::Usage(format!("invalid URL {url:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Failure::Usage(format!(
                "--xml and --verbose show the HTTP exchange of http:// and https:// URLs only, \
                 not of {}: URLs",
                url.scheme()
            )));
        }
        if credentials.is_some() {
            // The options win over the URL, as in the client.
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            // A redirect would turn the POST into a GET: show the 3xx instead.
            .redirect(reqwest::redirect::Policy::none())
            .http1_only()
            .build()
            .map_err(|e| Failure::Usage(format!("cannot set up HTTP: {e}")))?;
        Ok(RawHttp {
            http,
            url,
            timeout,
            credentials,
            headers,
            verbose,
        })
    }

    /// Posts a `methodCall` and returns the body of a 200 answer.
    pub async fn post(&self, body: Vec<u8>) -> Result<Vec<u8>, Failure> {
        let mut builder = self
            .http
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, "text/xml")
            .header(
                header::USER_AGENT,
                concat!("xmlrpc-cli/", env!("CARGO_PKG_VERSION")),
            );
        if let Some((user, password)) = &self.credentials {
            builder = builder.basic_auth(user, Some(password));
        }
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let request = builder
            .body(body)
            .build()
            .map_err(|e| Failure::Usage(format!("cannot build the request: {e}")))?;
        if self.verbose {
            show_request(&request);
        }
        let target = request.url().to_string();
        let mut response = self
            .http
            .execute(request)
            .await
            .map_err(|e| self.transport_error(&target, e))?;
        let status = response.status();
        let head = self.verbose.then(|| response_head(&response));
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(&target, e))?
        {
            if body.len() + chunk.len() > MAX_RESPONSE {
                return Err(Failure::Client(Error::ResponseTooLarge {
                    limit: MAX_RESPONSE,
                }));
            }
            body.extend_from_slice(&chunk);
        }
        if let Some(head) = head {
            show(&head, &body);
        }
        if status != reqwest::StatusCode::OK {
            let shown = String::from_utf8_lossy(&body[..body.len().min(512)]).into_owned();
            return Err(Failure::Client(Error::Status {
                code: status.as_u16(),
                body: shown,
            }));
        }
        Ok(body)
    }

    fn transport_error(&self, target: &str, error: reqwest::Error) -> Failure {
        Failure::Client(if error.is_timeout() {
            Error::Timeout(self.timeout)
        } else if error.is_connect() {
            Error::Connect {
                target: target.to_string(),
                source: Arc::new(error),
            }
        } else {
            Error::Transport {
                message: format!("the exchange with {target} failed"),
                source: Some(Arc::new(error)),
            }
        })
    }
}

/// Writes the request line, headers and body to standard error, hiding credentials.
fn show_request(request: &reqwest::Request) {
    let mut head = format!("> POST {} HTTP/1.1\n", request.url());
    for (name, value) in request.headers() {
        let value = if name == header::AUTHORIZATION {
            "(hidden)".to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        head.push_str(&format!("> {name}: {value}\n"));
    }
    head.push_str(">\n");
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .unwrap_or_default();
    show(&head, body);
}

/// The status line and headers of a response, marked as incoming.
fn response_head(response: &reqwest::Response) -> String {
    let mut head = format!("< {:?} {}\n", response.version(), response.status());
    for (name, value) in response.headers() {
        head.push_str(&format!(
            "< {name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    head.push_str("<\n");
    head
}

fn show(head: &str, body: &[u8]) {
    let mut err = std::io::stderr().lock();
    // Diagnostics are best effort: a closed stderr must not fail the call.
    let _ = err.write_all(head.as_bytes());
    let _ = err.write_all(body);
    if !body.ends_with(b"\n") {
        let _ = err.write_all(b"\n");
    }
}
