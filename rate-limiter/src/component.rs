//! The Spin shell: `POST /` with a [`Charge`] counts it in the store
//! `default` and answers the [`Verdict`]. Only the router sends here (the
//! component's route is private). What the store says when it fails goes to
//! this component's log; the router is told only which store failed.

use crate::key_value::KeyValueStore;
use crate::{count, Charge, Verdict};
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use std::time::{SystemTime, UNIX_EPOCH};

#[http_component]
fn handle(request: Request) -> Response {
    if *request.method() != Method::Post {
        return Response::new(405, "POST a charge");
    }
    let Ok(charge) = serde_json::from_slice::<Charge>(request.body()) else {
        return Response::new(400, "not a charge");
    };
    let verdict = match KeyValueStore::open() {
        Ok(mut store) => count(&mut store, &charge, now_ms()),
        Err(error) => {
            eprintln!("rate limits: {error}");
            Verdict::StoreFailed(error.public())
        }
    };
    let body = serde_json::to_vec(&verdict).unwrap_or_default();
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body)
        .build()
}

/// The wall clock, in milliseconds since the Unix epoch: windows are counted
/// on it, so that replicas agree on them.
fn now_ms() -> u64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
    since_epoch.map_or(0, |elapsed| {
        u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
    })
}
