//! The Spin side of dispatch: a function request over local service
//! chaining (`http://<component-id>.spin.internal/`), in-process, bounded by
//! the request's deadline and what its answers may hold in all; and a rate
//! limit's count, a request to the rate limiter component, bounded by the
//! same deadline.
//!
//! Spin puts no timeout on chained calls, so the router races each request
//! against its own timer, set to the request's one deadline.

use super::answer_body::read_within;
use crate::dispatch::{AnswerBytes, Transport, TransportError};
use crate::rate_limit;
use crate::trace_context::TraceContext;
use futures::future::{join, select, Either};
use futures::SinkExt;
use rpc_protocol::body::BodyError;
use rpc_protocol::inner::MAX_DESCRIPTION_BYTES;
use rpc_protocol::rate_limit::{Charge, Verdict, RATE_LIMITER};
use spin_sdk::http::{Fields, IncomingResponse, Method, OutgoingRequest, Scheme, SendError};
use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use std::time::Duration;
use wasi::clocks::monotonic_clock;

/// The most a verdict of the rate limiter takes (it is some 60 bytes): it is
/// not a function's answer, so it takes nothing of `max_answer_bytes`.
const VERDICT_BYTES: usize = 1024;

/// Function requests over Spin's local service chaining for one client
/// request, carrying its trace context.
pub struct ServiceChain<'a> {
    /// `call_timeout_ms`, which the deadline is.
    call_timeout: Duration,
    deadline: monotonic_clock::Instant,
    answer_bytes: AnswerBytes,
    trace: &'a TraceContext,
}

impl<'a> ServiceChain<'a> {
    /// The chain of a request whose calls start now: they must be answered
    /// within `call_timeout`, with at most `max_answer_bytes` in all.
    pub fn starting_now(
        call_timeout: Duration,
        max_answer_bytes: usize,
        trace: &'a TraceContext,
    ) -> Self {
        ServiceChain {
            call_timeout,
            deadline: deadline_after(call_timeout),
            answer_bytes: AnswerBytes::new(max_answer_bytes),
            trace,
        }
    }
}

impl Transport for ServiceChain<'_> {
    async fn send(&self, function: &str, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        self.bounded(Method::Post, function, body, &self.answer_bytes)
            .await
    }

    /// A description is read within its own maximum: what the request's
    /// answers hold of it is counted with each copy of the document.
    async fn describe(&self, function: &str) -> Result<Vec<u8>, TransportError> {
        let allowance = AnswerBytes::new(MAX_DESCRIPTION_BYTES);
        self.bounded(Method::Get, function, Vec::new(), &allowance)
            .await
    }

    /// A request to the rate limiter, which counts in the store: a store
    /// call would block this instance for as long as the store takes, and
    /// one that went away can take minutes.
    async fn charge(&self, charge: &Charge) -> Verdict {
        let body = serde_json::to_vec(charge).unwrap_or_default();
        let allowance = AnswerBytes::new(VERDICT_BYTES);
        let answer = self
            .bounded(Method::Post, RATE_LIMITER, body, &allowance)
            .await;
        match answer.map(|answer| serde_json::from_slice(&answer)) {
            Ok(Ok(verdict)) => verdict,
            Ok(Err(_)) => Verdict::StoreFailed(rate_limit::not_a_verdict()),
            Err(error) => Verdict::StoreFailed(rate_limit::unanswered(error)),
        }
    }

    fn answer_bytes(&self) -> &AnswerBytes {
        &self.answer_bytes
    }
}

impl ServiceChain<'_> {
    /// One request, by the deadline and within `allowance`.
    async fn bounded(
        &self,
        method: Method,
        function: &str,
        body: Vec<u8>,
        allowance: &AnswerBytes,
    ) -> Result<Vec<u8>, TransportError> {
        // A request waiting for its turn may find the deadline passed: it is
        // not sent at all.
        if monotonic_clock::now() >= self.deadline {
            return Err(TransportError::TimedOut(self.call_timeout));
        }
        let exchange = pin!(async {
            let response = exchange(method, function, body, self.trace).await?;
            let status = response.status();
            if !(200..300).contains(&status) {
                return Err(TransportError::Status(status));
            }
            let answer = read_within(response.take_body_stream(), allowance).await;
            answer.map_err(|error| match error {
                BodyError::TooLarge => TransportError::TooLarge(allowance.limit),
                BodyError::Broken(error) => TransportError::Unreachable(error),
                BodyError::TimedOut => TransportError::TimedOut(self.call_timeout),
            })
        });
        match select(exchange, Timer::at(self.deadline)).await {
            Either::Left((answer, _)) => answer,
            Either::Right(((), _)) => Err(TransportError::TimedOut(self.call_timeout)),
        }
    }
}

/// `<method> http://<function>.spin.internal/` with `body`, up to the answer's head.
///
/// The body is written while the request is in flight, so that a request the
/// host refuses (a function missing from `allowed_outbound_hosts`) reports
/// the host's own error code rather than a closed body stream.
async fn exchange(
    method: Method,
    function: &str,
    body: Vec<u8>,
    trace: &TraceContext,
) -> Result<IncomingResponse, TransportError> {
    let unreachable = |detail: String| TransportError::Unreachable(detail);
    let content_type = ("content-type", "application/json");
    let headers: Vec<(String, Vec<u8>)> = std::iter::once(content_type)
        .chain(trace.headers())
        .map(|(name, value)| (name.to_owned(), value.as_bytes().to_vec()))
        .collect();
    let headers = Fields::from_list(&headers).map_err(|error| unreachable(error.to_string()))?;
    let request = OutgoingRequest::new(headers);
    let invalid = |_| unreachable(format!("{function:?} is not a valid host name"));
    request
        .set_method(&method)
        .map_err(|()| unreachable(format!("{method} refused")))?;
    request
        .set_scheme(Some(&Scheme::Http))
        .map_err(|()| unreachable("http refused".into()))?;
    request
        .set_authority(Some(&format!("{function}.spin.internal")))
        .map_err(invalid)?;
    request.set_path_with_query(Some("/")).map_err(invalid)?;
    let mut sink = request.take_body();
    let write = async move {
        // Dropping the sink finishes the body. A write error is the request's
        // own failure, which the response side reports.
        let _ = sink.send(body).await;
    };
    let (response, ()) = join(spin_sdk::http::send::<_, IncomingResponse>(request), write).await;
    response.map_err(|error| match error {
        SendError::Http(code) => unreachable(format!("{code:?}")),
        other => unreachable(other.to_string()),
    })
}

/// A future that is ready once a duration has passed, driven by a
/// `wasi:clocks` pollable registered with the SDK's executor.
pub struct Timer {
    deadline: monotonic_clock::Instant,
    _registration: Option<spin_executor::CancelOnDropToken>,
}

impl Timer {
    pub fn at(deadline: monotonic_clock::Instant) -> Self {
        Timer {
            deadline,
            _registration: None,
        }
    }
}

/// The monotonic clock's reading `duration` from now.
fn deadline_after(duration: Duration) -> monotonic_clock::Instant {
    let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
    monotonic_clock::now().saturating_add(nanos)
}

impl Future for Timer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if monotonic_clock::now() >= self.deadline {
            return Poll::Ready(());
        }
        let pollable = monotonic_clock::subscribe_instant(self.deadline);
        let token = spin_executor::push_waker_and_get_token(pollable, context.waker().clone());
        self._registration = Some(token.into());
        Poll::Pending
    }
}
