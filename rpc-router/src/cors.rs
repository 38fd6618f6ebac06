//! CORS for browser clients (the `cors_origins` variable).
//!
//! Unset or empty: no CORS headers at all, and `OPTIONS` is a method like any
//! other that is not `POST` (405). `*`: any origin. Otherwise a list of
//! origins (`https://app.example.com http://localhost:8080`), matched exactly
//! as browsers send them: scheme, host and port, no path.

use crate::jsonrpc::ErrorObject;
use crate::reply::Reply;

/// The variable, as errors name it.
pub const VARIABLE: &str = "cors_origins";

/// What a preflight allows: the router's one method, and the two headers a
/// JSON-RPC client sends (`authorization` is never covered by a wildcard).
const ALLOW_METHODS: &str = "POST";
const ALLOW_HEADERS: &str = "content-type, authorization";
/// How long a browser may keep a preflight's answer, in seconds.
const MAX_AGE: &str = "600";

/// A header of an answer; CORS values depend on the request's origin.
pub type Header = (&'static str, String);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Cors {
    #[default]
    Off,
    AnyOrigin,
    Origins(Vec<String>),
}

impl Cors {
    pub fn parse(text: &str) -> Result<Self, String> {
        let origins: Vec<&str> = text.split_whitespace().collect();
        match origins.as_slice() {
            [] => Ok(Cors::Off),
            ["*"] => Ok(Cors::AnyOrigin),
            origins => {
                if let Some(bad) = origins.iter().find(|origin| !is_origin(origin)) {
                    return Err(format!(
                        "variable {VARIABLE}: {bad:?} is not \"*\" or an origin \
                         (scheme://host[:port], no path)"
                    ));
                }
                Ok(Cors::Origins(
                    origins.iter().map(|o| (*o).to_owned()).collect(),
                ))
            }
        }
    }

    pub fn is_on(&self) -> bool {
        *self != Cors::Off
    }

    /// The methods the endpoint accepts (the `Allow` header of a 405).
    pub fn allowed_methods(&self) -> &'static str {
        if self.is_on() {
            "POST, OPTIONS"
        } else {
            "POST"
        }
    }

    /// The CORS headers of an answer to a request from `origin`: none unless
    /// the origin is allowed.
    pub fn headers(&self, origin: Option<&str>) -> Vec<Header> {
        let allowed = match (self, origin) {
            (Cors::AnyOrigin, Some(_)) => "*".to_owned(),
            (Cors::Origins(origins), Some(origin)) if origins.iter().any(|o| o == origin) => {
                origin.to_owned()
            }
            _ => return Vec::new(),
        };
        vec![
            ("access-control-allow-origin", allowed),
            ("vary", "origin".to_owned()),
        ]
    }

    /// The answer to `OPTIONS`, when CORS is on: a preflight from an allowed
    /// origin gets 204 and what it may send; from another origin, 403 and no
    /// CORS header; without an origin (not a browser), 204 and `Allow`.
    pub fn options(&self, origin: Option<&str>) -> Option<(Reply, Vec<Header>)> {
        if !self.is_on() {
            return None;
        }
        let Some(origin) = origin else {
            return Some((
                Reply::NoContent,
                vec![("allow", self.allowed_methods().to_owned())],
            ));
        };
        let mut headers = self.headers(Some(origin));
        if headers.is_empty() {
            let refused = ErrorObject::invalid_request(format!(
                "origin {origin:?} is not allowed (variable {VARIABLE})"
            ));
            return Some((Reply::refusal(403, refused), headers));
        }
        headers.extend([
            ("access-control-allow-methods", ALLOW_METHODS.to_owned()),
            ("access-control-allow-headers", ALLOW_HEADERS.to_owned()),
            ("access-control-max-age", MAX_AGE.to_owned()),
        ]);
        Some((Reply::NoContent, headers))
    }
}

/// `scheme://host[:port]` with an http(s) scheme and nothing after the host.
fn is_origin(text: &str) -> bool {
    let Some(host) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}

/// The value of the header `name` among `headers` (for the tests).
#[cfg(test)]
pub(crate) fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "https://app.example.com";

    #[test]
    fn off_by_default_adds_nothing_and_leaves_options_alone() {
        let cors = Cors::parse(" ").unwrap();
        assert_eq!(cors, Cors::Off);
        assert_eq!(cors.headers(Some(APP)), []);
        assert_eq!(cors.options(Some(APP)), None);
        assert_eq!(cors.allowed_methods(), "POST");
    }

    #[test]
    fn an_allowed_origin_gets_its_headers_and_its_preflight() {
        for (cors, allowed) in [
            (
                Cors::parse(&format!("http://localhost:8080 {APP}")).unwrap(),
                APP,
            ),
            (Cors::parse("*").unwrap(), "*"),
        ] {
            let headers = cors.headers(Some(APP));
            assert_eq!(
                header(&headers, "access-control-allow-origin"),
                Some(allowed)
            );
            assert_eq!(header(&headers, "vary"), Some("origin"));
            assert_eq!(cors.headers(None), []);
            let (reply, headers) = cors.options(Some(APP)).unwrap();
            assert_eq!(reply.status(), 204);
            assert_eq!(
                header(&headers, "access-control-allow-origin"),
                Some(allowed)
            );
            assert_eq!(
                header(&headers, "access-control-allow-methods"),
                Some("POST")
            );
            let asked = header(&headers, "access-control-allow-headers").unwrap();
            assert!(asked.contains("authorization") && asked.contains("content-type"));
            assert!(header(&headers, "access-control-max-age").is_some());
            assert_eq!(cors.allowed_methods(), "POST, OPTIONS");
        }
    }

    #[test]
    fn another_origin_gets_403_and_no_cors_header() {
        let cors = Cors::parse(APP).unwrap();
        for origin in [
            "https://evil.example",
            "https://app.example.com.evil",
            "null",
        ] {
            assert_eq!(cors.headers(Some(origin)), []);
            let (reply, headers) = cors.options(Some(origin)).unwrap();
            assert_eq!((reply.status(), headers), (403, vec![]));
        }
        let (reply, headers) = cors.options(None).unwrap();
        assert_eq!(reply.status(), 204);
        assert_eq!(header(&headers, "allow"), Some("POST, OPTIONS"));
    }

    #[test]
    fn a_malformed_list_is_named() {
        for bad in [
            "app.example.com",
            "https://app.example.com/",
            "ftp://x",
            "* https://a",
        ] {
            let error = Cors::parse(bad).unwrap_err();
            assert!(error.contains(VARIABLE), "{bad}: {error}");
        }
    }
}
