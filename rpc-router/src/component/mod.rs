//! The Spin shell: reads the configuration (the limits from its Spin variable;
//! the functions are built in), reads the body within its size limit,
//! answers through [`Service`], and writes the reply.

mod answer_body;
mod chain;

use crate::dispatch::Grouping;
use crate::jsonrpc::ErrorObject;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::service::Service;
use crate::settings::{self, Settings};
use crate::{app, health};
use chain::ServiceChain;
use rpc_function::component::body::{self, BodyError};
use spin_sdk::http::{IncomingRequest, Method, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    let reply = reply_to(request).await;
    send(reply, response_out);
}

async fn reply_to(request: IncomingRequest) -> Reply {
    if is_health_check(&request) {
        return health::reply(request.method() == Method::Get, &app::info());
    }
    let service = match configure() {
        Ok(service) => service,
        Err(problem) => {
            eprintln!("configuration error: {problem}");
            return Reply::refusal(500, ErrorObject::internal_error(problem));
        }
    };
    if request.method() != Method::Post {
        return Reply::method_not_allowed("POST");
    }
    let body = match read_body(request, service.limits.max_request_bytes) {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    let chain = ServiceChain {
        call_timeout: service.limits.call_timeout,
        max_answer_bytes: service.limits.max_answer_bytes,
    };
    service.answer(&body, &chain).await
}

/// A request on the health route (the router serves `/rpc/...` too).
fn is_health_check(request: &IncomingRequest) -> bool {
    request
        .path_with_query()
        .is_some_and(|path| path.split('?').next() == Some(health::PATH))
}

/// The registry and the app's name as built in, the limits from the
/// component's one Spin variable (one host call).
fn configure() -> Result<Service, String> {
    let registry = app::registry().map_err(|error| error.to_string())?;
    let text = spin_sdk::variables::get(settings::VARIABLE).unwrap_or_default();
    let settings = Settings::parse(&text)?;
    let limits = Limits::from_variables(|name| settings.get(name))?;
    let grouping = Grouping::from_variable(settings.get("group_calls").as_deref())?;
    Ok(Service {
        registry,
        limits,
        grouping,
        info: app::info(),
    })
}

/// Reads the request body, stopping at the size limit instead of buffering
/// whatever a client sends.
fn read_body(request: IncomingRequest, limit: usize) -> Result<Vec<u8>, Reply> {
    let too_large = || {
        Reply::refusal(
            413,
            ErrorObject::invalid_request(format!(
                "the request body is over the limit of {limit} bytes (variable max_request_bytes)"
            )),
        )
    };
    let declared = request
        .headers()
        .get("content-length")
        .first()
        .and_then(|value| std::str::from_utf8(value).ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    body::read(request, limit).map_err(|error| match error {
        BodyError::TooLarge => too_large(),
        BodyError::Broken(error) => Reply::refusal(
            400,
            ErrorObject::parse_error(format!("the request body could not be read: {error}")),
        ),
    })
}

fn send(reply: Reply, response_out: ResponseOutparam) {
    let status = reply.status();
    let headers = reply.headers();
    let body = reply.into_body().unwrap_or_default();
    body::write(response_out, status, &headers, &body);
}
