//! `rate-limiter`: counts a token's calls in fixed windows, in the app's
//! key-value store, and says how many of them may run.
//!
//! A window is `window_ms` long and starts at a multiple of it since the
//! Unix epoch, so every replica that reads the same clock counts in the same
//! window, under the same key: `rate-limit/<key>/<window_ms>/<index>`. Each
//! charge is one atomic increment of that key (never a read then a write),
//! so replicas sharing the store never let more than the limit through
//! together. Spin's store has no expiry: the first charge of a window
//! deletes the token's previous window, which
//! `rate-limit/<key>/<window_ms>/current` names, so a token keeps two keys.
//!
//! The store is any [`Store`]: in a component, `wasi:keyvalue`
//! ([`key_value`], wasm only); in tests, a [`MemoryStore`].

#[cfg(target_arch = "wasm32")]
pub mod key_value;

/// `calls` more calls of the token that `key` names (never the token
/// itself), which may make `limit` calls per window of `window_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub key: String,
    pub calls: u64,
    pub limit: u64,
    pub window_ms: u64,
}

/// How many of the calls charged may run: the first `allowed` of them, in
/// order; the others wait `retry_after_ms`, until the window ends. Or the
/// store failed, and none may run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Counted { allowed: u64, retry_after_ms: u64 },
    StoreFailed(String),
}

/// The operations of a key-value store the counting needs (on Spin,
/// `wasi:keyvalue`); an error is the store's own words.
pub trait Store {
    /// Adds `delta` to the number at `key` (0 if absent) and returns it.
    fn increment(&mut self, key: &str, delta: i64) -> Result<i64, String>;
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String>;
    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), String>;
    fn delete(&mut self, key: &str) -> Result<(), String>;
}

/// The window a moment falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub index: u64,
    /// When it ends, in milliseconds since the Unix epoch.
    pub ends_at_ms: u64,
}

impl Window {
    pub fn containing(now_ms: u64, window_ms: u64) -> Self {
        let index = now_ms / window_ms;
        Window {
            index,
            ends_at_ms: (index + 1).saturating_mul(window_ms),
        }
    }
}

/// Counts the calls of a charge in the window of `now_ms` (milliseconds
/// since the Unix epoch). A charge of no call, or with a limit or a window
/// of 0, counts nothing and allows nothing.
pub fn count(store: &mut impl Store, charge: &Charge, now_ms: u64) -> Verdict {
    if charge.calls == 0 || charge.limit == 0 || charge.window_ms == 0 {
        return Verdict::Counted {
            allowed: 0,
            retry_after_ms: 0,
        };
    }
    let window = Window::containing(now_ms, charge.window_ms);
    let calls = i64::try_from(charge.calls).unwrap_or(i64::MAX);
    let counted = match store.increment(&window_key(charge, window.index), calls) {
        Ok(counted) => counted,
        Err(error) => return Verdict::StoreFailed(error),
    };
    // What the window held before these calls: they run only as far as the
    // limit reaches past it.
    let before = u64::try_from(counted.saturating_sub(calls)).unwrap_or(0);
    if before == 0 {
        // The window's first charge, here or on another replica: exactly
        // one sees 0. Keeping old keys costs only space, so a failure to
        // delete them refuses no call; it is logged.
        if let Err(error) = forget_previous_window(store, charge, window.index) {
            eprintln!("rate limits: an old window's count is left in the store: {error}");
        }
    }
    Verdict::Counted {
        allowed: charge.limit.saturating_sub(before).min(charge.calls),
        retry_after_ms: window.ends_at_ms.saturating_sub(now_ms),
    }
}

fn window_key(charge: &Charge, index: u64) -> String {
    format!("rate-limit/{}/{}/{index}", charge.key, charge.window_ms)
}

fn current_window_key(charge: &Charge) -> String {
    format!("rate-limit/{}/{}/current", charge.key, charge.window_ms)
}

/// Deletes the count of the token's previous window, and names this one as
/// the token's current window.
fn forget_previous_window(
    store: &mut impl Store,
    charge: &Charge,
    index: u64,
) -> Result<(), String> {
    let current = current_window_key(charge);
    let previous = store.get(&current)?.and_then(|value| {
        let text = String::from_utf8(value).ok()?;
        text.parse::<u64>().ok()
    });
    if let Some(previous) = previous.filter(|&previous| previous != index) {
        store.delete(&window_key(charge, previous))?;
    }
    store.set(&current, index.to_string().as_bytes())
}

/// A store in this process's memory: the router's in-process tests.
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub entries: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Store for MemoryStore {
    fn increment(&mut self, key: &str, delta: i64) -> Result<i64, String> {
        let value = self.entries.entry(key.to_owned()).or_default();
        let number = match value.as_slice() {
            [] => 0,
            bytes => std::str::from_utf8(bytes)
                .ok()
                .and_then(|text| text.parse::<i64>().ok())
                .ok_or("the value is not a number")?,
        };
        let number = number.checked_add(delta).ok_or("the number overflows")?;
        *value = number.to_string().into_bytes();
        Ok(number)
    }

    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
        Ok(self.entries.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &[u8]) -> Result<(), String> {
        self.entries.insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&mut self, key: &str) -> Result<(), String> {
        self.entries.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(calls: u64) -> Charge {
        Charge {
            key: "k".into(),
            calls,
            limit: 5,
            window_ms: 1000,
        }
    }

    fn counted(allowed: u64, retry_after_ms: u64) -> Verdict {
        Verdict::Counted {
            allowed,
            retry_after_ms,
        }
    }

    #[test]
    fn calls_run_up_to_the_limit_of_their_window_then_none() {
        let mut store = MemoryStore::default();
        assert_eq!(count(&mut store, &charge(3), 10_250), counted(3, 750));
        assert_eq!(count(&mut store, &charge(3), 10_900), counted(2, 100));
        assert_eq!(count(&mut store, &charge(1), 10_999), counted(0, 1));
        // The next window starts afresh.
        assert_eq!(count(&mut store, &charge(1), 11_000), counted(1, 1000));
    }

    #[test]
    fn a_token_keeps_its_current_window_and_its_name_only() {
        let mut store = MemoryStore::default();
        for now in [1_000, 1_500, 2_100, 7_300, 7_400] {
            count(&mut store, &charge(1), now);
        }
        let keys: Vec<&str> = store.entries.keys().map(String::as_str).collect();
        assert_eq!(keys, ["rate-limit/k/1000/7", "rate-limit/k/1000/current"]);
        assert_eq!(store.entries["rate-limit/k/1000/7"], b"2");
    }

    #[test]
    fn tokens_and_window_lengths_count_apart() {
        let mut store = MemoryStore::default();
        let other_token = Charge {
            key: "other".into(),
            ..charge(5)
        };
        let longer_window = Charge {
            window_ms: 60_000,
            ..charge(5)
        };
        assert_eq!(count(&mut store, &charge(5), 500), counted(5, 500));
        assert_eq!(count(&mut store, &other_token, 500), counted(5, 500));
        assert_eq!(count(&mut store, &longer_window, 500), counted(5, 59_500));
    }

    #[test]
    fn a_store_that_fails_lets_nothing_run() {
        struct Broken;
        impl Store for Broken {
            fn increment(&mut self, _: &str, _: i64) -> Result<i64, String> {
                Err("disk I/O error".into())
            }
            fn get(&mut self, _: &str) -> Result<Option<Vec<u8>>, String> {
                Err("disk I/O error".into())
            }
            fn set(&mut self, _: &str, _: &[u8]) -> Result<(), String> {
                Err("disk I/O error".into())
            }
            fn delete(&mut self, _: &str) -> Result<(), String> {
                Err("disk I/O error".into())
            }
        }
        assert_eq!(
            count(&mut Broken, &charge(1), 0),
            Verdict::StoreFailed("disk I/O error".into())
        );
    }

    #[test]
    fn an_empty_charge_counts_nothing() {
        let mut store = MemoryStore::default();
        for empty in [
            charge(0),
            Charge {
                window_ms: 0,
                ..charge(1)
            },
            Charge {
                limit: 0,
                ..charge(1)
            },
        ] {
            assert_eq!(count(&mut store, &empty, 0), counted(0, 0));
        }
        assert!(store.entries.is_empty());
    }
}
