//! WASIp3 twin of bench/bare-chain/double: a decimal integer in the body,
//! twice it out, as text.
//!
//! The answer carries its `content-length`: without it Spin 4.1 streams it
//! chunked, the head and the end in two writes on a socket without
//! `TCP_NODELAY`, and a kept-alive client waits for its own delayed ACK
//! (about 40 ms) on every answer after the first (see README.md).

use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{HeaderMap, HeaderValue, IntoResponse, Request, StatusCode};
use spin_sdk::http_service;

#[http_service]
async fn handle(request: Request) -> impl IntoResponse {
    let body = request.into_body().bytes().await.unwrap_or_default();
    let doubled = std::str::from_utf8(&body)
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .and_then(|x| x.checked_mul(2));
    let (status, answer) = match doubled {
        Some(result) => (StatusCode::OK, result.to_string()),
        None => (
            StatusCode::BAD_REQUEST,
            "not a 64-bit integer, or overflow".to_string(),
        ),
    };
    let mut headers = HeaderMap::new();
    headers.insert("content-length", HeaderValue::from(answer.len()));
    (status, headers, answer)
}
