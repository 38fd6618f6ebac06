//! The app's key-value store `default` over `wasi:keyvalue@0.2.0-draft2`
//! (the interface Spin 4.0.2 serves; `wit/keyvalue.wit`), as a [`Store`]:
//! SQLite under `.spin/` with `spin up`, or what a runtime config file names,
//! such as Redis. The component that opens it lists it in spin.toml's
//! `key_value_stores`.

use crate::Store;

wit_bindgen::generate!({ world: "counter", path: "wit" });

use wasi::keyvalue::{atomics, store};

/// The store's label, as errors name it.
pub const STORE: &str = "default";

/// The store `default`, opened.
pub struct KeyValueStore(store::Bucket);

impl KeyValueStore {
    /// Opens it, or says why it cannot be (the store, and the failure).
    pub fn open() -> Result<Self, String> {
        store::open(STORE).map(KeyValueStore).map_err(describe)
    }
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

impl Store for KeyValueStore {
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
