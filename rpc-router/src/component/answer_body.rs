//! Reading a function's answer with a size limit, asynchronously (the
//! calls of a batch are in flight together, and each races its timer):
//! stop at the limit instead of buffering whatever arrives.

use futures::{Stream, StreamExt};
use rpc_function::component::body::BodyError;
use std::fmt::Display;
use std::pin::pin;

/// Reads a whole body of at most `limit` bytes.
pub async fn read_at_most<E: Display>(
    stream: impl Stream<Item = Result<Vec<u8>, E>>,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let mut stream = pin!(stream);
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| BodyError::Broken(error.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
