//! The Spin glue: a function as an HTTP component.
//!
//! [`respond`] serves straight from the host's request with
//! `rpc_protocol::body`'s blocking reads and writes: it asks the host for the
//! method and the body and nothing else (not the URI nor every header, as
//! the SDK's buffered `Request` would), and writes the answer in one go (a
//! function serves one request per instance, so blocking waits for nothing
//! else).

use crate::function::{answer, Answer, Callable};
use rpc_protocol::body::{self, write, BodyError};
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};

/// The methods an inner request may use, for a 405's `allow` header.
const ALLOW: &str = "GET, POST";

/// Serves one inner request: `POST` with an inner body calls the function,
/// `GET` describes it; any other method is 405.
pub fn respond(
    function: &(impl Callable + ?Sized),
    request: IncomingRequest,
    response_out: ResponseOutparam,
) {
    let method = request.method();
    // The router bounds what it sends; a function reads what comes.
    let read = || body::read(request, usize::MAX, None);
    match answer_to(function, method, read) {
        Some(answer) => {
            let json = [("content-type", "application/json")];
            // The router reads the answer by its own deadline, and gives up
            // on it (closing the stream) past that.
            write(response_out, answer.status, &json, &answer.body, None);
        }
        None => write(response_out, 405, &[("allow", ALLOW)], &[], None),
    }
}

/// What a function answers an inner request: `POST` calls it with the body
/// `read` gives (read only then), `GET` describes it; `None` for any other
/// method.
fn answer_to(
    function: &(impl Callable + ?Sized),
    method: Method,
    read: impl FnOnce() -> Result<Vec<u8>, BodyError>,
) -> Option<Answer> {
    Some(match method {
        Method::Post => match read() {
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
        _ => return None,
    })
}
