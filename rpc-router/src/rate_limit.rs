//! Calls per window per token: a `tokens` entry's `@<calls>/<window>`
//! ([`crate::tokens`]), counted in the app's key-value store (see the
//! `rate-limiter` crate), shared by every instance and every replica.
//!
//! Every call that would run a function counts (notifications and `echo`
//! included); `rpc.discover` and calls answered without a function do not.
//! The calls of a request are charged at once, before any runs: the first
//! ones within the limit run, in the order of the request, and the others
//! get `-32007` with `data: {"retry_after_ms": N}`, the time left in the
//! window. If the store fails, or the count is not back by the request's
//! deadline, none of the calls runs: they get `-32603` naming the store,
//! since letting them through would make a limited token unlimited whenever
//! the store is down.

use crate::dispatch::{Transport, TransportError};
use crate::jsonrpc::error::ErrorCode;
use crate::jsonrpc::ErrorObject;
use rpc_protocol::rate_limit::{Charge, Verdict, RATE_LIMITER};
use serde_json::json;
use std::time::Duration;

/// The longest window: a day. Longer ones are refused when `tokens` is
/// read (a window's milliseconds must fit a count's key and clock).
pub const MAX_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// `calls` per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub calls: u64,
    pub window: Duration,
}

impl RateLimit {
    /// `<calls>/<window>`, the window a number (1 if left out) and a unit,
    /// `s`, `m` or `h`: `100/s`, `6000/m`, `10/30s`, `5000/h`.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        const NOT_A_LIMIT: &str =
            "its rate limit is not <calls>/<window> (as 100/s, 10/30s, 6000/m or 5000/h)";
        let (calls, window) = text.split_once('/').ok_or(NOT_A_LIMIT)?;
        let calls = positive(calls).ok_or(NOT_A_LIMIT)?;
        let unit_at = window
            .find(|c: char| !c.is_ascii_digit())
            .ok_or(NOT_A_LIMIT)?;
        let (count, unit) = window.split_at(unit_at);
        let count = match count {
            "" => 1,
            count => positive(count).ok_or(NOT_A_LIMIT)?,
        };
        let unit_seconds = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => return Err(NOT_A_LIMIT),
        };
        let seconds = count.checked_mul(unit_seconds).ok_or(NOT_A_LIMIT)?;
        if seconds > MAX_WINDOW.as_secs() {
            return Err("its rate limit's window is longer than a day (24h at most)");
        }
        Ok(RateLimit {
            calls,
            window: Duration::from_secs(seconds),
        })
    }
}

/// A number of at least 1, digits only.
fn positive(text: &str) -> Option<u64> {
    let all_digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    all_digits
        .then(|| text.parse().ok())
        .flatten()
        .filter(|&n| n > 0)
}

/// The limit of the request's token, and the key its count is kept under (a
/// digest of the token's digest: never the token, nor what `tokens` holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    pub limit: RateLimit,
    pub key: String,
}

/// What a request's token lets run of its calls.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// Every call.
    All,
    /// The first `run` calls; the others are refused.
    First { run: usize, refusal: Refusal },
}

/// Why calls were refused, and how the request says it when no other
/// answer of it does: HTTP 429 with `Retry-After`, or 503.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error: ErrorObject,
    pub status: u16,
    pub retry_after: Option<Duration>,
}

/// Charges `calls` calls to the token's count.
pub async fn admit<T: Transport>(transport: &T, limited: &Limited, calls: usize) -> Admission {
    if calls == 0 {
        return Admission::All;
    }
    let charge = Charge {
        key: limited.key.clone(),
        calls: calls as u64,
        limit: limited.limit.calls,
        // At most a day (MAX_WINDOW): the milliseconds fit.
        window_ms: u64::try_from(limited.limit.window.as_millis()).unwrap_or(u64::MAX),
    };
    match transport.charge(&charge).await {
        Verdict::Counted { allowed, .. } if allowed >= calls as u64 => Admission::All,
        Verdict::Counted {
            allowed,
            retry_after_ms,
        } => Admission::First {
            run: allowed as usize,
            refusal: over_the_limit(limited.limit, retry_after_ms),
        },
        Verdict::StoreFailed(why) => Admission::First {
            run: 0,
            refusal: store_failed(&why),
        },
    }
}

/// The status of a request all of whose calls are over the limit, as
/// `-32007` implies it (checked when the router is compiled).
const OVER_THE_LIMIT: u16 = ErrorCode::RateLimited
    .http_status()
    .expect("-32007 implies an HTTP status");

fn over_the_limit(limit: RateLimit, retry_after_ms: u64) -> Refusal {
    let detail = format!(
        "this token may make {} calls per {} s",
        limit.calls,
        limit.window.as_secs()
    );
    Refusal {
        error: ErrorObject::detailed(ErrorCode::RateLimited, detail)
            .with_data(json!({"retry_after_ms": retry_after_ms})),
        status: OVER_THE_LIMIT,
        retry_after: Some(Duration::from_millis(retry_after_ms)),
    }
}

fn store_failed(why: &str) -> Refusal {
    Refusal {
        error: ErrorObject::internal_error(format!("the rate limit could not be counted: {why}")),
        status: 503,
        retry_after: None,
    }
}

/// Why a count brought back no verdict, in words a client may read.
pub fn unanswered(error: TransportError) -> String {
    let counter = format!("the rate limiter (component {RATE_LIMITER:?}, which counts in key-value store \"default\")");
    match error {
        TransportError::TimedOut(limit) => format!(
            "key-value store \"default\" did not answer within the request's {} ms \
             (setting call_timeout_ms)",
            limit.as_millis()
        ),
        TransportError::Status(status) => format!("{counter} answered HTTP {status}"),
        TransportError::TooLarge(_) => not_a_verdict(),
        TransportError::Unreachable(detail) => format!("{counter} could not be reached: {detail}"),
    }
}

/// The words for an answer of the rate limiter that is not a verdict.
pub fn not_a_verdict() -> String {
    format!(
        "the rate limiter (component {RATE_LIMITER:?}) answered something that is not a verdict"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_calls_per_a_window_in_seconds_minutes_or_hours() {
        for (text, calls, seconds) in [
            ("100/s", 100, 1),
            ("10/30s", 10, 30),
            ("6000/m", 6000, 60),
            ("5000/h", 5000, 3600),
            ("1/2h", 1, 7200),
            ("1/24h", 1, 86400),
            ("1/86400s", 1, 86400),
        ] {
            let window = Duration::from_secs(seconds);
            assert_eq!(RateLimit::parse(text), Ok(RateLimit { calls, window }));
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "100",
            "100/",
            "/s",
            "0/s",
            "10/0s",
            "-1/s",
            "+1/s",
            "10/ms",
            "10/d",
            "1.5/s",
            "10/s/s",
            "10/1 s",
            "99999999999999999999/s",
            "1/9999999999999999999h",
        ] {
            assert!(RateLimit::parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn a_window_longer_than_a_day_is_refused() {
        for text in ["1/25h", "1/86401s", "1/1441m", "1/2305843009213693952s"] {
            let error = RateLimit::parse(text).unwrap_err();
            assert!(error.contains("longer than a day"), "{text}: {error}");
        }
    }
}
