//! The Spin shell: reads the configuration (its environment and its Spin
//! variables; the functions are built in), lets the request in through the [`Endpoint`],
//! reads the body within its size limit, answers through its service,
//! writes the reply, then the request's line of the call log.

mod answer_body;
mod chain;

use crate::call_log::{self, CallRecord, RequestRecord};
use crate::cors::Header;
use crate::endpoint::{Endpoint, Head, HttpMethod};
use crate::jsonrpc::ErrorObject;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::settings::{self, Settings, Unreadable, Value};
use crate::trace_context::TraceContext;
use crate::{app, health};
use chain::ServiceChain;
use rpc_function::component::body::{self, BodyError};
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;
use std::io::Write;
use std::time::SystemTime;

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    if is_health_check(&request) {
        let configured = configure(CorsOrigins::Read).map(|_| ());
        let reply = health::reply(request.method() == Method::Get, &app::info(), configured);
        return send(reply, Vec::new(), response_out);
    }
    // Every header in one host call, rather than one call per header read.
    let headers = request.headers().entries();
    let values = |name: &str| -> Vec<&[u8]> {
        headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
            .collect()
    };
    let single = |name: &str| match values(name).as_slice() {
        [value] => std::str::from_utf8(value).ok(),
        _ => None,
    };
    let origin = single("origin");
    let authority = request.authority();
    let head = Head {
        method: match request.method() {
            Method::Post => HttpMethod::Post,
            Method::Options => HttpMethod::Options,
            _ => HttpMethod::Other,
        },
        origin,
        host: single("host").or(authority.as_deref()),
        authorization: values("authorization"),
    };
    // A plain POST (no `Origin`: not a browser page) is answered alike
    // whatever `cors_origins` holds, so it costs no read of it.
    let cors = match (head.method, origin) {
        (HttpMethod::Post, None) => CorsOrigins::Unread,
        _ => CorsOrigins::Read,
    };
    let mut endpoint = match configure(cors) {
        Ok(endpoint) => endpoint,
        Err(problem) => {
            eprintln!("configuration error: {problem}");
            let reply = Reply::refusal(500, ErrorObject::internal_error(problem));
            return send(reply, Vec::new(), response_out);
        }
    };
    let call_log = endpoint.call_log;
    let time = call_log.then(SystemTime::now);
    let request_id = match call_log {
        true => call_log::client_request_id(&values("x-request-id"))
            .unwrap_or_else(generated_request_id),
        false => String::new(),
    };
    let trace = TraceContext::from_headers(&values("traceparent"), &values("tracestate"));
    let declared_length = values("content-length")
        .first()
        .and_then(|value| std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok());
    let log = |status: u16, batch: Option<usize>, calls: &[CallRecord]| {
        if let Some(time) = time {
            let record = RequestRecord {
                time,
                request_id: &request_id,
                trace_id: trace.trace_id(),
                status,
                batch,
                calls,
            };
            let _ = std::io::stderr().write_all(record.line().as_bytes());
        }
    };

    // Each line is written before the reply: once the reply is out, the host
    // may drop the instance as soon as the client hangs up.
    if let Err((reply, headers)) = endpoint.admit(&head) {
        log(reply.status(), None, &[]);
        return send(reply, headers, response_out);
    }
    let cors_headers = endpoint.cors.headers(origin);
    let service = &endpoint.service;
    let body = match read_body(request, declared_length, &service.limits) {
        Ok(body) => body,
        Err(reply) => {
            log(reply.status(), None, &[]);
            return send(reply, cors_headers, response_out);
        }
    };
    let chain = ServiceChain::starting_now(
        service.limits.call_timeout,
        service.limits.max_answer_bytes,
        &trace,
    );
    let answered = service.answer(&body, &chain).await;
    log(answered.reply.status(), answered.batch, &answered.calls);
    send(answered.reply, cors_headers, response_out);
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

/// The endpoint as the app's manifest, environment and variables describe
/// it: the registry and the app's name as built in, the settings from the
/// component's environment (no host call once the instance has it), and the
/// `tokens` and, if asked, `cors_origins` variables. A read that fails is an
/// error, never an empty configuration: that would serve without tokens.
fn configure(cors: CorsOrigins) -> Result<Endpoint, String> {
    let registry = app::registry().map_err(|error| error.to_string())?;
    let settings = Settings::read(|name| match std::env::var(name) {
        Ok(value) => Value::Text(value),
        Err(std::env::VarError::NotPresent) => Value::Unset,
        Err(std::env::VarError::NotUnicode(_)) => Value::NotText,
    })?;
    let tokens = variable(settings::TOKENS)?;
    let cors_origins = match cors {
        CorsOrigins::Read => variable(settings::CORS_ORIGINS)?,
        CorsOrigins::Unread => String::new(),
    };
    Endpoint::configure(&settings, &tokens, &cors_origins, registry, app::info())
}

/// One of the router's Spin variables, or why it could not be read.
fn variable(name: &str) -> Result<String, String> {
    use spin_sdk::variables::Error;
    spin_sdk::variables::get(name).map_err(|error| {
        let unreadable = match error {
            Error::Undefined(_) => Unreadable::Undefined,
            Error::Provider(_) => Unreadable::Provider,
            Error::InvalidName(_) | Error::Other(_) => Unreadable::Other,
        };
        unreadable.message(name)
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

/// Writes the reply with its own headers and `extra` ones (CORS).
fn send(reply: Reply, extra: Vec<Header>, response_out: ResponseOutparam) {
    let status = reply.status();
    let mut headers: Vec<(&str, &str)> = reply.headers();
    headers.extend(extra.iter().map(|(name, value)| (*name, value.as_str())));
    let body = reply.into_body().unwrap_or_default();
    body::write(response_out, status, &headers, &body);
}
