//! The limits a client can run into, each a setting with a safe default
//! ([`crate::settings`]).

use crate::settings::{self, Setting, Settings};
use std::convert::Infallible;
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
    /// Every limit at its setting's default.
    fn default() -> Self {
        match Limits::read(|setting| Ok::<_, Infallible>(setting.default)) {
            Ok(limits) => limits,
            Err(never) => match never {},
        }
    }
}

impl Limits {
    /// The limits of the settings given; the others keep their default.
    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        Limits::read(|setting| settings.value(setting))
    }

    /// The limits, each setting's value read by `value`.
    fn read<E>(value: impl Fn(&Setting<u64>) -> Result<u64, E>) -> Result<Self, E> {
        let size = |setting| value(setting).map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        Ok(Limits {
            max_request_bytes: size(&settings::MAX_REQUEST_BYTES)?,
            max_batch_calls: size(&settings::MAX_BATCH_CALLS)?,
            call_timeout: Duration::from_millis(value(&settings::CALL_TIMEOUT_MS)?),
            max_answer_bytes: size(&settings::MAX_ANSWER_BYTES)?,
            max_parallel_requests: size(&settings::MAX_PARALLEL_REQUESTS)?,
            body_timeout: Duration::from_millis(value(&settings::BODY_TIMEOUT_MS)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_settings_keep_the_defaults() {
        let limits = Limits::from_settings(&Settings::default());
        assert_eq!(limits, Ok(Limits::default()));
        assert_eq!(Limits::default().call_timeout, Duration::from_secs(5));
    }

    #[test]
    fn given_settings_override_and_bad_ones_are_named() {
        let limits = Limits::from_settings(&Settings::of(&[("call_timeout_ms", "250")]));
        assert_eq!(limits.unwrap().call_timeout, Duration::from_millis(250));
        for bad in ["", "-1", "0", "1.5", "lots"] {
            let error = Limits::from_settings(&Settings::of(&[("max_batch_calls", bad)]));
            assert!(error.unwrap_err().contains("max_batch_calls"), "{bad:?}");
        }
    }
}
