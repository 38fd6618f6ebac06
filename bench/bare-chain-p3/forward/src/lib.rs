//! WASIp3 twin of bench/bare-chain/forward: sends the body it got to
//! `double` over local service chaining and answers what `double` answered.

use spin_sdk::http::{send, IntoResponse, Method, Request};
use spin_sdk::http_service;

#[http_service]
async fn handle(request: Request) -> impl IntoResponse {
    let mut call = Request::new(request.into_body());
    *call.method_mut() = Method::POST;
    *call.uri_mut() = "http://double.spin.internal/".parse().expect("a valid URI");
    send(call).await
}
