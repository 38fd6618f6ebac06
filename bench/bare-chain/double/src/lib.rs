//! The least a function can do: read a decimal integer from the body and
//! answer twice it, as text. The floor the real `double` is measured against.

use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(request: Request) -> Response {
    let doubled = std::str::from_utf8(request.body())
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .and_then(|x| x.checked_mul(2));
    match doubled {
        Some(result) => Response::new(200, result.to_string()),
        None => Response::new(400, "not a 64-bit integer, or overflow"),
    }
}
