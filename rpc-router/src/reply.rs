//! What the router answers over HTTP: a kind of answer, from which its
//! status, headers and body follow.

use crate::jsonrpc::error::ErrorCode;
use crate::jsonrpc::{ErrorObject, Id, Response};
use std::time::Duration;

/// The status of a request without a valid token (checked when the router
/// is compiled).
const UNAUTHORIZED: u16 = ErrorCode::Unauthorized
    .http_status()
    .expect("-32005 implies an HTTP status");

/// The router's answer to one HTTP request.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// HTTP 200 with a JSON body: a response, a batch of them, or the
    /// health check's status.
    Json(Vec<u8>),
    /// HTTP 204 and no body: every request of the message was a notification.
    NoContent,
    /// Every request of the message was refused by its token's rate limit
    /// (HTTP 429, with `Retry-After`) or because the limit's store failed
    /// (503): the responses a 200 would carry (none for notifications).
    Throttled {
        status: u16,
        body: Option<Vec<u8>>,
        retry_after: Option<Duration>,
    },
    /// An HTTP error before any JSON-RPC processing (a body over the size
    /// limit, another HTTP method, no valid token, a bad configuration):
    /// still a JSON-RPC error object, id `null`.
    Refusal {
        status: u16,
        error: ErrorObject,
        /// The header a refusal of its kind carries: `Allow` for a 405,
        /// `WWW-Authenticate` for a 401.
        header: Option<(&'static str, &'static str)>,
    },
}

impl Reply {
    pub fn refusal(status: u16, error: ErrorObject) -> Self {
        Reply::Refusal {
            status,
            error,
            header: None,
        }
    }

    /// HTTP 405 for a request with another method than `allowed`.
    pub fn method_not_allowed(allowed: &'static str) -> Self {
        Reply::Refusal {
            status: 405,
            error: ErrorObject::invalid_request(format!("use HTTP {allowed}")),
            header: Some(("allow", allowed)),
        }
    }

    /// HTTP 401, as `-32005` implies it, with its `WWW-Authenticate`
    /// challenge.
    pub fn unauthorized(error: ErrorObject, challenge: &'static str) -> Self {
        Reply::Refusal {
            status: UNAUTHORIZED,
            error,
            header: Some(("www-authenticate", challenge)),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Reply::Json(_) => 200,
            Reply::NoContent => 204,
            Reply::Throttled { status, .. } | Reply::Refusal { status, .. } => *status,
        }
    }

    /// The headers that go with it: the body's type, and a refusal's own.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if !matches!(self, Reply::NoContent | Reply::Throttled { body: None, .. }) {
            headers.push(("content-type", "application/json".to_owned()));
        }
        match self {
            Reply::Refusal {
                header: Some((name, value)),
                ..
            } => headers.push((*name, (*value).to_owned())),
            Reply::Throttled {
                retry_after: Some(wait),
                ..
            } => headers.push(("retry-after", retry_after_seconds(*wait).to_string())),
            _ => {}
        }
        headers
    }

    /// The body, if the reply has one.
    pub fn into_body(self) -> Option<Vec<u8>> {
        match self {
            Reply::Json(body) => Some(body),
            Reply::NoContent => None,
            Reply::Throttled { body, .. } => body,
            Reply::Refusal { error, .. } => Some(Response::error(Id::NULL, error).to_json()),
        }
    }
}

/// `Retry-After` is in whole seconds (RFC 9110 §10.2.3): rounded up, so
/// that a client that waits that long finds the window over.
fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_millis().div_ceil(1000).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_says_its_status_and_headers() {
        let json = Reply::Json(b"{}".to_vec());
        assert_eq!(json.status(), 200);
        assert_eq!(
            json.headers(),
            [("content-type", "application/json".to_owned())]
        );
        assert_eq!(Reply::NoContent.status(), 204);
        assert_eq!(Reply::NoContent.headers(), []);
        assert_eq!(Reply::NoContent.into_body(), None);
        let refused = Reply::method_not_allowed("GET");
        assert_eq!(refused.status(), 405);
        assert_eq!(
            refused.headers(),
            [
                ("content-type", "application/json".to_owned()),
                ("allow", "GET".to_owned())
            ]
        );
        let body = String::from_utf8(refused.into_body().unwrap()).unwrap();
        assert!(
            body.contains("-32600") && body.contains("\"id\":null"),
            "{body}"
        );
    }

    #[test]
    fn a_throttled_reply_says_when_to_retry_in_whole_seconds_rounded_up() {
        for (wait_ms, seconds) in [(1, "1"), (1000, "1"), (1001, "2"), (59_999, "60")] {
            let throttled = Reply::Throttled {
                status: 429,
                body: None,
                retry_after: Some(Duration::from_millis(wait_ms)),
            };
            assert_eq!(throttled.status(), 429);
            assert_eq!(throttled.headers(), [("retry-after", seconds.to_owned())]);
        }
    }
}
