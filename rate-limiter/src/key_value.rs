//! The app's key-value store `default` over `wasi:keyvalue@0.2.0-draft2`
//! (the interface Spin 4.0.2 serves; `wit/keyvalue.wit`), as a [`Store`]:
//! SQLite under `.spin/` with `spin up`, or what a runtime config file names,
//! such as Redis. The rate limiter lists it in spin.toml's
//! `key_value_stores`.

use crate::store::{Store, StoreError, STORE};

wit_bindgen::generate!({ world: "counter", path: "wit" });

use wasi::keyvalue::{atomics, store};

/// The store `default`, opened.
pub struct KeyValueStore(store::Bucket);

impl KeyValueStore {
    pub fn open() -> Result<Self, StoreError> {
        store::open(STORE)
            .map(KeyValueStore)
            .map_err(StoreError::from)
    }
}

impl From<store::Error> for StoreError {
    fn from(error: store::Error) -> Self {
        match error {
            store::Error::NoSuchStore => StoreError::NoSuchStore,
            store::Error::AccessDenied => StoreError::AccessDenied,
            store::Error::Other(words) => StoreError::Other(words),
        }
    }
}

impl Store for KeyValueStore {
    fn increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError> {
        Ok(atomics::increment(&self.0, key, delta)?)
    }

    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.0.get(key)?)
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        Ok(self.0.set(key, value)?)
    }

    fn delete(&mut self, key: &str) -> Result<(), StoreError> {
        Ok(self.0.delete(key)?)
    }

    fn exists(&mut self, key: &str) -> Result<bool, StoreError> {
        Ok(self.0.exists(key)?)
    }
}
