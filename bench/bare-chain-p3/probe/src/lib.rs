//! What a reused WASIp3 instance keeps from one request to the next (see
//! README.md). Every answer is one line:
//! `instance=<id> requests=<n> previous=<body of the previous request>`,
//! where `id` is drawn when the instance serves its first request and `n`
//! counts the requests this instance has served, this one included.
//!
//! - `/probe`: just that line (the body is kept for the next request).
//! - `/probe/trap`: panics, so the instance traps (`panic = "abort"`).
//! - `/probe/sleep/<ms>`: answers after `ms` milliseconds.
//! - `/probe/burn/<n>`: runs `n` rounds of a loop first (spends a work
//!   budget, when `work-budget` has compiled one in).

use spin_sdk::http::body::IncomingBodyExt;
use spin_sdk::http::{IntoResponse, Request, StatusCode};
use spin_sdk::http_service;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

static REQUESTS: AtomicU64 = AtomicU64::new(0);
static INSTANCE: OnceLock<u64> = OnceLock::new();
static PREVIOUS: Mutex<String> = Mutex::new(String::new());

#[http_service]
async fn handle(request: Request) -> impl IntoResponse {
    let path = request.uri().path().to_string();
    let body = request.into_body().bytes().await.unwrap_or_default();
    let instance = *INSTANCE.get_or_init(|| RandomState::new().hash_one(0u8) % 100_000);
    let requests = REQUESTS.fetch_add(1, Ordering::Relaxed) + 1;
    let previous = std::mem::replace(
        &mut *PREVIOUS.lock().unwrap(),
        String::from_utf8_lossy(&body).into_owned(),
    );
    let mut parts = path.trim_start_matches('/').split('/').skip(1);
    match (
        parts.next(),
        parts.next().and_then(|n| n.parse::<u64>().ok()),
    ) {
        (Some("trap"), _) => panic!("trap requested"),
        (Some("sleep"), Some(ms)) => spin_sdk::time::sleep(Duration::from_millis(ms)).await,
        (Some("burn"), Some(rounds)) => {
            let mut x = 0u64;
            for i in 0..rounds {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
            std::hint::black_box(x);
        }
        _ => {}
    }
    (
        StatusCode::OK,
        format!("instance={instance} requests={requests} previous={previous}\n"),
    )
}
