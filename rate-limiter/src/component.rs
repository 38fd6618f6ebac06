//! The limiter as a Spin component: a charge in, a verdict out, counted in
//! the key-value store labelled `default` (the component's
//! `key_value_stores` in spin.toml: SQLite under `.spin/` with `spin up`,
//! or what the runtime config file names, such as Redis).

use crate::Store;
use rpc_protocol::body;
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use std::time::{SystemTime, UNIX_EPOCH};

wit_bindgen::generate!({ world: "counter", path: "wit" });

use wasi::keyvalue::{atomics, store};

/// The store's label, as errors name it.
const STORE: &str = "default";

/// A charge is a few dozen bytes.
const MAX_CHARGE_BYTES: usize = 4096;

#[spin_sdk::http_component]
fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    if request.method() != Method::Post {
        return body::write(response_out, 405, &[("allow", "POST")], &[]);
    }
    let answer = body::read(request, MAX_CHARGE_BYTES, None)
        .map_err(|error| error.to_string())
        .and_then(|charge| {
            let open = || store::open(STORE).map(KeyValue).map_err(describe);
            crate::answer(open, &charge, now_ms())
        });
    match answer {
        Ok(verdict) => {
            let json = [("content-type", "application/json")];
            body::write(response_out, 200, &json, &verdict)
        }
        Err(problem) => body::write(response_out, 400, &[], problem.as_bytes()),
    }
}

fn now_ms() -> u64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
    since_epoch.map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// What the client of a failed store is told: the store and the failure.
fn describe(error: store::Error) -> String {
    let why = match error {
        store::Error::NoSuchStore => "there is no such store".to_owned(),
        store::Error::AccessDenied => {
            "access denied (the component's key_value_stores must list it)".to_owned()
        }
        store::Error::Other(detail) => detail,
    };
    format!("key-value store {STORE:?}: {why}")
}

/// The `default` store, opened.
struct KeyValue(store::Bucket);

impl Store for KeyValue {
    fn increment(&mut self, key: &str, delta: i64) -> Result<i64, String> {
        atomics::increment(&self.0, key, delta).map_err(describe)
    }

    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
        self.0.get(key).map_err(describe)
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), String> {
        self.0.set(key, value).map_err(describe)
    }

    fn delete(&mut self, key: &str) -> Result<(), String> {
        self.0.delete(key).map_err(describe)
    }
}
