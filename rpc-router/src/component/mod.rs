//! The Spin shell: reads the configuration (its environment and its Spin
//! variables; the functions are built in), lets the request in through the [`Endpoint`],
//! reads the body within its size limit, answers through its service,
//! writes the reply, then the request's line of the call log.

mod answer_body;
mod chain;

use crate::call_log::{self, RequestRecord};
use crate::cors::Header;
use crate::endpoint::{Endpoint, Head, HttpMethod};
use crate::jsonrpc::ErrorObject;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::service::CallRecord;
use crate::settings::{self, Settings, Unreadable, Variable};
use crate::trace_context::TraceContext;
use crate::{app, health};
use chain::ServiceChain;
use rpc_protocol::body::{self, BodyError};
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use std::io::Write;
use std::time::SystemTime;

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    if is_health_check(&request) {
        let configured = configure(CorsOrigins::Read).map(|_| ());
        let reply = health::reply(request.method() == Method::Get, &app::info(), configured);
        return send(reply, Vec::new(), response_out, &Limits::default());
    }
    let headers = Headers::of(&request);
    let authority = request.authority();
    let head = head(&request, &headers, authority.as_deref());
    let endpoint = match configure(CorsOrigins::needed_by(&head)) {
        Ok(endpoint) => endpoint,
        Err(problem) => {
            eprintln!("configuration error: {problem}");
            let reply = Reply::refusal(500, ErrorObject::internal_error(problem));
            return send(reply, Vec::new(), response_out, &Limits::default());
        }
    };
    let trace = TraceContext::from_headers(
        &headers.values("traceparent"),
        &headers.values("tracestate"),
    );
    let log = LogLine::start(endpoint.call_log, &headers, &trace);

    // Each line is written before the reply: once the reply is out, the host
    // may drop the instance as soon as the client hangs up.
    let access = match endpoint.admit(&head) {
        Ok(access) => access,
        Err((reply, extra)) => {
            log.write(reply.status(), None, &[]);
            return send(reply, extra, response_out, &endpoint.service.limits);
        }
    };
    let cors_headers = endpoint.cors.headers(head.origin);
    let service = &endpoint.service;
    let body = match read_body(request, headers.content_length(), &service.limits) {
        Ok(body) => body,
        Err(reply) => {
            log.write(reply.status(), None, &[]);
            return send(reply, cors_headers, response_out, &service.limits);
        }
    };
    let chain = ServiceChain::starting_now(
        service.limits.call_timeout,
        service.limits.max_answer_bytes,
        &trace,
    );
    let answered = service.answer(&access, &body, &chain).await;
    log.write(answered.reply.status(), answered.batch, &answered.calls);
    send(answered.reply, cors_headers, response_out, &service.limits);
}

/// A request's headers, read in one host call rather than one per header.
struct Headers(Vec<(String, Vec<u8>)>);

impl Headers {
    fn of(request: &IncomingRequest) -> Self {
        Headers(request.headers().entries())
    }

    /// Every value of the header `name`.
    fn values(&self, name: &str) -> Vec<&[u8]> {
        self.0
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
            .collect()
    }

    /// The header's one value, if it has exactly one and it is text.
    fn single(&self, name: &str) -> Option<&str> {
        match self.values(name).as_slice() {
            [value] => std::str::from_utf8(value).ok(),
            _ => None,
        }
    }

    /// The body's length as the client declared it.
    fn content_length(&self) -> Option<u64> {
        let value = *self.values("content-length").first()?;
        std::str::from_utf8(value).ok()?.trim().parse().ok()
    }
}

/// What the endpoint looks at before the body.
fn head<'a>(
    request: &IncomingRequest,
    headers: &'a Headers,
    authority: Option<&'a str>,
) -> Head<'a> {
    Head {
        method: match request.method() {
            Method::Post => HttpMethod::Post,
            Method::Options => HttpMethod::Options,
            _ => HttpMethod::Other,
        },
        origin: headers.single("origin"),
        host: headers.single("host").or(authority),
        authorization: headers.values("authorization"),
    }
}

/// A request's line of the call log, as far as it is known before the
/// request is answered; nothing when the log is off.
struct LogLine<'a> {
    started: Option<(SystemTime, String)>,
    trace: &'a TraceContext,
}

impl<'a> LogLine<'a> {
    fn start(on: bool, headers: &Headers, trace: &'a TraceContext) -> Self {
        let started = on.then(|| {
            let request_id = call_log::client_request_id(&headers.values("x-request-id"))
                .unwrap_or_else(generated_request_id);
            (SystemTime::now(), request_id)
        });
        LogLine { started, trace }
    }

    fn write(&self, status: u16, batch: Option<usize>, calls: &[CallRecord]) {
        if let Some((time, request_id)) = &self.started {
            let record = RequestRecord {
                time: *time,
                request_id,
                trace_id: self.trace.trace_id(),
                status,
                batch,
                calls,
            };
            let _ = std::io::stderr().write_all(record.line().as_bytes());
        }
    }
}

/// A request id for a request that brought none: 128 random bits, in hex.
fn generated_request_id() -> String {
    let random = wasi::random::random::get_random_bytes(16);
    random.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A request on the health route, with or without a trailing slash (the
/// router serves `/rpc/...` too, and a runtime may route `/health/` here).
fn is_health_check(request: &IncomingRequest) -> bool {
    request.path_with_query().is_some_and(|path| {
        let path = path.split('?').next().unwrap_or_default();
        path.strip_suffix('/').unwrap_or(path) == health::PATH
    })
}

/// Whether a request reads the `cors_origins` variable.
#[derive(Clone, Copy)]
enum CorsOrigins {
    Read,
    /// Not read: CORS is taken as off, which a plain `POST` cannot tell apart.
    Unread,
}

impl CorsOrigins {
    /// A plain POST (no `Origin`: not a browser page) is answered alike
    /// whatever `cors_origins` holds, so it costs no read of it.
    fn needed_by(head: &Head) -> Self {
        match (head.method, head.origin) {
            (HttpMethod::Post, None) => CorsOrigins::Unread,
            _ => CorsOrigins::Read,
        }
    }
}

/// The endpoint as the app's manifest, environment and variables describe
/// it: the registry and the app's name as built in, the settings from the
/// component's environment (no host call once the instance has it), and the
/// `tokens` and, if asked, `cors_origins` variables. A read that fails is an
/// error, never an empty configuration: that would serve without tokens.
fn configure(cors: CorsOrigins) -> Result<Endpoint, String> {
    let registry = app::registry().map_err(|error| error.to_string())?;
    let settings = Settings::read(|name| std::env::var(name))?;
    let tokens = variable(&settings::TOKENS)?;
    let cors_origins = match cors {
        CorsOrigins::Read => variable(&settings::CORS_ORIGINS)?,
        CorsOrigins::Unread => String::new(),
    };
    Endpoint::configure(&settings, &tokens, &cors_origins, registry, app::info())
}

/// One of the router's Spin variables, or why it could not be read.
fn variable(variable: &Variable) -> Result<String, String> {
    use spin_sdk::variables::Error;
    spin_sdk::variables::get(variable.name).map_err(|error| {
        let unreadable = match error {
            Error::Undefined(_) => Unreadable::Undefined,
            Error::Provider(_) => Unreadable::Provider,
            Error::InvalidName(_) | Error::Other(_) => Unreadable::Other,
        };
        unreadable.message(variable)
    })
}

/// Reads the request body, stopping at the size limit instead of buffering
/// whatever a client sends (at once if its `content-length` is over it), and
/// at the body's deadline instead of waiting for a slow client.
fn read_body(
    request: IncomingRequest,
    declared_length: Option<u64>,
    limits: &Limits,
) -> Result<Vec<u8>, Reply> {
    let limit = limits.max_request_bytes;
    let too_large = || {
        Reply::refusal(
            413,
            ErrorObject::invalid_request(format!(
                "the request body is over the limit of {limit} bytes (variable max_request_bytes)"
            )),
        )
    };
    if declared_length.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    body::read(request, limit, Some(limits.body_timeout)).map_err(|error| match error {
        BodyError::TooLarge => too_large(),
        BodyError::TimedOut => Reply::refusal(
            408,
            ErrorObject::invalid_request(format!(
                "the request body did not arrive within {} ms (setting body_timeout_ms)",
                limits.body_timeout.as_millis()
            )),
        ),
        BodyError::Broken(error) => Reply::refusal(
            400,
            ErrorObject::parse_error(format!("the request body could not be read: {error}")),
        ),
    })
}

/// Writes the reply with its own headers and `extra` ones (CORS), within
/// `body_timeout_ms` (the default one before the settings are read): a
/// client that does not take its answer by then gets it cut short, rather
/// than holding this instance for as long as it does not read.
fn send(reply: Reply, extra: Vec<Header>, response_out: ResponseOutparam, limits: &Limits) {
    let status = reply.status();
    let own = reply.headers();
    let headers: Vec<(&str, &str)> = own
        .iter()
        .chain(&extra)
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let body = reply.into_body().unwrap_or_default();
    body::write(
        response_out,
        status,
        &headers,
        &body,
        Some(limits.body_timeout),
    );
}
