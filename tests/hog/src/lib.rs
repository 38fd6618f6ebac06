//! `hog`: x ↦ x, except for the values that make it take all it can of one
//! resource, as ordinary code can. Unlike `faulty` it is built with the
//! default work budget and memory maximum, which these faults must meet:
//!
//! | x | what it takes |
//! |---|---|
//! | 2001 | work: an endless loop whose body is one bulk fill of 16 MiB (`memory.fill`) |
//! | 2002 | memory: allocates and fills 1 GiB, a mebibyte at a time |
//! | 2003 | work: a plain endless loop, spending the whole default budget |

use rpc_function::IntegerFunction;
use spin_sdk::http::{Request, Response};
use spin_sdk::http_component;
use std::hint::black_box;

const IDENTITY: IntegerFunction = IntegerFunction {
    name: "hog",
    summary: "Returns x, or takes all it can of work or memory for 2001 to 2003 (test only).",
    apply: Some,
    example: (41, 41),
};

#[http_component]
fn handle(request: Request) -> Response {
    let hog = test_function::fault_in(&request, 2001..=2003);
    match hog {
        Some(2001) => {
            let mut buffer = vec![0u8; 16 << 20];
            let mut pass = 0u8;
            loop {
                buffer.fill(pass);
                black_box(&mut buffer);
                pass = pass.wrapping_add(1);
            }
        }
        Some(2002) => {
            // 1 GiB, a mebibyte at a time, each filled: memory is touched
            // up to the function's maximum before an allocation fails.
            let mut held: Vec<Vec<u8>> = Vec::new();
            while held.len() < 1024 {
                held.push(vec![0x5a_u8; 1 << 20]);
                black_box(&held);
            }
        }
        Some(2003) => {
            let mut count = 0u64;
            loop {
                count = black_box(count + 1);
            }
        }
        _ => {}
    }
    test_function::answer_as_any(&IDENTITY, &request)
}
