//! The JSON-RPC service: a request body in, an HTTP reply out.
//!
//! Pure apart from the [`Transport`] it is given, so every rule of the wire
//! contract is unit-tested natively; the Spin handler only moves bytes.

use crate::discovery::{self, AppInfo};
use crate::dispatch::{run_all, Grouping, Transport};
use crate::jsonrpc::request::InvalidRequest;
use crate::jsonrpc::response::Outcome;
use crate::jsonrpc::{ErrorObject, Id, Message, Request, Response};
use crate::limits::Limits;
use crate::methods::{resolve, FunctionCall};
use futures::future::{join, OptionFuture};
use rpc_registry::MethodRegistry;
use serde_json::value::RawValue;

/// What the router answers over HTTP.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// `None` when nothing is to be answered (notifications): HTTP 204.
    pub body: Option<Vec<u8>>,
    /// For a 405: the HTTP methods the route accepts (its `Allow` header).
    pub allow: Option<&'static str>,
}

impl Reply {
    pub(crate) fn json(body: Vec<u8>) -> Self {
        Reply {
            status: 200,
            body: Some(body),
            allow: None,
        }
    }

    /// A refusal before any JSON-RPC processing (body too large, bad
    /// configuration): still a JSON-RPC error object, id `null`.
    pub fn refusal(status: u16, error: ErrorObject) -> Self {
        Reply {
            status,
            body: Some(Response::error(Id::NULL, error).to_json()),
            allow: None,
        }
    }

    /// HTTP 405 for a request with another method than `allowed`.
    pub fn method_not_allowed(allowed: &'static str) -> Self {
        Reply {
            allow: Some(allowed),
            ..Self::refusal(
                405,
                ErrorObject::invalid_request(format!("use HTTP {allowed}")),
            )
        }
    }
}

/// Where each request of a message stands while its call is made.
enum Slot<'a> {
    /// Answered without a call (invalid request, unknown method...).
    Answered(Response<'a>),
    /// Waiting for `calls[index]`; answered under `id` unless a notification.
    Calling { index: usize, id: Option<Id<'a>> },
    /// Waiting for the discovery document (`rpc.discover`).
    Discovering { id: Id<'a> },
    /// A notification whose method could not be resolved: no answer (spec §4.1).
    Silent,
}

/// The router's configuration, read once per request (see `component`).
pub struct Service {
    pub registry: MethodRegistry,
    pub limits: Limits,
    pub grouping: Grouping,
    pub info: AppInfo,
}

impl Service {
    /// Decides what answers a valid request: a function call (queued in
    /// `calls`), discovery, or an error. Notifications are never answered.
    fn plan<'a>(&'a self, request: Request<'a>, calls: &mut Vec<FunctionCall<'a>>) -> Slot<'a> {
        let planned = if request.method == discovery::METHOD {
            discovery_params(request.params).map(|()| None)
        } else {
            resolve(&self.registry, &request.method, request.params).map(Some)
        };
        match (planned, request.id) {
            (Ok(Some(call)), id) => {
                calls.push(call);
                Slot::Calling {
                    index: calls.len() - 1,
                    id,
                }
            }
            (Ok(None), Some(id)) => Slot::Discovering { id },
            (Err(error), Some(id)) => Slot::Answered(Response::error(id, error)),
            (Ok(None) | Err(_), None) => Slot::Silent,
        }
    }

    /// Answers one request body.
    pub async fn answer<T: Transport>(&self, body: &[u8], transport: &T) -> Reply {
        let (entries, is_batch) = match Message::parse(body, self.limits.max_batch_calls) {
            Message::Unanswerable(error) => {
                return Reply::json(Response::error(Id::NULL, error).to_json())
            }
            Message::Single(entry) => (vec![entry], false),
            Message::Batch(entries) => (entries, true),
        };
        let responses = self.answer_all(entries, transport).await;
        match (responses.as_slice(), is_batch) {
            ([], _) => Reply {
                status: 204,
                allow: None,
                body: None,
            },
            ([response], false) => Reply::json(response.to_json()),
            (responses, _) => Reply::json(Response::batch_to_json(responses)),
        }
    }

    /// Answers the entries of a message, all calls in flight at once; the
    /// responses keep the order of the requests that get one.
    async fn answer_all<'a, T: Transport>(
        &'a self,
        entries: Vec<Result<Request<'a>, InvalidRequest<'a>>>,
        transport: &T,
    ) -> Vec<Response<'a>> {
        let mut calls: Vec<FunctionCall<'a>> = Vec::new();
        let slots: Vec<Slot<'a>> = entries
            .into_iter()
            .map(|entry| match entry {
                Err(invalid) => Slot::Answered(Response::error(invalid.id, invalid.error)),
                Ok(request) => self.plan(request, &mut calls),
            })
            .collect();

        let discovering = slots
            .iter()
            .any(|slot| matches!(slot, Slot::Discovering { .. }));
        let document: OptionFuture<_> = discovering
            .then(|| discovery::document(transport, &self.registry, &self.info))
            .into();
        let (results, document): (_, Option<Box<RawValue>>) =
            join(run_all(transport, &calls, self.grouping), document).await;
        let mut results: Vec<_> = results.into_iter().map(Some).collect();
        slots
            .into_iter()
            .filter_map(|slot| match slot {
                Slot::Answered(response) => Some(response),
                Slot::Silent => None,
                Slot::Discovering { id } => {
                    Some(Response::new(id, Outcome::Result(document.clone()?)))
                }
                Slot::Calling { index, id } => {
                    let id = id?;
                    let outcome = match results[index].take()? {
                        Ok(result) => Outcome::Result(result),
                        Err(error) => Outcome::Error(error),
                    };
                    Some(Response::new(id, outcome))
                }
            })
            .collect()
    }
}

/// `rpc.discover` takes no params: none, `[]` or `{}`.
fn discovery_params(params: Option<&RawValue>) -> Result<(), ErrorObject> {
    match params.map(|params| params.get().split_whitespace().collect::<String>()) {
        None => Ok(()),
        Some(params) if params == "[]" || params == "{}" => Ok(()),
        Some(_) => Err(ErrorObject::invalid_params("rpc.discover takes no params")),
    }
}
