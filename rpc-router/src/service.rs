//! The JSON-RPC service: a request body in, an HTTP reply out.
//!
//! Pure apart from the [`Transport`] it is given, so every rule of the wire
//! contract is unit-tested natively; the Spin handler only moves bytes.

use crate::app::AppInfo;
use crate::builtin::{discover, echo, BuiltIn};
use crate::dispatch::{run_all, AnswerBytes, Grouping, TimedResult, Transport};
use crate::jsonrpc::request::InvalidRequest;
use crate::jsonrpc::response::Outcome;
use crate::jsonrpc::{ErrorObject, Id, Message, Request, Response};
use crate::limits::Limits;
use crate::methods::{resolve, FunctionCall, Scope};
use crate::rate_limit::{self, Admission, Limited, Refusal};
use crate::reply::Reply;
use crate::tokens::Access;
use rpc_registry::MethodRegistry;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::time::Duration;

/// Where each request of a message stands while its call is made.
enum Slot<'a> {
    /// Answered without a call (invalid request, unknown method...).
    Answered(Response<'a>),
    /// Waiting for `calls[index]`; answered under `id` unless a notification.
    Calling { index: usize, id: Option<Id<'a>> },
    /// Waiting for the discovery document (`rpc.discover`).
    Discovering { id: Id<'a> },
    /// A notification with nothing to run: never answered (spec §4.1), its
    /// error only logged.
    Silent { outcome: Result<(), i64> },
}

/// The router's configuration, read once per request (see `component`).
/// What differs between the requests it serves, their token's [`Access`],
/// is passed to [`Service::answer`] with each.
pub struct Service {
    pub registry: MethodRegistry,
    pub limits: Limits,
    pub grouping: Grouping,
    pub info: AppInfo,
}

/// The entries of a message as planned: where each stands (beside its
/// method, for its record), and the function calls they wait for.
struct Planned<'a> {
    slots: Vec<(Option<Cow<'a, str>>, Slot<'a>)>,
    calls: Vec<FunctionCall<'a>>,
}

/// How many of a message's calls run (the first ones), and the refusal of
/// the others, if its token's rate limit refused some.
type Admitted = (usize, Option<(usize, Refusal)>);

/// One call of a request: a request object of the message, notifications
/// and invalid ones included, in the order of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord<'a> {
    /// `null` for an entry that is not a request object with a method; a
    /// long one as errors quote it (its start and its length).
    pub method: Option<Cow<'a, str>>,
    /// The component that answered it, `null` if none was called.
    pub function: Option<&'a str>,
    /// `"ok"`, or the error code answered (or that would have been, for a
    /// notification).
    pub outcome: Result<(), i64>,
    /// How long its function request took, in microseconds (0 if none).
    pub duration: Duration,
}

/// What answered a request body: the reply, and what the call log says of it.
#[derive(Debug)]
pub struct Answered<'a> {
    pub reply: Reply,
    /// The number of entries of a batch; `None` for a single request.
    pub batch: Option<usize>,
    /// One record per entry of the message, in its order.
    pub calls: Vec<CallRecord<'a>>,
}

impl Service {
    /// Decides what answers a valid request: a function call (queued in
    /// `calls`), discovery, or an error. Notifications are never answered.
    fn plan<'a>(
        &'a self,
        scope: &Scope,
        request: Request<'a>,
        calls: &mut Vec<FunctionCall<'a>>,
    ) -> Slot<'a> {
        let planned = match BuiltIn::named(&request.method) {
            Some(BuiltIn::Discover) => discover::check_params(request.params).map(|()| None),
            Some(BuiltIn::Echo) if !scope.allows(&request.method) => {
                Err(ErrorObject::out_of_scope(&request.method))
            }
            Some(BuiltIn::Echo) => echo::resolve(&self.registry, request.params, scope).map(Some),
            // The scope first: a token with a list of methods gets the same
            // answer for a method that does not exist as for one it may not
            // call, so it cannot probe for method names.
            None if !scope.allows(&request.method) => {
                Err(ErrorObject::out_of_scope(&request.method))
            }
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
            (Ok(None), None) => Slot::Silent { outcome: Ok(()) },
            (Err(error), None) => Slot::Silent {
                outcome: Err(error.code),
            },
        }
    }

    /// Answers one request body, with what its token gives it.
    pub async fn answer<'a, T: Transport>(
        &'a self,
        access: &Access,
        body: &'a [u8],
        transport: &T,
    ) -> Answered<'a> {
        let (entries, batch) = match Message::parse(body, self.limits.max_batch_calls) {
            Message::Unanswerable(error) => {
                let calls = vec![unrun(None, Err(error.code))];
                let reply = Reply::Json(Response::error(Id::NULL, error).to_json());
                return Answered {
                    reply,
                    batch: None,
                    calls,
                };
            }
            Message::Single(entry) => (vec![entry], None),
            Message::Batch(entries) => {
                let size = entries.len();
                (entries, Some(size))
            }
        };
        let entry_count = entries.len();
        let (responses, calls, refused) = self.answer_all(access, entries, transport).await;
        let body = match (responses.as_slice(), batch) {
            ([], _) => None,
            ([response], None) => Some(response.to_json()),
            (responses, _) => Some(Response::batch_to_json(responses)),
        };
        let reply = match (refused, body) {
            // Refused whole: the status says so, as a 401 would have.
            (Some((count, refusal)), body) if count == entry_count => Reply::Throttled {
                status: refusal.status,
                body,
                retry_after: refusal.retry_after,
            },
            (_, None) => Reply::NoContent,
            (_, Some(body)) => Reply::Json(body),
        };
        Answered {
            reply,
            batch,
            calls,
        }
    }

    /// Answers the entries of a message, all calls in flight at once; the
    /// responses keep the order of the requests that get one, the records
    /// that of every entry. Calls the token's rate limit refuses are
    /// counted, with why.
    async fn answer_all<'a, T: Transport>(
        &'a self,
        access: &Access,
        entries: Vec<Result<Request<'a>, InvalidRequest<'a>>>,
        transport: &T,
    ) -> (
        Vec<Response<'a>>,
        Vec<CallRecord<'a>>,
        Option<(usize, Refusal)>,
    ) {
        let Planned { slots, calls } = self.plan_all(&access.scope, entries);
        let (run, refused) = admit(access.limited.as_ref(), calls.len(), transport).await;
        // Discovery first, then the calls: each keeps to the request's
        // bound of function requests in flight.
        let document = self
            .discover_if_asked(&slots, &access.scope, transport)
            .await;
        let parallel = self.limits.max_parallel_requests;
        let results = run_all(transport, &calls[..run], self.grouping, parallel).await;
        let not_run = refused.iter().flat_map(|(count, refusal)| {
            std::iter::repeat_n((Err(refusal.error.clone()), Duration::ZERO), *count)
        });
        let mut ran = Ran {
            calls: &calls,
            run,
            results: results.into_iter().chain(not_run).map(Some).collect(),
            document,
            answer_bytes: transport.answer_bytes(),
        };
        let (responses, records): (Vec<_>, Vec<_>) = slots
            .into_iter()
            .map(|(method, slot)| ran.settle(method, slot))
            .unzip();
        (responses.into_iter().flatten().collect(), records, refused)
    }

    /// Where each entry of a message stands, and the calls to make.
    fn plan_all<'a>(
        &'a self,
        scope: &Scope,
        entries: Vec<Result<Request<'a>, InvalidRequest<'a>>>,
    ) -> Planned<'a> {
        let mut calls = Vec::new();
        let slots = entries
            .into_iter()
            .map(|entry| match entry {
                Err(invalid) => (
                    None,
                    Slot::Answered(Response::error(invalid.id, invalid.error)),
                ),
                Ok(request) => {
                    let method = Some(request.method.clone());
                    (method, self.plan(scope, request, &mut calls))
                }
            })
            .collect();
        Planned { slots, calls }
    }

    /// The discovery document, if an entry asks for it: the methods `scope`
    /// allows.
    async fn discover_if_asked<T: Transport>(
        &self,
        slots: &[(Option<Cow<'_, str>>, Slot<'_>)],
        scope: &Scope,
        transport: &T,
    ) -> Option<Box<RawValue>> {
        if !slots.iter().any(|(_, slot)| slot.is_discovering()) {
            return None;
        }
        let parallel = self.limits.max_parallel_requests;
        Some(discover::document(transport, &self.registry, &self.info, scope, parallel).await)
    }
}

/// How many of `calls` calls run: all, unless the token's rate limit
/// (`limited`) refuses some.
async fn admit<T: Transport>(limited: Option<&Limited>, calls: usize, transport: &T) -> Admitted {
    let admission = match limited {
        Some(limited) => rate_limit::admit(transport, limited, calls).await,
        None => Admission::All,
    };
    match admission {
        Admission::All => (calls, None),
        Admission::First { run, refusal } => (run, Some((calls - run, refusal))),
    }
}

impl Slot<'_> {
    fn is_discovering(&self) -> bool {
        matches!(self, Slot::Discovering { .. })
    }
}

/// What the calls and the discovery of a message gave, each result taken
/// once by the slot waiting for it.
struct Ran<'c, 'a> {
    calls: &'c [FunctionCall<'a>],
    /// How many of the calls, the first ones, ran; the rest were refused.
    run: usize,
    results: Vec<Option<TimedResult>>,
    document: Option<Box<RawValue>>,
    /// What the answers may still take: each copy of the document takes
    /// its share.
    answer_bytes: &'c AnswerBytes,
}

impl<'a> Ran<'_, 'a> {
    /// An entry's response (none for a notification) and its record.
    fn settle(
        &mut self,
        method: Option<Cow<'a, str>>,
        slot: Slot<'a>,
    ) -> (Option<Response<'a>>, CallRecord<'a>) {
        match slot {
            Slot::Answered(response) => {
                let outcome = response.error_code().map_or(Ok(()), Err);
                (Some(response), unrun(method, outcome))
            }
            Slot::Silent { outcome } => (None, unrun(method, outcome)),
            Slot::Discovering { id } => {
                let outcome = match &self.document {
                    Some(document) if self.answer_bytes.take(document.get().len()) => {
                        Outcome::Result(document.clone())
                    }
                    Some(_) => Outcome::Error(discover::too_large(self.answer_bytes.limit)),
                    None => Outcome::Error(ErrorObject::internal_error("no document")),
                };
                let code = match &outcome {
                    Outcome::Error(error) => Err(error.code),
                    Outcome::Result(_) => Ok(()),
                };
                (Some(Response::new(id, outcome)), unrun(method, code))
            }
            Slot::Calling { index, id } => {
                let (result, duration) = self.results[index]
                    .take()
                    .unwrap_or((Err(ErrorObject::internal_error("not run")), Duration::ZERO));
                let record = CallRecord {
                    method,
                    function: (index < self.run).then(|| self.calls[index].function),
                    outcome: result.as_ref().map(|_| ()).map_err(|error| error.code),
                    duration,
                };
                let outcome = match result {
                    Ok(result) => Outcome::Result(result),
                    Err(error) => Outcome::Error(error),
                };
                (id.map(|id| Response::new(id, outcome)), record)
            }
        }
    }
}

/// The record of an entry answered without a function call.
fn unrun(method: Option<Cow<'_, str>>, outcome: Result<(), i64>) -> CallRecord<'_> {
    CallRecord {
        method,
        function: None,
        outcome,
        duration: Duration::ZERO,
    }
}
