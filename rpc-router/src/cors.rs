//! CORS for browser clients (the `cors_origins` variable).
//!
//! Unset or empty: no CORS headers at all, and `OPTIONS` is a method like any
//! other that is not `POST` (405). `*`: any origin. Otherwise a list of
//! origins (`https://app.example.com http://localhost:8080`), matched exactly
//! as browsers send them: scheme, host and port, no path.
//!
//! A `POST` from a browser page of another origin is refused (403) unless
//! that origin is allowed, CORS on or off: a plain cross-site post
//! (`text/plain`) needs no preflight, so without this any web page could
//! make its visitor's browser call an open endpoint on their intranet. A
//! page of the endpoint's own origin (its host and port those of the `Host`
//! header, whatever the scheme, so that a TLS-terminating ingress works)
//! may post; so may any client that sends no `Origin` (curl, servers).
//!
//! Every answer carries `Vary: Origin`, CORS on or off: the router reads
//! this variable only for requests that CORS can concern (one with an
//! `Origin`, or a method other than `POST`), so an answer to a plain `POST`
//! is given without knowing whether CORS is on, and it may be on.

use crate::jsonrpc::ErrorObject;
use crate::reply::Reply;

/// The variable, as errors name it.
pub const VARIABLE: &str = "cors_origins";

/// What a preflight allows: the router's one method, the two headers a
/// JSON-RPC client sends (`authorization` is never covered by a wildcard),
/// and those the router reads besides: trace context and a request id.
const ALLOW_METHODS: &str = "POST";
const ALLOW_HEADERS: &str = "content-type, authorization, traceparent, tracestate, x-request-id";
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

    /// The CORS headers of an answer to a request from `origin`:
    /// `Vary: Origin`, and the origin allowed if it is.
    pub fn headers(&self, origin: Option<&str>) -> Vec<Header> {
        let mut headers = vec![("vary", "origin".to_owned())];
        if let Some(allowed) = self.allowed(origin) {
            headers.push(("access-control-allow-origin", allowed));
        }
        headers
    }

    /// The `Access-Control-Allow-Origin` value for `origin`, if allowed.
    fn allowed(&self, origin: Option<&str>) -> Option<String> {
        match (self, origin) {
            (Cors::AnyOrigin, Some(_)) => Some("*".to_owned()),
            (Cors::Origins(origins), Some(origin)) if origins.iter().any(|o| o == origin) => {
                Some(origin.to_owned())
            }
            _ => None,
        }
    }

    /// The refusal of a `POST` from a browser page whose origin is neither
    /// allowed nor the endpoint's own (`host`: the request's `Host`).
    pub fn refuses_post(&self, origin: Option<&str>, host: Option<&str>) -> Option<Reply> {
        let origin = origin?;
        if self.allowed(Some(origin)).is_some() || same_origin(origin, host) {
            return None;
        }
        Some(Reply::refusal(403, not_allowed(origin)))
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
        if self.allowed(Some(origin)).is_none() {
            return Some((Reply::refusal(403, not_allowed(origin)), headers));
        }
        headers.extend([
            ("access-control-allow-methods", ALLOW_METHODS.to_owned()),
            ("access-control-allow-headers", ALLOW_HEADERS.to_owned()),
            ("access-control-max-age", MAX_AGE.to_owned()),
        ]);
        Some((Reply::NoContent, headers))
    }
}

fn not_allowed(origin: &str) -> ErrorObject {
    ErrorObject::invalid_request(format!(
        "origin {origin:?} is not allowed (variable {VARIABLE})"
    ))
}

/// Whether `origin` names the host and port the request was sent to: its
/// authority, without its scheme's default port, is the `Host` header's,
/// without `:80` or `:443`.
fn same_origin(origin: &str, host: Option<&str>) -> bool {
    let Some(host) = host else { return false };
    let authority = match origin.split_once("://") {
        Some(("http", authority)) => authority.strip_suffix(":80").unwrap_or(authority),
        Some(("https", authority)) => authority.strip_suffix(":443").unwrap_or(authority),
        _ => return false,
    };
    let host = host.trim();
    let host = host
        .strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
        .unwrap_or(host);
    !authority.is_empty() && authority.eq_ignore_ascii_case(host)
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
    fn off_by_default_allows_no_origin_and_leaves_options_alone() {
        let cors = Cors::parse(" ").unwrap();
        assert_eq!(cors, Cors::Off);
        assert_eq!(cors.headers(Some(APP)), [("vary", "origin".to_owned())]);
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
            assert_eq!(cors.headers(None), [("vary", "origin".to_owned())]);
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
            // Which headers, the e2e suite checks by name through a browser's eyes.
            assert_eq!(
                header(&headers, "access-control-allow-headers"),
                Some(ALLOW_HEADERS)
            );
            assert!(header(&headers, "access-control-max-age").is_some());
            assert_eq!(cors.allowed_methods(), "POST, OPTIONS");
        }
    }

    #[test]
    fn another_origin_gets_403_and_no_cors_header() {
        let cors = Cors::parse(APP).unwrap();
        let vary = vec![("vary", "origin".to_owned())];
        for origin in [
            "https://evil.example",
            "https://app.example.com.evil",
            "null",
        ] {
            assert_eq!(cors.headers(Some(origin)), vary);
            let (reply, headers) = cors.options(Some(origin)).unwrap();
            assert_eq!((reply.status(), headers), (403, vary.clone()));
            let refused = cors.refuses_post(Some(origin), Some("api.example.com"));
            assert_eq!(refused.map(|reply| reply.status()), Some(403), "{origin}");
        }
        let (reply, headers) = cors.options(None).unwrap();
        assert_eq!(reply.status(), 204);
        assert_eq!(header(&headers, "allow"), Some("POST, OPTIONS"));
    }

    #[test]
    fn a_post_from_an_allowed_origin_its_own_or_no_browser_goes_on() {
        let cors = Cors::parse(APP).unwrap();
        for (origin, host) in [
            (Some(APP), Some("api.example.com")),
            (None, Some("api.example.com")),
            (Some("https://api.example.com"), Some("api.example.com")),
            (Some("https://api.example.com"), Some("API.example.com:443")),
            // A TLS-terminating ingress: the page is https, the request http.
            (Some("https://api.example.com"), Some("api.example.com:80")),
            (Some("http://127.0.0.1:3000"), Some("127.0.0.1:3000")),
        ] {
            assert_eq!(cors.refuses_post(origin, host), None, "{origin:?} {host:?}");
        }
        for (origin, host) in [
            (Some("http://127.0.0.1:3001"), Some("127.0.0.1:3000")),
            (Some("https://api.example.com"), None),
            (Some("https://evil.example"), Some("evil.example:8443")),
        ] {
            let refused = cors.refuses_post(origin, host).map(|r| r.status());
            assert_eq!(refused, Some(403), "{origin:?} {host:?}");
        }
        assert_eq!(
            Cors::AnyOrigin.refuses_post(Some("https://evil.example"), None),
            None
        );
    }

    #[test]
    fn with_cors_off_only_the_endpoints_own_pages_and_no_browser_may_post() {
        let host = Some("10.0.0.5:3000");
        for origin in [None, Some("http://10.0.0.5:3000")] {
            assert_eq!(Cors::Off.refuses_post(origin, host), None, "{origin:?}");
        }
        for origin in ["https://evil.example", "null", "http://10.0.0.5:3001"] {
            let refused = Cors::Off.refuses_post(Some(origin), host);
            assert_eq!(refused.map(|r| r.status()), Some(403), "{origin}");
        }
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
