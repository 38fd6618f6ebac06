//! The JSON-RPC service: a request body in, an HTTP reply out.
//!
//! Pure apart from the [`Transport`] it is given, so every rule of the wire
//! contract is unit-tested natively; the Spin handler only moves bytes.

use crate::app::AppInfo;
use crate::builtin::{discover, echo, BuiltIn};
use crate::dispatch::{run_all, Grouping, Transport};
use crate::jsonrpc::request::InvalidRequest;
use crate::jsonrpc::response::Outcome;
use crate::jsonrpc::{Id, Message, Request, Response};
use crate::limits::Limits;
use crate::methods::{resolve, FunctionCall};
use crate::reply::Reply;
use futures::future::{join, OptionFuture};
use rpc_registry::MethodRegistry;
use serde_json::value::RawValue;

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
        let planned = match BuiltIn::named(&request.method) {
            Some(BuiltIn::Discover) => discover::check_params(request.params).map(|()| None),
            Some(BuiltIn::Echo) => echo::resolve(&self.registry, request.params).map(Some),
            None => resolve(&self.registry, &request.method, request.params).map(Some),
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
                return Reply::Json(Response::error(Id::NULL, error).to_json())
            }
            Message::Single(entry) => (vec![entry], false),
            Message::Batch(entries) => (entries, true),
        };
        let responses = self.answer_all(entries, transport).await;
        match (responses.as_slice(), is_batch) {
            ([], _) => Reply::NoContent,
            ([response], false) => Reply::Json(response.to_json()),
            (responses, _) => Reply::Json(Response::batch_to_json(responses)),
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
            .then(|| discover::document(transport, &self.registry, &self.info))
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
