//! Sending calls to function components: grouped per function, concurrent,
//! with per-call isolation.
//!
//! All calls of a message go out at once. The calls of one function travel in
//! one list-form request (one instance on Spin instead of one per call). If
//! that request fails as a whole, each of its calls is sent again on its own,
//! once, so that only the call that really fails gets an error; but not after
//! a timeout: on Spin a function that is still running holds a worker thread
//! until it ends, and each re-sent call that loops would hold another.

use crate::jsonrpc::error::code;
use crate::jsonrpc::ErrorObject;
use crate::methods::FunctionCall;
use futures::future::join_all;
use rpc_function::inner::{ListCall, Outcome, OutcomeList, SingleCall};
use serde_json::value::RawValue;
use std::time::{Duration, Instant};

/// Carries one inner request to a function and brings back its answer body.
/// On Spin this is local service chaining; in unit tests, a function in-process.
#[allow(async_fn_in_trait)] // used with concrete types only, never as `dyn`
pub trait Transport {
    /// Sends `body` to `function` and returns the body of a 2xx answer.
    async fn send(&self, function: &str, body: Vec<u8>) -> Result<Vec<u8>, TransportError>;

    /// Asks `function` to describe itself (`GET`) and returns the body of a
    /// 2xx answer: its OpenRPC method object.
    async fn describe(&self, function: &str) -> Result<Vec<u8>, TransportError>;
}

/// Why a function request brought back no usable answer body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The function answered a non-success status (a trap reaches us as 500).
    Status(u16),
    /// No answer within the call time limit.
    TimedOut(Duration),
    /// The answer body was larger than the limit, in bytes.
    TooLarge(usize),
    /// The request could not be delivered or the answer not read.
    Unreachable(String),
}

/// What one call gave: a result, or the error for the client.
pub type CallResult = Result<Box<RawValue>, ErrorObject>;

/// A call's result, and how long it waited for its function: from the first
/// request that carried it to the answer that settled it.
pub type TimedResult = (CallResult, Duration);

/// How the calls of a batch travel (the Spin variable `group_calls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// One list-form request per function (`group_calls = "true"`, the default).
    #[default]
    PerFunction,
    /// One request, so one instance, per call (`group_calls = "false"`): for
    /// functions that must never see two calls in one instance.
    PerCall,
}

impl Grouping {
    /// Reads the value of the `group_calls` variable (unset: the default).
    pub fn from_variable(value: Option<&str>) -> Result<Self, String> {
        match value.map(str::trim) {
            None | Some("true") => Ok(Grouping::PerFunction),
            Some("false") => Ok(Grouping::PerCall),
            Some(other) => Err(format!(
                "variable group_calls: {other:?} is neither \"true\" nor \"false\""
            )),
        }
    }
}

/// Runs every call and gives their results in the order of `calls`.
pub async fn run_all<T: Transport>(
    transport: &T,
    calls: &[FunctionCall<'_>],
    grouping: Grouping,
) -> Vec<TimedResult> {
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for (index, call) in calls.iter().enumerate() {
        let group = match grouping {
            Grouping::PerFunction => groups
                .iter_mut()
                .find(|(function, _)| *function == call.function),
            Grouping::PerCall => None,
        };
        match group {
            Some((_, members)) => members.push(index),
            None => groups.push((call.function, vec![index])),
        }
    }
    let answered = join_all(groups.iter().map(|(function, members)| {
        let group: Vec<&FunctionCall> = members.iter().map(|&index| &calls[index]).collect();
        run_group(transport, function, group)
    }))
    .await;

    let mut results: Vec<Option<TimedResult>> = calls.iter().map(|_| None).collect();
    for ((_, members), group_results) in groups.iter().zip(answered) {
        for (&index, result) in members.iter().zip(group_results) {
            results[index] = Some(result);
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

/// Runs the calls of one function: one request for all, then one each if that fails.
async fn run_group<T: Transport>(
    transport: &T,
    function: &str,
    calls: Vec<&FunctionCall<'_>>,
) -> Vec<TimedResult> {
    let start = Instant::now();
    let settled = |result: CallResult| (result, start.elapsed());
    if let [call] = calls.as_slice() {
        return vec![settled(run_single(transport, function, call).await)];
    }
    let listed = run_list(transport, function, &calls).await;
    // One clock read for the calls that one answer settled (a read is a
    // host call, and a list may carry a hundred calls).
    let elapsed = start.elapsed();
    match listed {
        Ok(results) => results
            .into_iter()
            .map(|result| (result, elapsed))
            .collect(),
        Err(ListFailure::TimedOut(limit)) => {
            let error = transport_error(function, TransportError::TimedOut(limit));
            calls
                .iter()
                .map(|_| (Err(error.clone()), elapsed))
                .collect()
        }
        Err(ListFailure::Other) => {
            join_all(
                calls
                    .iter()
                    .map(|call| async { settled(run_single(transport, function, call).await) }),
            )
            .await
        }
    }
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
        Outcome::Error(error) => Err(ErrorObject {
            data: error.data,
            ..ErrorObject::new(error.code, error.message)
        }),
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
            code::FUNCTION_FAILED,
            format!(
                "function {function:?} failed: it answered HTTP 500 \
                 (it trapped: a panic, or its work budget was spent)"
            ),
        ),
        TransportError::Status(status) => ErrorObject::new(
            code::FUNCTION_FAILED,
            format!("function {function:?} failed: it answered HTTP {status}"),
        ),
        TransportError::TimedOut(limit) => ErrorObject::new(
            code::FUNCTION_TIMED_OUT,
            format!(
                "function {function:?} did not answer within {} ms (variable call_timeout_ms)",
                limit.as_millis()
            ),
        ),
        TransportError::TooLarge(limit) => ErrorObject::new(
            code::FUNCTION_ANSWER_TOO_LARGE,
            format!("function {function:?} answered more than {limit} bytes (variable max_answer_bytes)"),
        ),
        TransportError::Unreachable(detail) => ErrorObject::new(
            code::FUNCTION_UNREACHABLE,
            format!("function {function:?} could not be reached: {detail}"),
        ),
    }
}

fn malformed(function: &str, error: serde_json::Error) -> ErrorObject {
    ErrorObject::new(
        code::FUNCTION_MALFORMED,
        format!("function {function:?} answered something that is not an inner outcome: {error}"),
    )
}
