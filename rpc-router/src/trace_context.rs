//! W3C Trace Context: the client's `traceparent` and `tracestate`, passed on
//! to the function requests of its call so that a function's own logs can
//! join the trace, and the trace id for the call log.
//!
//! A `traceparent` that is not one valid header is dropped with its
//! `tracestate` (Trace Context §3.2: start a new trace rather than pass on a
//! broken one); the router starts no trace of its own.

/// The trace a request belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceContext {
    /// `version-traceid-parentid-flags`, as the client sent it.
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

/// Longest `tracestate` passed on (the spec's 32 members of at most 256
/// characters each would be more; 512 is what it asks every vendor to keep).
const MAX_TRACESTATE: usize = 512;

impl TraceContext {
    /// From the values of the request's `traceparent` and `tracestate`
    /// headers (a repeated `tracestate` is joined, as the spec allows).
    pub fn from_headers(traceparent: &[&[u8]], tracestate: &[&[u8]]) -> Self {
        let [parent] = traceparent else {
            return TraceContext::default();
        };
        let Some(parent) = std::str::from_utf8(parent)
            .ok()
            .filter(|p| is_traceparent(p))
        else {
            return TraceContext::default();
        };
        let state: Vec<&str> = tracestate
            .iter()
            .filter_map(|value| std::str::from_utf8(value).ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .collect();
        let state = state.join(",");
        let state_is_sendable = state.len() <= MAX_TRACESTATE
            && state.bytes().all(|b| (b' '..=b'~').contains(&b))
            && !state.is_empty();
        TraceContext {
            traceparent: Some(parent.to_owned()),
            tracestate: state_is_sendable.then_some(state),
        }
    }

    /// The headers to send with a function request.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let parent = self.traceparent.as_deref().map(|v| ("traceparent", v));
        let state = self.tracestate.as_deref().map(|v| ("tracestate", v));
        parent.into_iter().chain(state)
    }

    /// The trace id (32 hex digits), for the call log.
    pub fn trace_id(&self) -> Option<&str> {
        self.traceparent.as_deref().map(|parent| &parent[3..35])
    }
}

/// Version 00: `00-<32 hex>-<16 hex>-<2 hex>`, lowercase, ids not all zero.
fn is_traceparent(text: &str) -> bool {
    let fields: Vec<&str> = text.split('-').collect();
    let [version, trace_id, parent_id, flags] = fields.as_slice() else {
        return false;
    };
    let hex = |field: &str, len: usize| {
        field.len() == len
            && field
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let not_zero = |field: &str| field.bytes().any(|b| b != b'0');
    *version == "00"
        && hex(trace_id, 32)
        && hex(parent_id, 16)
        && hex(flags, 2)
        && not_zero(trace_id)
        && not_zero(parent_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_context_is_passed_on_and_gives_the_trace_id() {
        let context = TraceContext::from_headers(
            &[PARENT.as_bytes()],
            &[b"congo=t61rcWkgMzE", b" rojo=00f067aa0ba902b7"],
        );
        assert_eq!(context.trace_id(), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
        let headers: Vec<_> = context.headers().collect();
        assert_eq!(
            headers,
            [
                ("traceparent", PARENT),
                ("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
            ]
        );
    }

    #[test]
    fn a_broken_traceparent_drops_the_context() {
        let zero_trace = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
        for parent in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            zero_trace,
        ] {
            let context = TraceContext::from_headers(&[parent.as_bytes()], &[b"a=b"]);
            assert_eq!(context, TraceContext::default(), "{parent}");
        }
        let twice = TraceContext::from_headers(&[PARENT.as_bytes(), PARENT.as_bytes()], &[]);
        assert_eq!(twice, TraceContext::default());
    }

    #[test]
    fn an_unsendable_tracestate_is_dropped_alone() {
        let long = format!("a={}", "b".repeat(MAX_TRACESTATE));
        for state in [long.as_bytes(), b"a=\xc3\xa9", b"a=b\x01"] {
            let context = TraceContext::from_headers(&[PARENT.as_bytes()], &[state]);
            assert_eq!(context.traceparent.as_deref(), Some(PARENT));
            assert_eq!(context.tracestate, None);
        }
    }
}
