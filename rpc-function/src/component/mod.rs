//! The Spin glue: a function as an HTTP component.
//!
//! [`respond`] serves straight from the host's request with [`body`]'s
//! blocking reads and writes: it asks the host for the method and the body
//! and nothing else, and writes the answer in one go (a function serves one
//! request per instance, so blocking waits for nothing else). [`serve`] takes the SDK's
//! buffered `Request` instead, for a component that looks at the request
//! itself first (which costs host calls for the URI and every header).

pub mod body;

use crate::function::{answer, Answer, Callable};
use body::write;
use spin_sdk::http::{IncomingRequest, Method, Request, Response, ResponseOutparam};

/// Serves one inner request: `POST` with an inner body calls the function,
/// `GET` describes it; any other method is 405.
pub fn respond(
    function: &(impl Callable + ?Sized),
    request: IncomingRequest,
    response_out: ResponseOutparam,
) {
    let answer = match request.method() {
        // The router bounds what it sends; a function reads what comes.
        Method::Post => match body::read(request, usize::MAX) {
            Ok(body) => answer(function, &body),
            Err(problem) => Answer {
                status: 400,
                body: problem.to_string().into_bytes(),
            },
        },
        Method::Get => Answer {
            status: 200,
            body: function.describe(),
        },
        _ => return write(response_out, 405, &[("allow", "GET, POST")], &[]),
    };
    let json = [("content-type", "application/json")];
    write(response_out, answer.status, &json, &answer.body);
}

/// Serves one inner request already read into a `Request`.
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
