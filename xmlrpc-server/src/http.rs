//! One HTTP request, in order: the request rules ([`rules`]), the body ([`body`]), the call
//! (decoded and run by the dispatcher, which admits it), and the response ([`response`]).

mod body;
pub(crate) mod response;
pub(crate) mod rules;

use std::time::Instant;

use http::Request;
use hyper::body::Body;
use tracing::{field::Empty, Instrument};

pub(crate) use response::Reply;
pub use response::ResponseBody;

use crate::server::{Inner, Refused};

/// Handles one request. `check_path` is false where the embedding application routes.
pub(crate) async fn handle<B>(inner: &Inner, req: Request<B>, check_path: bool) -> Reply
where
    B: Body,
    B::Error: std::fmt::Display,
{
    let span = tracing::debug_span!(
        "xmlrpc.request",
        path = req.uri().path(),
        method = Empty,
        status = Empty,
        micros = Empty,
    );
    if span.is_disabled() {
        // Nobody listens: skip the instrumentation and the clock reads.
        return handle_inner(inner, req, check_path).await;
    }
    let started = Instant::now();
    let reply = handle_inner(inner, req, check_path)
        .instrument(span.clone())
        .await;
    match &reply {
        Reply::Response(r) => span.record("status", r.status().as_u16()),
        Reply::Close => span.record("status", "closed"),
    };
    span.record("micros", started.elapsed().as_micros() as u64);
    reply
}

/// The answer to a request that cannot even be formed (a CGI environment with an invalid
/// method or path): 400, counted.
pub(crate) fn malformed(inner: &Inner) -> http::Response<ResponseBody> {
    response::refused(inner, http::StatusCode::BAD_REQUEST, true)
}

async fn handle_inner<B>(inner: &Inner, req: Request<B>, check_path: bool) -> Reply
where
    B: Body,
    B::Error: std::fmt::Display,
{
    let (head, body) = req.into_parts();
    // A refusal before the body is read closes the connection when a body is on its way.
    let unread = || rules::body_pending(&head.headers);
    let accepted = match rules::check(&head, &inner.config, check_path) {
        Ok(accepted) => accepted,
        Err(rules::Refusal::Status(status)) => {
            // operations: the method page and the metrics answer GET when on (ops.rs).
            if status == http::StatusCode::METHOD_NOT_ALLOWED && head.method == http::Method::GET {
                if let Some(page) = crate::ops::answer_get(inner, &head, check_path) {
                    return Reply::Response(page);
                }
            }
            return Reply::Response(response::refused(inner, status, unread()));
        }
        Err(rules::Refusal::Denied(deny)) => {
            return Reply::Response(response::denied(inner, deny, unread()))
        }
    };
    let bytes = match body::read(body, accepted.length, accepted.gzipped, &inner.config).await {
        Ok(bytes) => bytes,
        Err(status) => return Reply::Response(response::refused(inner, status, true)),
    };
    let gate = &accepted.gate;
    let admit = |name: &str| gate.admit(name, inner.config.hook.as_ref());
    match inner.answer(&bytes, admit).await {
        Ok(answer) => Reply::Response(response::answered(inner, &answer, &head.headers)),
        Err(Refused::Denied(deny)) => Reply::Response(response::denied(inner, deny, false)),
        Err(Refused::Overloaded(rejection)) => response::rejected(inner, rejection),
    }
}
