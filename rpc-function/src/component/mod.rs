//! The Spin glue: a function as an HTTP component.

use crate::function::{answer, Answer, Callable};
use spin_sdk::http::{Method, Request, Response};

/// Serves one inner request: `POST` with an inner body calls the function,
/// `GET` describes it; any other method is 405.
pub fn serve(function: &(impl Callable + ?Sized), request: Request) -> Response {
    let answer = match request.method() {
        Method::Post => answer(function, request.body()),
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
