//! Sending calls to function components: grouped per function, a few
//! requests in flight at once, with per-call isolation.
//!
//! The calls of one function travel in one list-form request (one instance
//! on Spin instead of one per call). If that request fails as a whole, each
//! of its calls is sent again on its own, so that only the call that really
//! fails gets an error; but not after a timeout, since the request's one
//! deadline has then passed. At most `max_parallel_requests` function
//! requests of one HTTP request are in flight at once, re-sent calls
//! included: each is a fresh instance with a whole work budget and memory,
//! and on Spin each running one holds a worker thread, so one request may
//! take only a few of them, never one per call of a batch.

use crate::jsonrpc::error::ErrorCode;
use crate::jsonrpc::ErrorObject;
use crate::methods::FunctionCall;
use futures::stream::{FuturesUnordered, StreamExt};
use rpc_protocol::inner::{ListCall, Outcome, OutcomeList, SingleCall};
use rpc_protocol::rate_limit::{Charge, Verdict};
use serde_json::value::RawValue;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// What the router reaches outside itself: a function, to call or to
/// describe, and the rate limiter, which counts in the key-value store. On
/// Spin, local service chaining; in unit tests, functions and the counting
/// in-process.
#[allow(async_fn_in_trait)] // used with concrete types only, never as `dyn`
pub trait Transport {
    /// Sends `body` to `function` and returns the body of a 2xx answer.
    async fn send(&self, function: &str, body: Vec<u8>) -> Result<Vec<u8>, TransportError>;

    /// Asks `function` to describe itself (`GET`) and returns the body of a
    /// 2xx answer: its OpenRPC method object.
    async fn describe(&self, function: &str) -> Result<Vec<u8>, TransportError>;

    /// Counts a rate-limited token's calls in the app's key-value store,
    /// shared by every instance and replica ([`crate::rate_limit`]), by the
    /// request's deadline.
    async fn charge(&self, charge: &Charge) -> Verdict;

    /// What the request's answers may still take, all together
    /// (`max_answer_bytes`): function answers are read within it, and the
    /// router's own answers (each copy of `rpc.discover`'s document) take
    /// from it too.
    fn answer_bytes(&self) -> &AnswerBytes;
}

/// Why a function request brought back no usable answer body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The function answered a non-success status (a trap reaches us as 500).
    Status(u16),
    /// No answer by the request's deadline (`call_timeout_ms` after its
    /// calls started).
    TimedOut(Duration),
    /// The answer would have taken the request's answers past this many
    /// bytes in all.
    TooLarge(usize),
    /// The request could not be delivered or the answer not read.
    Unreachable(String),
}

/// The bytes of function answers one request may still take in: every
/// answer read counts, so that what one request holds is bounded in all
/// (`max_answer_bytes`), not per function request. Single-threaded, as a
/// component is.
#[derive(Debug)]
pub struct AnswerBytes {
    left: std::cell::Cell<usize>,
    /// The request's whole allowance.
    pub limit: usize,
}

impl AnswerBytes {
    pub fn new(limit: usize) -> Self {
        AnswerBytes {
            left: std::cell::Cell::new(limit),
            limit,
        }
    }

    /// Takes `bytes` from what is left; `false`, taking nothing, if fewer are.
    pub fn take(&self, bytes: usize) -> bool {
        match self.left.get().checked_sub(bytes) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => false,
        }
    }

    /// Gives back what an answer that is not kept had taken.
    pub fn give_back(&self, bytes: usize) {
        self.left.set((self.left.get() + bytes).min(self.limit));
    }
}

/// What one call gave: a result, or the error for the client.
pub type CallResult = Result<Box<RawValue>, ErrorObject>;

/// A call's result, and how long it waited for its function: from the first
/// request that carried it to the answer that settled it.
pub type TimedResult = (CallResult, Duration);

/// How the calls of a batch travel (the setting `group_calls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// One list-form request per function (`group_calls = "true"`, the default).
    #[default]
    PerFunction,
    /// One request, so one instance, per call (`group_calls = "false"`): for
    /// functions that must never see two calls in one instance.
    PerCall,
}

/// Runs every call, at most `parallel` function requests at a time, and
/// gives their results in the order of `calls`.
pub async fn run_all<T: Transport>(
    transport: &T,
    calls: &[FunctionCall<'_>],
    grouping: Grouping,
    parallel: usize,
) -> Vec<TimedResult> {
    let mut waiting = jobs(calls, grouping);
    let mut results: Vec<Option<TimedResult>> = calls.iter().map(|_| None).collect();
    let mut in_flight = FuturesUnordered::new();
    loop {
        while in_flight.len() < parallel.max(1) {
            let Some(job) = waiting.pop_front() else {
                break;
            };
            in_flight.push(run_job(transport, calls, job));
        }
        let Some((job, done)) = in_flight.next().await else {
            break;
        };
        match done {
            Done::Settled(settled) => {
                for (&index, result) in job.members.iter().zip(settled) {
                    results[index] = Some(result);
                }
            }
            // Each call again on its own, after those already waiting.
            Done::SendEach => waiting.extend(job.members.iter().map(|&index| Job {
                members: vec![index],
                started: job.started,
            })),
        }
    }
    results
        .into_iter()
        .map(|result| {
            result.unwrap_or_else(|| {
                let error = ErrorObject::internal_error("a call was not run");
                (Err(error), Duration::ZERO)
            })
        })
        .collect()
}

/// The function requests that carry `calls`, in the order of each
/// function's first call: one per function, or one per call.
fn jobs(calls: &[FunctionCall<'_>], grouping: Grouping) -> VecDeque<Job> {
    let mut jobs: VecDeque<Job> = VecDeque::new();
    for (index, call) in calls.iter().enumerate() {
        let group = match grouping {
            Grouping::PerFunction => jobs
                .iter_mut()
                .find(|job| calls[job.members[0]].function == call.function),
            Grouping::PerCall => None,
        };
        match group {
            Some(job) => job.members.push(index),
            None => jobs.push_back(Job {
                members: vec![index],
                started: None,
            }),
        }
    }
    jobs
}

/// One function request to make: the calls (indices into the message's
/// calls, all of one function) it carries.
struct Job {
    members: Vec<usize>,
    /// When the first request that carried these calls was sent.
    started: Option<Instant>,
}

/// What became of a job.
enum Done {
    /// A result for each of its calls, in order.
    Settled(Vec<TimedResult>),
    /// A list-form request failed as a whole: its calls go again one by one.
    SendEach,
}

/// Makes the request of one job: a single call, or a list of calls.
async fn run_job<'c, T: Transport>(
    transport: &T,
    calls: &'c [FunctionCall<'c>],
    mut job: Job,
) -> (Job, Done) {
    let started = *job.started.get_or_insert_with(Instant::now);
    let function = calls[job.members[0]].function;
    let done = if let [index] = job.members.as_slice() {
        let result = run_single(transport, function, &calls[*index]).await;
        Done::Settled(vec![(result, started.elapsed())])
    } else {
        let members: Vec<&FunctionCall> = job.members.iter().map(|&i| &calls[i]).collect();
        let listed = run_list(transport, function, &members).await;
        // One clock read for the calls that one answer settled (a read is a
        // host call, and a list may carry a hundred calls).
        let elapsed = started.elapsed();
        match listed {
            Ok(results) => Done::Settled(results.into_iter().map(|r| (r, elapsed)).collect()),
            Err(ListFailure::TimedOut(limit)) => {
                let error = transport_error(function, TransportError::TimedOut(limit));
                Done::Settled(
                    members
                        .iter()
                        .map(|_| (Err(error.clone()), elapsed))
                        .collect(),
                )
            }
            Err(ListFailure::Other) => Done::SendEach,
        }
    };
    (job, done)
}

async fn run_single<T: Transport>(
    transport: &T,
    function: &str,
    call: &FunctionCall<'_>,
) -> CallResult {
    let body = encode(&SingleCall {
        params: call.params.as_deref(),
    });
    let answer = transport
        .send(function, body)
        .await
        .map_err(|error| transport_error(function, error))?;
    let outcome: Outcome =
        serde_json::from_slice(&answer).map_err(|error| malformed(function, error))?;
    present(call, outcome)
}

/// Why a list-form request gave no outcome for each of its calls.
enum ListFailure {
    /// No answer in time: every call of the request gets the timeout.
    TimedOut(Duration),
    /// A trap, an error status, a malformed or short answer: each call is
    /// sent again on its own.
    Other,
}

/// The results of a list-form request, or why it failed as a whole.
async fn run_list<T: Transport>(
    transport: &T,
    function: &str,
    calls: &[&FunctionCall<'_>],
) -> Result<Vec<CallResult>, ListFailure> {
    let body = encode(&ListCall {
        calls: calls.iter().map(|call| call.params.as_deref()).collect(),
    });
    let answer = transport
        .send(function, body)
        .await
        .map_err(|error| match error {
            TransportError::TimedOut(limit) => ListFailure::TimedOut(limit),
            _ => ListFailure::Other,
        })?;
    let list: OutcomeList = serde_json::from_slice(&answer).map_err(|_| ListFailure::Other)?;
    if list.outcomes.len() != calls.len() {
        return Err(ListFailure::Other);
    }
    Ok(calls
        .iter()
        .zip(list.outcomes)
        .map(|(call, outcome)| present(call, outcome))
        .collect())
}

fn present(call: &FunctionCall<'_>, outcome: Outcome) -> CallResult {
    match outcome {
        Outcome::Result(result) => Ok(match call.wrap_result {
            Some(wrap) => wrap(&result),
            None => result,
        }),
        Outcome::Error(error) => Err(error),
    }
}

fn encode<T: serde::Serialize>(request: &T) -> Vec<u8> {
    // Borrowed RawValues and a Vec of them: serialization cannot fail.
    serde_json::to_vec(request).unwrap_or_default()
}

/// The client-facing error for a function request that brought nothing usable.
pub(crate) fn transport_error(function: &str, error: TransportError) -> ErrorObject {
    match error {
        // Spin answers a trap with an empty 500, so a panic and a spent work
        // budget look the same from here.
        TransportError::Status(500) => ErrorObject::new(
            ErrorCode::FunctionFailed,
            format!(
                "function {function:?} failed: it answered HTTP 500 \
                 (it trapped: a panic, or its work budget was spent)"
            ),
        ),
        TransportError::Status(status) => ErrorObject::new(
            ErrorCode::FunctionFailed,
            format!("function {function:?} failed: it answered HTTP {status}"),
        ),
        TransportError::TimedOut(limit) => ErrorObject::new(
            ErrorCode::FunctionTimedOut,
            format!(
                "function {function:?} did not answer within the request's {} ms \
                 (variable call_timeout_ms)",
                limit.as_millis()
            ),
        ),
        TransportError::TooLarge(limit) => ErrorObject::new(
            ErrorCode::FunctionAnswerTooLarge,
            format!(
                "function {function:?} answered more than the request's answers may hold \
                 in all, {limit} bytes (variable max_answer_bytes)"
            ),
        ),
        TransportError::Unreachable(detail) => ErrorObject::new(
            ErrorCode::FunctionUnreachable,
            format!("function {function:?} could not be reached: {detail}"),
        ),
    }
}

fn malformed(function: &str, error: serde_json::Error) -> ErrorObject {
    ErrorObject::new(
        ErrorCode::FunctionMalformed,
        format!("function {function:?} answered something that is not an inner outcome: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_bytes_are_taken_until_the_allowance_is_spent() {
        let bytes = AnswerBytes::new(100);
        assert!(bytes.take(60));
        assert!(!bytes.take(41), "past the allowance: nothing taken");
        assert!(bytes.take(40));
        assert!(!bytes.take(1));
        bytes.give_back(60);
        assert!(bytes.take(60));
        bytes.give_back(1000);
        assert!(!bytes.take(101), "never more than the allowance");
    }
}
