//! The least a router can do: send the body it got to `double` over local
//! service chaining and answer what `double` answered. No JSON, no limits,
//! no variables: the floor the real router is measured against.

use spin_sdk::http::{send, IntoResponse, Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
async fn handle(request: Request) -> anyhow::Result<impl IntoResponse> {
    let call = Request::builder()
        .method(Method::Post)
        .uri("http://double.spin.internal/")
        .body(request.into_body())
        .build();
    let answer: Response = send(call).await?;
    Ok(answer)
}
