//! What the router and the `rate-limiter` component say to each other: the
//! router charges a token's calls against its limit, the limiter counts them
//! in the app's key-value store and says how many may run.
//!
//! `POST http://rate-limiter.spin.internal/` with a [`Charge`]; the answer is
//! a [`Verdict`], status 200 (a body it cannot read: 400). The router chains
//! to the limiter only for a token with a limit, so that an app without
//! limits never needs a key-value store, and the router itself imports none.

use serde::{Deserialize, Serialize};

/// The limiter's component id, which the router chains to.
pub const COMPONENT: &str = "rate-limiter";

/// The error code of a call over its token's rate limit.
pub use crate::code::RATE_LIMITED;

/// `calls` more calls of the token that `key` names (never the token
/// itself), which may make `limit` calls per window of `window_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charge {
    pub key: String,
    pub calls: u64,
    pub limit: u64,
    pub window_ms: u64,
}

/// How many of the calls charged may run: the first `allowed` of them, in
/// order; the others wait `retry_after_ms`, until the window ends. Or the
/// store failed, and none may run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Verdict {
    Counted { allowed: u64, retry_after_ms: u64 },
    StoreFailed(String),
}
