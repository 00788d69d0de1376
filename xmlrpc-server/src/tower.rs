//! The endpoint as a tower / hyper service, for mounting inside another HTTP application.

use std::{
    convert::Infallible,
    sync::Arc,
    task::{Context, Poll},
};

use http::{Request, Response};
use hyper::body::Body;

use crate::{
    http::{handle, ResponseBody},
    server::Inner,
    BoxFuture, Server,
};

/// The XML-RPC endpoint as a `tower::Service` and a `hyper::service::Service`, from
/// [`Server::tower_service`](crate::Server::tower_service). It applies every request rule,
/// the capacity bounds and the overload policy; as it cannot close the host's connection,
/// the `Close` policy answers 503 with `Connection: close` here.
#[derive(Clone)]
pub struct XmlRpcService {
    inner: Arc<Inner>,
    check_path: bool,
}

impl XmlRpcService {
    pub(crate) fn new(inner: Arc<Inner>, check_path: bool) -> Self {
        XmlRpcService { inner, check_path }
    }

    /// Also refuse (404) paths outside the server's `rpc_paths`, for use as the whole
    /// application rather than one route of it.
    pub fn check_paths(mut self, check: bool) -> Self {
        self.check_path = check;
        self
    }

    fn respond<B>(&self, req: Request<B>) -> BoxFuture<Result<Response<ResponseBody>, Infallible>>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: std::fmt::Display,
    {
        let inner = self.inner.clone();
        let check_path = self.check_path;
        Box::pin(async move { Ok(handle(&inner, req, check_path).await.for_host()) })
    }
}

impl Server {
    /// The XML-RPC endpoint as a tower / hyper service, to mount inside another application
    /// (e.g. axum's `Router::route_service("/RPC2", server.tower_service())`). It answers
    /// at whatever path it is mounted on; the server's `rpc_paths` are not consulted.
    pub fn tower_service(&self) -> XmlRpcService {
        XmlRpcService::new(self.inner.clone(), false)
    }
}

impl std::fmt::Debug for XmlRpcService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlRpcService")
            .field("check_path", &self.check_path)
            .finish()
    }
}

impl<B> tower::Service<Request<B>> for XmlRpcService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Admission happens per request inside `call`, where the overload policy applies.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        self.respond(req)
    }
}

impl<B> hyper::service::Service<Request<B>> for XmlRpcService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn call(&self, req: Request<B>) -> Self::Future {
        self.respond(req)
    }
}
