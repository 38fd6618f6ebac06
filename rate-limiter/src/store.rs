//! The key-value store the counting needs, as `wasi:keyvalue` serves it.

#[cfg(any(test, feature = "test-support"))]
use std::collections::BTreeMap;
use std::fmt;

/// The store's label, as the rate limiter's `key_value_stores` in spin.toml
/// lists it and errors name it.
pub const STORE: &str = "default";

/// The operations of a key-value store the counting needs, as
/// `wasi:keyvalue` and the project's host serve them.
pub trait Store {
    /// Adds `delta` to the number at `key` (0 if absent) and returns it.
    fn increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError>;
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    fn delete(&mut self, key: &str) -> Result<(), StoreError>;
    fn exists(&mut self, key: &str) -> Result<bool, StoreError>;
}

/// Why a store operation failed, as `wasi:keyvalue` says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    NoSuchStore,
    AccessDenied,
    /// The store's own words: they may name its address, even its
    /// credentials, so they go to the log and never to a client.
    Other(String),
}

impl StoreError {
    /// What a client may be told.
    pub fn public(&self) -> String {
        let why = match self {
            StoreError::NoSuchStore => "is not defined",
            StoreError::AccessDenied => {
                "may not be opened by the rate limiter (its key_value_stores must list it)"
            }
            StoreError::Other(_) => "failed (the rate limiter's log says how)",
        };
        format!("key-value store {STORE:?} {why}")
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Other(words) => write!(f, "key-value store {STORE:?}: {words}"),
            known => f.write_str(&known.public()),
        }
    }
}

/// A store in this process's memory: for tests (this crate's, and the
/// router's in-process ones), behind the `test-support` feature.
#[cfg(any(test, feature = "test-support"))]
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub entries: BTreeMap<String, Vec<u8>>,
}

#[cfg(any(test, feature = "test-support"))]
impl Store for MemoryStore {
    fn increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError> {
        let value = self.entries.entry(key.to_owned()).or_default();
        let not_a_number = || StoreError::Other("the value is not a number".into());
        let number = match value.as_slice() {
            [] => 0,
            bytes => std::str::from_utf8(bytes)
                .ok()
                .and_then(|text| text.parse::<i64>().ok())
                .ok_or_else(not_a_number)?,
        };
        let number = number
            .checked_add(delta)
            .ok_or_else(|| StoreError::Other("the number overflows".into()))?;
        *value = number.to_string().into_bytes();
        Ok(number)
    }

    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.entries.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.entries.insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&mut self, key: &str) -> Result<(), StoreError> {
        self.entries.remove(key);
        Ok(())
    }

    fn exists(&mut self, key: &str) -> Result<bool, StoreError> {
        Ok(self.entries.contains_key(key))
    }
}
