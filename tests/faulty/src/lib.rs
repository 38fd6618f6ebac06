//! `faulty`: x ↦ x, except for the values that make it misbehave, so that
//! the tests can prove each failure reaches the client as a clear error and
//! nothing else. A request holding any of these values misbehaves as a
//! whole, in either inner form:
//!
//! | x | fault |
//! |---|---|
//! | 1001 | traps (panics) |
//! | 1002 | loops forever (until its work budget is spent: a trap) |
//! | 1003 | answers after 3 s |
//! | 1004 | answers 2 MiB |
//! | 1005 | answers something that is not the inner format |
//! | 1006 | answers HTTP 503 |
//! | 1007 | answers, as its result, the `traceparent` header it got (or null) |

use rpc_function::IntegerFunction;
use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;
use std::time::Duration;

const IDENTITY: IntegerFunction = IntegerFunction {
    name: "faulty",
    summary: "Returns x, or misbehaves on purpose for 1001 to 1006 (test only).",
    apply: Some,
    example: (41, 41),
};

#[http_component]
fn handle(request: Request) -> Response {
    let fault = test_function::fault_in(&request, 1001..=1007);
    match fault {
        Some(1001) => panic!("faulty: trapping on purpose"),
        Some(1002) =>
        {
            #[allow(clippy::empty_loop)]
            loop {}
        }
        Some(1003) => std::thread::sleep(Duration::from_secs(3)),
        Some(1004) => return Response::new(200, vec![b' '; 2 << 20]),
        Some(1005) => return Response::new(200, "this is not JSON"),
        Some(1006) => return Response::new(503, "unavailable"),
        Some(1007) => {
            let traceparent = request.header("traceparent").and_then(|v| v.as_str());
            let result = serde_json::json!({ "result": traceparent });
            return Response::new(200, result.to_string());
        }
        _ => {}
    }
    test_function::answer_as_any(&IDENTITY, &request)
}
