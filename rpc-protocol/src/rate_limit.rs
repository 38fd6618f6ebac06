//! What the router asks the rate limiter, and what it answers
//! (docs/protocol.md, "Rate limits in the key-value store"): a token's calls
//! to count, sent as `POST http://rate-limiter.spin.internal/` with a
//! [`Charge`] as its JSON body, answered with a [`Verdict`].
//!
//! The count is a request to another component, not a store call of the
//! router's own, so that the router can give up on it at the request's
//! deadline: a store call blocks the instance that makes it, and a store
//! that went away can hold it for minutes (Spin's Redis store reconnects
//! meanwhile).

use serde::{Deserialize, Serialize};

/// The rate limiter's component id: the router sends each count to
/// `http://<RATE_LIMITER>.spin.internal/`.
pub const RATE_LIMITER: &str = "rate-limiter";

/// `calls` more calls of the token that `key` names (never the token
/// itself), which may make `limit` calls per window of `window_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub key: String,
    pub calls: u64,
    pub limit: u64,
    pub window_ms: u64,
}

/// How many of the calls charged may run: the first `allowed` of them, in
/// order; the others wait `retry_after_ms`, until the window ends. Or the
/// store failed, and none may run: why, in words a client may read (the
/// store's own words go to the log only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Counted { allowed: u64, retry_after_ms: u64 },
    StoreFailed(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn charges_and_verdicts_are_small_json_objects() {
        let charge = Charge {
            key: "k".into(),
            calls: 3,
            limit: 5,
            window_ms: 2000,
        };
        let text = serde_json::to_value(&charge).unwrap();
        assert_eq!(
            text,
            json!({"key": "k", "calls": 3, "limit": 5, "window_ms": 2000})
        );
        for (verdict, wire) in [
            (
                Verdict::Counted {
                    allowed: 2,
                    retry_after_ms: 700,
                },
                json!({"counted": {"allowed": 2, "retry_after_ms": 700}}),
            ),
            (
                Verdict::StoreFailed("it failed".into()),
                json!({"store_failed": "it failed"}),
            ),
        ] {
            assert_eq!(serde_json::to_value(&verdict).unwrap(), wire);
            assert_eq!(serde_json::from_value::<Verdict>(wire).unwrap(), verdict);
        }
    }
}
