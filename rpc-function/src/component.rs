//! The Spin glue: an [`IntegerFunction`] as an HTTP component.

use crate::function::Answer;
use crate::IntegerFunction;
use spin_sdk::http::{Method, Request, Response};

/// Serves one inner request: `POST` with an inner body calls the function,
/// `GET` describes it; any other method is 405.
pub fn serve(function: &IntegerFunction, request: Request) -> Response {
    let answer = match request.method() {
        Method::Post => function.answer(request.body()),
        Method::Get => Answer {
            status: 200,
            body: function.describe(),
        },
        _ => {
            return Response::builder()
                .status(405)
                .header("allow", "GET, POST")
                .body(())
                .build();
        }
    };
    Response::builder()
        .status(answer.status)
        .header("content-type", "application/json")
        .body(answer.body)
        .build()
}
