//! The limits a client can run into, each a setting with a safe default.

use std::time::Duration;

/// How much the router accepts and waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body read (`max_request_bytes`); past it, HTTP 413.
    pub max_request_bytes: usize,
    /// Most calls in one batch (`max_batch_calls`).
    pub max_batch_calls: usize,
    /// The deadline of a request's calls, from when they start
    /// (`call_timeout_ms`): a call not answered by then gets `-32001`.
    pub call_timeout: Duration,
    /// The most bytes of function answers one request holds, all its
    /// function requests together (`max_answer_bytes`).
    pub max_answer_bytes: usize,
    /// The most function requests one request has in flight at once
    /// (`max_parallel_requests`).
    pub max_parallel_requests: usize,
    /// The longest wait for a request's whole body (`body_timeout_ms`):
    /// past it, HTTP 408, so that a client sending slowly does not hold an
    /// instance; and the longest an answer is written for, so that one
    /// that does not read does not either.
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_bytes: 1024 * 1024,
            max_batch_calls: 100,
            call_timeout: Duration::from_secs(5),
            max_answer_bytes: 1024 * 1024,
            // One: each is an instance with a whole work budget and memory,
            // and on Spin a running guest holds one of its worker threads (as
            // many as cores), which Tokio may keep giving to the same
            // request's next function request. Measured on 2 cores, while a
            // batch spends budget after budget, another client's `double`
            // waited up to 1.7 s with 2 in flight and 1.9 s with 4, and 5 ms
            // with 1 (docs/work-budget.md). Functions call nothing, so more
            // in flight gains at most the cores; raise it on larger machines.
            max_parallel_requests: 1,
            body_timeout: Duration::from_secs(10),
        }
    }
}

impl Limits {
    /// Reads the limits through `setting`, which gives a setting's value or
    /// `None` when it is not given; the others keep their default.
    pub fn from_settings<'a>(setting: impl Fn(&str) -> Option<&'a str>) -> Result<Self, String> {
        let defaults = Limits::default();
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match setting(name) {
                None => Ok(default),
                Some(text) => match text.trim().parse::<u64>() {
                    Ok(value) if value > 0 => Ok(value),
                    _ => Err(format!(
                        "setting {name}: {text:?} is not a positive whole number"
                    )),
                },
            }
        };
        let size = |name: &str, default: usize| {
            number(name, default as u64).map(|value| usize::try_from(value).unwrap_or(usize::MAX))
        };
        Ok(Limits {
            max_request_bytes: size("max_request_bytes", defaults.max_request_bytes)?,
            max_batch_calls: size("max_batch_calls", defaults.max_batch_calls)?,
            call_timeout: Duration::from_millis(number(
                "call_timeout_ms",
                defaults.call_timeout.as_millis() as u64,
            )?),
            max_answer_bytes: size("max_answer_bytes", defaults.max_answer_bytes)?,
            max_parallel_requests: size("max_parallel_requests", defaults.max_parallel_requests)?,
            body_timeout: Duration::from_millis(number(
                "body_timeout_ms",
                defaults.body_timeout.as_millis() as u64,
            )?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_settings_keep_the_defaults() {
        assert_eq!(Limits::from_settings(|_| None), Ok(Limits::default()));
    }

    #[test]
    fn given_settings_override_and_bad_ones_are_named() {
        let limits = Limits::from_settings(|name| (name == "call_timeout_ms").then_some("250"));
        assert_eq!(limits.unwrap().call_timeout, Duration::from_millis(250));
        for bad in ["", "-1", "0", "1.5", "lots"] {
            let error = Limits::from_settings(|name| (name == "max_batch_calls").then_some(bad));
            assert!(error.unwrap_err().contains("max_batch_calls"), "{bad:?}");
        }
    }
}
