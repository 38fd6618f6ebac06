//! Request and response bodies with blocking reads and writes: the fewest
//! host calls for a component that has nothing else to do meanwhile (a
//! function, or the router before its calls and after them).

use spin_sdk::http::{Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam};
use std::fmt;
use std::time::Duration;
use wasi::clocks::monotonic_clock;
use wasi::io::streams::StreamError;

/// The most one blocking read asks for.
const READ_CHUNK: u64 = 64 * 1024;
/// The most `blocking-write-and-flush` takes at once.
const WRITE_CHUNK: usize = 4096;

/// Why a body was not read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// More than the limit arrived.
    TooLarge,
    /// The stream failed.
    Broken(String),
    /// The body had not arrived whole by the deadline.
    TimedOut,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::TooLarge => f.write_str("the body is over the size limit"),
            BodyError::Broken(error) => write!(f, "the body could not be read: {error}"),
            BodyError::TimedOut => f.write_str("the body did not arrive in time"),
        }
    }
}

/// Reads a whole request body of at most `limit` bytes, stopping at the
/// limit instead of buffering whatever arrives; with a `deadline`, stopping
/// too once that much time has passed, so that a client sending slowly does
/// not hold the instance.
pub fn read(
    request: IncomingRequest,
    limit: usize,
    deadline: Option<Duration>,
) -> Result<Vec<u8>, BodyError> {
    let broken = |what: &str| BodyError::Broken(what.to_owned());
    let body = request
        .consume()
        .map_err(|()| broken("the body was already taken"))?;
    let stream = body
        .stream()
        .map_err(|()| broken("the body stream was already taken"))?;
    // Children of the stream, dropped before it.
    let readable = stream.subscribe();
    let timer = deadline.map(|deadline| {
        let nanos = u64::try_from(deadline.as_nanos()).unwrap_or(u64::MAX);
        monotonic_clock::subscribe_duration(nanos)
    });
    let mut bytes = Vec::new();
    loop {
        let chunk = match &timer {
            None => stream.blocking_read(READ_CHUNK),
            Some(timer) => match stream.read(READ_CHUNK) {
                Ok(chunk) if chunk.is_empty() => {
                    let ready = wasi::io::poll::poll(&[&readable, timer]);
                    if !ready.contains(&0) {
                        return Err(BodyError::TimedOut);
                    }
                    continue;
                }
                other => other,
            },
        };
        match chunk {
            Ok(chunk) if bytes.len() + chunk.len() > limit => return Err(BodyError::TooLarge),
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => return Ok(bytes),
            Err(StreamError::LastOperationFailed(error)) => {
                return Err(BodyError::Broken(error.to_debug_string()))
            }
        }
    }
}

/// Answers with `status`, `headers` and `body`. A body of one chunk is
/// written and finished before the response goes to the host, so that the
/// host has the whole answer at once and sends its head and body in one
/// write: sent apart, the body waits for the client's delayed ACK of the
/// head (40 ms on Linux) on a connection that keeps Nagle's algorithm on, as
/// Spin's do. The host holds a chunk written before anyone reads (wasmtime
/// buffers one); a longer body goes after the response, so that it streams
/// to the caller as it is written rather than filling a buffer no one reads.
/// With a `deadline`, a caller that has not taken the whole body by then
/// gets it cut short (the body is never finished, so the host aborts the
/// answer) instead of holding the instance for as long as it does not read.
pub fn write(
    response_out: ResponseOutparam,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    deadline: Option<Duration>,
) {
    let headers: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.as_bytes().to_vec()))
        .collect();
    let fields = Fields::from_list(&headers).unwrap_or_else(|_| Fields::new());
    let response = OutgoingResponse::new(fields);
    let _ = response.set_status_code(status);
    let Ok(outgoing) = response.body() else {
        return;
    };
    if body.len() <= WRITE_CHUNK {
        let _ = write_all(&outgoing, body, None);
        let _ = OutgoingBody::finish(outgoing, None);
        response_out.set(response);
    } else {
        response_out.set(response);
        if write_all(&outgoing, body, deadline).is_ok() {
            let _ = OutgoingBody::finish(outgoing, None);
        }
    }
}

/// Writes `body` to `outgoing` in chunks the host takes at once, by the
/// deadline if there is one; `Err` if it was not all taken.
fn write_all(outgoing: &OutgoingBody, body: &[u8], deadline: Option<Duration>) -> Result<(), ()> {
    let stream = outgoing.write()?;
    let Some(deadline) = deadline else {
        for chunk in body.chunks(WRITE_CHUNK) {
            stream.blocking_write_and_flush(chunk).map_err(drop)?;
        }
        return Ok(());
    };
    let nanos = u64::try_from(deadline.as_nanos()).unwrap_or(u64::MAX);
    let timer = monotonic_clock::subscribe_duration(nanos);
    // A child of the stream: dropped before it, as declared after it.
    let writable = stream.subscribe();
    let mut left = body;
    loop {
        match stream.check_write().map_err(drop)? {
            // Nothing left and everything flushed.
            room if room > 0 && left.is_empty() => return Ok(()),
            0 => {
                if !wasi::io::poll::poll(&[&writable, &timer]).contains(&0) {
                    return Err(());
                }
            }
            room => {
                let room = usize::try_from(room).unwrap_or(usize::MAX);
                let (chunk, rest) = left.split_at(room.min(WRITE_CHUNK).min(left.len()));
                stream.write(chunk).map_err(drop)?;
                left = rest;
                if left.is_empty() {
                    stream.flush().map_err(drop)?;
                }
            }
        }
    }
}
