//! `rate-limiter`: counts a token's calls in fixed windows, in the app's
//! key-value store, and says how many of them may run. It is a component of
//! its own (`rate-limiter` in spin.toml, a private route) that the router
//! sends each count to ([`rpc_protocol::rate_limit`]), so that the router
//! can answer at its deadline when the store does not answer at all; the
//! counting itself is plain Rust over any [`Store`], tested natively.
//!
//! A window is `window_ms` long and starts at a multiple of it since the
//! Unix epoch, so every replica counts in the same window, under the same
//! key: `rate-limit/<key>/<window_ms>/<index>`. Each charge is one atomic
//! increment of that key (never a read then a write), so replicas sharing
//! the store never count a call twice or lose one.
//!
//! Windows only move forward. Nothing in Spin's store expires, so the first
//! charge of a window deletes the token's windows older than the one before
//! it; never the one before, which a charge that reads its clock just before
//! the window's end may still reach late (a replica whose clock is behind,
//! or whose link to the store is slower). Which windows exist is recorded in
//! two keys, `.../opened/0` and `.../opened/1`: the last window opened of
//! each parity. A window and the next are the only ones whose charges can
//! interleave (as long as replicas differ by less than a window), and they
//! are of different parities, so each record is written by one window at a
//! time and never goes back (an opening slower than that puts back what it
//! wrote over). A token keeps at most four keys: its last two windows'
//! counts and the two records.
//!
//! A charge that reaches a window already closed (more than a window late)
//! finds it deleted: it counts nothing, runs nothing, and deletes what its
//! increment recreated.
//!
//! The store is any [`Store`]: in the component, `wasi:keyvalue`
//! (`key_value`, wasm only); in tests, a [`MemoryStore`].

#[cfg(target_arch = "wasm32")]
mod component;
#[cfg(target_arch = "wasm32")]
mod key_value;
mod store;

pub use rpc_protocol::rate_limit::{Charge, Verdict};
#[cfg(any(test, feature = "test-support"))]
pub use store::MemoryStore;
pub use store::{Store, StoreError};

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
/// of 0, counts nothing and allows nothing. A store that fails allows
/// nothing: its words go to the log, the verdict says which store failed.
pub fn count(store: &mut impl Store, charge: &Charge, now_ms: u64) -> Verdict {
    if charge.calls == 0 || charge.limit == 0 || charge.window_ms == 0 {
        return Verdict::Counted {
            allowed: 0,
            retry_after_ms: 0,
        };
    }
    let keys = Keys::of(charge);
    let window = Window::containing(now_ms, charge.window_ms);
    let retry_after_ms = window.ends_at_ms.saturating_sub(now_ms);
    let calls = i64::try_from(charge.calls).unwrap_or(i64::MAX);
    let counted = match store.increment(&keys.count(window.index), calls) {
        Ok(counted) => counted,
        Err(error) => {
            eprintln!("rate limits: {error}");
            return Verdict::StoreFailed(error.public());
        }
    };
    // What the window held before these calls: they run only as far as the
    // limit reaches past it.
    let before = u64::try_from(counted.saturating_sub(calls)).unwrap_or(0);
    if before == 0 {
        // The window's first charge, here or on another replica: exactly one
        // sees 0. Keeping old keys costs only space, so a failure to delete
        // them refuses no call; it is logged.
        match open(store, &keys, window.index) {
            Ok(Opening::Open) => {}
            Ok(Opening::Closed) => {
                if let Err(error) = store.delete(&keys.count(window.index)) {
                    eprintln!("rate limits: a closed window's count is left in the store: {error}");
                }
                return Verdict::Counted {
                    allowed: 0,
                    retry_after_ms,
                };
            }
            Err(error) => {
                eprintln!("rate limits: an old window's count may be left in the store: {error}")
            }
        }
    }
    Verdict::Counted {
        allowed: charge.limit.saturating_sub(before).min(charge.calls),
        retry_after_ms,
    }
}

/// What the first charge of a window found.
#[derive(Debug, PartialEq, Eq)]
enum Opening {
    /// The window is the newest, or the one before it: it counts.
    Open,
    /// Two windows or more have opened since: it is closed, and its count
    /// was deleted.
    Closed,
}

/// Opens window `index`: deletes the token's windows older than the one
/// before it, and records this one as the last opened of its parity.
fn open(store: &mut impl Store, keys: &Keys, index: u64) -> Result<Opening, StoreError> {
    let same = read_index(store, &keys.opened(index))?;
    let other = read_index(store, &keys.opened(index + 1))?;
    if same.max(other).is_some_and(|newest| newest >= index + 2) {
        return Ok(Opening::Closed);
    }
    for old in [same, other].into_iter().flatten() {
        if old + 2 <= index {
            store.delete(&keys.count(old))?;
        }
    }
    if same != Some(index) {
        store.set(&keys.opened(index), index.to_string().as_bytes())?;
        // An opening whose operations reach the store slowly may have just
        // written over the record of the next window of its parity, which
        // opened meanwhile, not knowing of this one: it puts that record
        // back, and deletes its own window's count, which is complete (its
        // calls still run), or one of the two would be left behind.
        if store.exists(&keys.count(index + 2))? {
            store.set(&keys.opened(index), (index + 2).to_string().as_bytes())?;
            store.delete(&keys.count(index))?;
        }
    }
    Ok(Opening::Open)
}

/// A window's index recorded at `key`, if any (a value that is not one is
/// taken as none: nothing is known of older windows).
fn read_index(store: &mut impl Store, key: &str) -> Result<Option<u64>, StoreError> {
    let value = store.get(key)?;
    Ok(value.and_then(|value| String::from_utf8(value).ok()?.parse().ok()))
}

/// The keys of one token's count at one window length.
struct Keys {
    prefix: String,
}

impl Keys {
    fn of(charge: &Charge) -> Self {
        Keys {
            prefix: format!("rate-limit/{}/{}", charge.key, charge.window_ms),
        }
    }

    /// Window `index`'s count.
    fn count(&self, index: u64) -> String {
        format!("{}/{index}", self.prefix)
    }

    /// The last window opened of `index`'s parity.
    fn opened(&self, index: u64) -> String {
        format!("{}/opened/{}", self.prefix, index % 2)
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

    fn keys(store: &MemoryStore) -> Vec<&str> {
        store.entries.keys().map(String::as_str).collect()
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
    fn a_token_keeps_its_last_two_windows_and_their_records_only() {
        let mut store = MemoryStore::default();
        for now in [1_000, 1_500, 2_100, 3_200, 7_300, 7_400, 8_100] {
            count(&mut store, &charge(1), now);
        }
        assert_eq!(
            keys(&store),
            [
                "rate-limit/k/1000/7",
                "rate-limit/k/1000/8",
                "rate-limit/k/1000/opened/0",
                "rate-limit/k/1000/opened/1",
            ]
        );
        assert_eq!(store.entries["rate-limit/k/1000/7"], b"2");
        assert_eq!(store.entries["rate-limit/k/1000/opened/1"], b"7");
    }

    #[test]
    fn a_late_charge_counts_in_its_own_window_and_resets_nothing() {
        let mut store = MemoryStore::default();
        assert_eq!(count(&mut store, &charge(5), 1_900), counted(5, 100));
        assert_eq!(count(&mut store, &charge(5), 2_050), counted(5, 950));
        // Read its clock in window 1, reached the store after window 2
        // opened: window 1 is full, and window 2 stays full.
        assert_eq!(count(&mut store, &charge(1), 1_990), counted(0, 10));
        assert_eq!(count(&mut store, &charge(1), 2_100), counted(0, 900));
        assert_eq!(store.entries["rate-limit/k/1000/opened/0"], b"2");
        assert_eq!(store.entries["rate-limit/k/1000/opened/1"], b"1");
    }

    #[test]
    fn the_first_late_charge_of_the_window_before_keeps_the_newer_ones() {
        let mut store = MemoryStore::default();
        count(&mut store, &charge(1), 2_050);
        // Window 1 had no charge until this late one: it counts, and window
        // 2's count and record stay as they were.
        assert_eq!(count(&mut store, &charge(2), 1_999), counted(2, 1));
        assert_eq!(count(&mut store, &charge(4), 2_060), counted(4, 940));
        assert_eq!(store.entries["rate-limit/k/1000/2"], b"5");
        assert_eq!(store.entries["rate-limit/k/1000/opened/0"], b"2");
    }

    /// A store on which other charges land just before the `at`-th
    /// operation of the charge counted on it.
    struct Meanwhile<'a> {
        store: &'a mut MemoryStore,
        at: usize,
        done: usize,
        others: &'a [(u64, u64)],
    }

    impl Meanwhile<'_> {
        fn next(&mut self) -> &mut MemoryStore {
            self.done += 1;
            if self.done == self.at {
                for &(calls, now) in self.others {
                    count(self.store, &charge(calls), now);
                }
            }
            self.store
        }
    }

    impl Store for Meanwhile<'_> {
        fn increment(&mut self, key: &str, delta: i64) -> Result<i64, StoreError> {
            self.next().increment(key, delta)
        }
        fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
            self.next().get(key)
        }
        fn set(&mut self, key: &str, value: &[u8]) -> Result<(), StoreError> {
            self.next().set(key, value)
        }
        fn delete(&mut self, key: &str) -> Result<(), StoreError> {
            self.next().delete(key)
        }
        fn exists(&mut self, key: &str) -> Result<bool, StoreError> {
            self.next().exists(key)
        }
    }

    #[test]
    fn an_opening_whose_record_lands_after_newer_windows_puts_theirs_back() {
        let mut store = MemoryStore::default();
        // Window 1's first charge: its increment and reads land, then windows
        // 2 and 3 open before its record is written (its 4th operation).
        let mut slow = Meanwhile {
            store: &mut store,
            at: 4,
            done: 0,
            others: &[(1, 2_000), (1, 3_000)],
        };
        assert_eq!(count(&mut slow, &charge(1), 1_999), counted(1, 1));
        assert_eq!(store.entries["rate-limit/k/1000/opened/1"], b"3");
        // After a pause, only the new window is kept: nothing was left behind.
        count(&mut store, &charge(1), 9_500);
        assert_eq!(
            keys(&store),
            [
                "rate-limit/k/1000/9",
                "rate-limit/k/1000/opened/0",
                "rate-limit/k/1000/opened/1",
            ]
        );
    }

    #[test]
    fn a_charge_more_than_a_window_late_runs_nothing_and_leaves_nothing() {
        let mut store = MemoryStore::default();
        count(&mut store, &charge(1), 1_500);
        count(&mut store, &charge(1), 3_500);
        assert_eq!(count(&mut store, &charge(1), 1_999), counted(0, 1));
        assert!(!store.entries.contains_key("rate-limit/k/1000/1"));
        assert_eq!(count(&mut store, &charge(1), 3_600), counted(1, 400));
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
    fn a_store_that_fails_lets_nothing_run_and_keeps_its_words_from_the_client() {
        struct Broken;
        impl Store for Broken {
            fn increment(&mut self, _: &str, _: i64) -> Result<i64, StoreError> {
                Err(StoreError::Other("redis://:hunter2@db: refused".into()))
            }
            fn get(&mut self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
                unreachable!("nothing is read once the increment failed")
            }
            fn set(&mut self, _: &str, _: &[u8]) -> Result<(), StoreError> {
                unreachable!()
            }
            fn delete(&mut self, _: &str) -> Result<(), StoreError> {
                unreachable!()
            }
            fn exists(&mut self, _: &str) -> Result<bool, StoreError> {
                unreachable!()
            }
        }
        let Verdict::StoreFailed(why) = count(&mut Broken, &charge(1), 0) else {
            panic!("a failed store allows nothing");
        };
        assert!(why.contains("key-value store \"default\""), "{why}");
        assert!(
            !why.contains("hunter2") && !why.contains("refused"),
            "{why}"
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
