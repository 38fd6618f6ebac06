//! Request and response bodies with blocking reads and writes: the fewest
//! host calls for a component that has nothing else to do meanwhile (a
//! function, or the router before its calls and after them).

use spin_sdk::http::{Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam};
use std::fmt;
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
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::TooLarge => f.write_str("the body is over the size limit"),
            BodyError::Broken(error) => write!(f, "the body could not be read: {error}"),
        }
    }
}

/// Reads a whole request body of at most `limit` bytes, stopping at the
/// limit instead of buffering whatever arrives.
pub fn read(request: IncomingRequest, limit: usize) -> Result<Vec<u8>, BodyError> {
    let broken = |what: &str| BodyError::Broken(what.to_owned());
    let body = request
        .consume()
        .map_err(|()| broken("the body was already taken"))?;
    let stream = body
        .stream()
        .map_err(|()| broken("the body stream was already taken"))?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(READ_CHUNK) {
            Ok(chunk) if bytes.len() + chunk.len() > limit => return Err(BodyError::TooLarge),
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => return Ok(bytes),
            Err(StreamError::LastOperationFailed(error)) => {
                return Err(BodyError::Broken(error.to_debug_string()))
            }
        }
    }
}

/// Answers with `status`, `headers` and `body`. The response goes to the
/// host before its body is written, so that the body streams to the caller
/// as it is written rather than filling a buffer no one reads yet.
pub fn write(response_out: ResponseOutparam, status: u16, headers: &[(&str, &str)], body: &[u8]) {
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
    response_out.set(response);
    if let Ok(stream) = outgoing.write() {
        for chunk in body.chunks(WRITE_CHUNK) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                break;
            }
        }
        // The stream is a child of the body: it goes before the body ends.
    }
    let _ = OutgoingBody::finish(outgoing, None);
}
