//! The Spin shell: reads the configuration (the limits from Spin variables;
//! the functions are built in), reads the body within its size limit,
//! answers through [`Service`], and writes the reply.

mod body;
mod chain;

use crate::dispatch::Grouping;
use crate::jsonrpc::ErrorObject;
use crate::limits::Limits;
use crate::reply::Reply;
use crate::service::Service;
use crate::{app, health};
use body::{read_at_most, BodyError};
use chain::ServiceChain;
use spin_sdk::http::{Fields, IncomingRequest, Method, OutgoingResponse, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    let reply = reply_to(request).await;
    send(reply, response_out).await;
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
    let body = match read_body(request, service.limits.max_request_bytes).await {
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
/// component's Spin variables.
fn configure() -> Result<Service, String> {
    let registry = app::registry().map_err(|error| error.to_string())?;
    let variable = |name: &str| spin_sdk::variables::get(name).ok();
    let limits = Limits::from_variables(variable)?;
    let grouping = Grouping::from_variable(variable("group_calls").as_deref())?;
    Ok(Service {
        registry,
        limits,
        grouping,
        info: app::info(),
    })
}

/// Reads the request body, stopping at the size limit instead of buffering
/// whatever a client sends.
async fn read_body(request: IncomingRequest, limit: usize) -> Result<Vec<u8>, Reply> {
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
    read_at_most(request.into_body_stream(), limit)
        .await
        .map_err(|error| match error {
            BodyError::TooLarge => too_large(),
            BodyError::Broken(error) => Reply::refusal(
                400,
                ErrorObject::parse_error(format!("the request body could not be read: {error}")),
            ),
        })
}

async fn send(reply: Reply, response_out: ResponseOutparam) {
    let headers: Vec<(String, Vec<u8>)> = reply
        .headers()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.as_bytes().to_vec()))
        .collect();
    let response =
        OutgoingResponse::new(Fields::from_list(&headers).unwrap_or_else(|_| Fields::new()));
    let _ = response.set_status_code(reply.status());
    let body = reply.into_body().unwrap_or_default();
    if let Err(error) = response_out.set_with_body(response, body).await {
        eprintln!("could not write the response: {error}");
    }
}
