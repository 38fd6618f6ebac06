//! The HTTP listener: accepts connections, routes each request to its
//! component, and answers 404 where no public route matches.

use crate::runtime::{plain_response, App, Body};
use anyhow::Result;
use http::StatusCode;
use http_body_util::BodyExt;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use wasmtime_wasi_http::p2::hyper_request_error;

/// Serves `app` on `listener` until the task is dropped.
pub async fn serve(app: Arc<App>, listener: TcpListener) -> Result<()> {
    loop {
        let (stream, client) = listener.accept().await?;
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(app.clone(), request, client));
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                if !error.is_incomplete_message() {
                    eprintln!("connection from {client}: {error}");
                }
            }
        });
    }
}

async fn answer(
    app: Arc<App>,
    request: hyper::Request<hyper::body::Incoming>,
    client: SocketAddr,
) -> Result<hyper::Response<Body>, Infallible> {
    let Some(route) = app.route(request.uri().path()) else {
        return Ok(plain_response(StatusCode::NOT_FOUND));
    };
    let request = request.map(|body| body.map_err(hyper_request_error).boxed_unsync());
    Ok(match app.handle(&route, request, client).await {
        Ok(response) => response,
        Err(error) => {
            eprintln!("[{}] {error:?}", route.component);
            plain_response(StatusCode::INTERNAL_SERVER_ERROR)
        }
    })
}
