//! Reading a function's answer within what the request may still hold,
//! asynchronously (a few function requests are in flight together, each
//! racing the request's deadline): stop at the limit instead of buffering
//! whatever arrives.

use crate::dispatch::AnswerBytes;
use futures::{Stream, StreamExt};
use rpc_protocol::body::BodyError;
use std::fmt::Display;
use std::pin::pin;

/// Reads a whole body, taking its bytes from `allowance`; a body that would
/// pass it is refused and gives back what it had taken.
pub async fn read_within<E: Display>(
    stream: impl Stream<Item = Result<Vec<u8>, E>>,
    allowance: &AnswerBytes,
) -> Result<Vec<u8>, BodyError> {
    let mut stream = pin!(stream);
    let mut body = Vec::new();
    let refuse = |body: &Vec<u8>, error| {
        allowance.give_back(body.len());
        Err(error)
    };
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => return refuse(&body, BodyError::Broken(error.to_string())),
        };
        if !allowance.take(chunk.len()) {
            return refuse(&body, BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
