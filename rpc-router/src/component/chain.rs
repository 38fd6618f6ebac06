//! The Spin side of dispatch: a function request over local service
//! chaining (`http://<component-id>.spin.internal/`), in-process, bounded in
//! time and in answer size.
//!
//! Spin puts no timeout on chained calls, so the router races each request
//! against its own timer.

use crate::dispatch::{Transport, TransportError};
use futures::future::{select, Either};
use futures::StreamExt;
use spin_sdk::http::{IncomingResponse, Request};
use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use std::time::Duration;
use wasi::clocks::monotonic_clock;

/// Function requests over Spin's local service chaining.
pub struct ServiceChain {
    pub call_timeout: Duration,
    pub max_answer_bytes: usize,
}

impl Transport for ServiceChain {
    async fn send(&self, function: &str, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let request = Request::post(format!("http://{function}.spin.internal/"), body)
            .header("content-type", "application/json")
            .build();
        let exchange = pin!(async {
            let response: IncomingResponse = spin_sdk::http::send(request)
                .await
                .map_err(|error| TransportError::Unreachable(error.to_string()))?;
            let status = response.status();
            if !(200..300).contains(&status) {
                return Err(TransportError::Status(status));
            }
            read_bounded(&response, self.max_answer_bytes).await
        });
        match select(exchange, Timer::after(self.call_timeout)).await {
            Either::Left((answer, _)) => answer,
            Either::Right(((), _)) => Err(TransportError::TimedOut(self.call_timeout)),
        }
    }
}

/// Reads an answer body, giving up as soon as it passes `limit` bytes.
async fn read_bounded(
    response: &IncomingResponse,
    limit: usize,
) -> Result<Vec<u8>, TransportError> {
    let mut stream = pin!(response.take_body_stream());
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| TransportError::Unreachable(error.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(TransportError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A future that is ready once a duration has passed, driven by a
/// `wasi:clocks` pollable registered with the SDK's executor.
pub struct Timer {
    deadline: monotonic_clock::Instant,
    _registration: Option<spin_executor::CancelOnDropToken>,
}

impl Timer {
    pub fn after(duration: Duration) -> Self {
        let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        Timer {
            deadline: monotonic_clock::now().saturating_add(nanos),
            _registration: None,
        }
    }
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
