//! The HTTP face of `/rpc`, before any JSON is read: which HTTP methods it
//! answers, which browser origins may call it ([`crate::cors`]) and who may
//! call what ([`crate::tokens`]); and the router's whole configuration: its
//! [`crate::settings`] and its two variables.

use crate::app::AppInfo;
use crate::builtin::BuiltIn;
use crate::cors::{Cors, Header};
use crate::dispatch::Grouping;
use crate::jsonrpc::error::ErrorCode;
use crate::jsonrpc::ErrorObject;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::service::Service;
use crate::settings::{self, Settings};
use crate::tokens::{Access, Tokens};
use rpc_registry::MethodRegistry;

/// The router as configured for one request.
pub struct Endpoint {
    pub service: Service,
    pub tokens: Tokens,
    pub cors: Cors,
    /// Whether each request is written to the call log.
    pub call_log: bool,
}

/// What the endpoint looks at before the body.
#[derive(Debug, Default)]
pub struct Head<'a> {
    pub method: HttpMethod,
    /// The `Origin` header (a browser's request).
    pub origin: Option<&'a str>,
    /// The `Host` header: where the request was sent.
    pub host: Option<&'a str>,
    /// Every value of the `Authorization` header.
    pub authorization: Vec<&'a [u8]>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpMethod {
    #[default]
    Post,
    Options,
    Other,
}

impl Endpoint {
    /// The endpoint that the settings and the values of the `tokens` and
    /// `cors_origins` variables describe, for an app with these functions.
    /// Every value is checked, so that a bad one is named on the first
    /// request rather than when a client first needs it, and a bad `tokens`
    /// value never leaves the endpoint open.
    pub fn configure(
        settings: &Settings,
        tokens: &str,
        cors_origins: &str,
        registry: MethodRegistry,
        info: AppInfo,
    ) -> Result<Self, String> {
        let limits = Limits::from_settings(settings)?;
        let grouping = match settings.value(&settings::GROUP_CALLS)? {
            true => Grouping::PerFunction,
            false => Grouping::PerCall,
        };
        let tokens = match tokens {
            none if none.trim().is_empty() => Tokens::default(),
            text => {
                let methods: Vec<&str> = registry
                    .functions()
                    .map(|function| function.method.as_str())
                    .chain(BuiltIn::ALL.map(BuiltIn::name))
                    .collect();
                Tokens::parse(text, &methods)?
            }
        };
        let cors = Cors::parse(cors_origins)?;
        let call_log = settings.value(&settings::CALL_LOG)?;
        Ok(Endpoint {
            service: Service {
                registry,
                limits,
                grouping,
                info,
            },
            tokens,
            cors,
            call_log,
        })
    }

    /// Lets a request on to its body, with its token's scope and rate limit,
    /// or answers it here with the headers that go with the answer: a
    /// preflight, a 405, or a 401 (before anything is parsed or called).
    pub fn admit(&self, head: &Head) -> Result<Access, (Reply, Vec<Header>)> {
        let refused = |reply| (reply, self.cors.headers(head.origin));
        match head.method {
            HttpMethod::Post => {
                if let Some(refusal) = self.cors.refuses_post(head.origin, head.host) {
                    return Err(refused(refusal));
                }
            }
            HttpMethod::Options => {
                if let Some(preflight) = self.cors.options(head.origin) {
                    return Err(preflight);
                }
                return Err(refused(Reply::method_not_allowed(
                    self.cors.allowed_methods(),
                )));
            }
            HttpMethod::Other => {
                return Err(refused(Reply::method_not_allowed(
                    self.cors.allowed_methods(),
                )))
            }
        }
        self.tokens
            .authorize(&head.authorization)
            .map_err(|unauthorized| {
                let error = ErrorObject::detailed(ErrorCode::Unauthorized, unauthorized.reason());
                refused(Reply::unauthorized(error, unauthorized.challenge()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::header;
    use crate::methods::Scope;
    use rpc_registry::Function;

    fn endpoint(
        settings: &[(&str, &str)],
        tokens: &str,
        cors_origins: &str,
    ) -> Result<Endpoint, String> {
        let registry = MethodRegistry::new(["double", "triple"].map(Function::named)).unwrap();
        let info = AppInfo {
            title: "app".into(),
            version: "1".into(),
        };
        let settings = Settings::of(settings);
        Endpoint::configure(&settings, tokens, cors_origins, registry, info)
    }

    #[test]
    fn by_default_it_is_open_without_cors_and_logs() {
        let endpoint = endpoint(&[], "", "").unwrap();
        assert!(endpoint.tokens.is_open() && !endpoint.cors.is_on() && endpoint.call_log);
        let access = endpoint.admit(&Head::default()).unwrap();
        assert_eq!((access.scope, access.limited), (Scope::All, None));
        for method in [HttpMethod::Options, HttpMethod::Other] {
            let head = Head {
                method,
                origin: Some("https://a.example"),
                ..Head::default()
            };
            let (reply, headers) = endpoint.admit(&head).unwrap_err();
            assert_eq!(
                (reply, headers),
                (
                    Reply::method_not_allowed("POST"),
                    vec![("vary", "origin".to_owned())]
                )
            );
        }
    }

    #[test]
    fn a_token_opens_its_scope_and_nothing_else() {
        let endpoint = endpoint(&[], "reader:double admin", "").unwrap();
        let head = |authorization: &'static [u8]| Head {
            authorization: vec![authorization],
            ..Head::default()
        };
        let scope = |authorization| endpoint.admit(&head(authorization)).map(|a| a.scope);
        assert_eq!(
            scope(b"Bearer reader"),
            Ok(Scope::Methods(vec!["double".into()]))
        );
        assert_eq!(scope(b"Bearer admin"), Ok(Scope::All));
        let (reply, _) = endpoint.admit(&head(b"Bearer nobody")).unwrap_err();
        assert_eq!(reply.status(), 401);
        assert!(reply.headers().contains(&(
            "www-authenticate",
            "Bearer error=\"invalid_token\"".to_owned()
        )));
        let body = String::from_utf8(reply.into_body().unwrap()).unwrap();
        assert!(
            body.contains("-32005") && !body.contains("nobody"),
            "{body}"
        );
    }

    #[test]
    fn cors_answers_preflights_before_any_token_and_marks_refusals() {
        let origin = Some("https://app.example");
        let endpoint = endpoint(&[], "s3cret", "https://app.example").unwrap();
        let preflight = Head {
            method: HttpMethod::Options,
            origin,
            ..Head::default()
        };
        let (reply, headers) = endpoint.admit(&preflight).unwrap_err();
        assert_eq!(reply.status(), 204);
        assert_eq!(
            header(&headers, "access-control-allow-methods"),
            Some("POST")
        );
        let (reply, headers) = endpoint
            .admit(&Head {
                origin,
                ..Head::default()
            })
            .unwrap_err();
        assert_eq!(reply.status(), 401);
        assert_eq!(header(&headers, "access-control-allow-origin"), origin);
        let get = Head {
            method: HttpMethod::Other,
            ..Head::default()
        };
        let (reply, _) = endpoint.admit(&get).unwrap_err();
        assert_eq!(reply, Reply::method_not_allowed("POST, OPTIONS"));
    }

    #[test]
    fn every_bad_setting_is_named_and_nothing_opens() {
        for (settings, tokens, cors_origins, named) in [
            (&[][..], "a:nothing", "", "tokens"),
            (&[], "bad!", "", "tokens"),
            (&[], "", "example.com", "cors_origins"),
            (&[("call_log", "yes")], "", "", "call_log"),
            (&[("max_batch_calls", "0")], "", "", "max_batch_calls"),
            (&[("group_calls", "maybe")], "", "", "group_calls"),
        ] {
            let error = endpoint(settings, tokens, cors_origins).err().unwrap();
            assert!(error.contains(named), "{settings:?}: {error}");
        }
    }
}
