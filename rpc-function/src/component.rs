//! The Spin glue: an [`IntegerFunction`] as an HTTP component.

use crate::IntegerFunction;
use spin_sdk::http::{Method, Request, Response};

/// Serves one inner request: `POST` with an inner body; any other method is 405.
pub fn serve(function: &IntegerFunction, request: Request) -> Response {
    if *request.method() != Method::Post {
        return Response::builder()
            .status(405)
            .header("allow", "POST")
            .body(())
            .build();
    }
    let answer = function.answer(request.body());
    Response::builder()
        .status(answer.status)
        .header("content-type", "application/json")
        .body(answer.body)
        .build()
}
