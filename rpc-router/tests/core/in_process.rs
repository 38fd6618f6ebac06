//! The app's Rust functions (`double`, `triple`, `divide`), called
//! in-process, and its rate limits counted in memory: their real code behind
//! the router's `Transport` (the store's clock set by the test), so the
//! core's tests run natively, without a Wasm host.

use futures::executor::block_on;
use rate_limiter::{Charge, MemoryStore, Store, StoreError, Verdict};
use rpc_function::Callable;
use rpc_registry::{Function, MethodRegistry};
use rpc_router::app::AppInfo;
use rpc_router::dispatch::{AnswerBytes, Grouping, Transport, TransportError};
use rpc_router::limits::Limits;
use rpc_router::service::Service;
pub use rpc_router::tokens::Access;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The functions, by component id.
pub const FUNCTIONS: [(&str, &dyn Callable); 3] = [
    ("double", &double::DOUBLE),
    ("triple", &triple::TRIPLE),
    ("divide", &divide::DIVIDE),
];

/// Calls the functions in-process and records every request it carries.
pub struct InProcess {
    /// (function, inner request body) for each request sent.
    pub sent: RefCell<Vec<(String, String)>>,
    /// A request holding this text fails as a whole with this error (a
    /// trapping function: `Status(500)`; a slow one: `TimedOut`).
    pub poison: Option<(&'static str, TransportError)>,
    /// Requests in flight now, and the most there ever were: each request
    /// waits once before it is answered, so that the router's other
    /// requests can start meanwhile.
    pub in_flight: Cell<usize>,
    pub most_in_flight: Cell<usize>,
    /// The rate limits' store, its clock in milliseconds since the Unix
    /// epoch, and, if set, the words it fails with.
    pub key_value: RefCell<MemoryStore>,
    pub now_ms: Cell<u64>,
    pub store_fails: Option<&'static str>,
    /// What the request's answers may take (the router's own: functions
    /// called in-process take nothing of it).
    pub answer_bytes: AnswerBytes,
    /// A function that describes itself with these bytes instead.
    pub described_as: Option<(&'static str, Vec<u8>)>,
}

impl Default for InProcess {
    fn default() -> Self {
        InProcess {
            sent: RefCell::default(),
            poison: None,
            in_flight: Cell::default(),
            most_in_flight: Cell::default(),
            key_value: RefCell::default(),
            now_ms: Cell::default(),
            store_fails: None,
            answer_bytes: AnswerBytes::new(Limits::default().max_answer_bytes),
            described_as: None,
        }
    }
}

/// Ready on its second poll, having woken itself on the first.
#[derive(Default)]
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        context.waker().wake_by_ref();
        Poll::Pending
    }
}

fn function(name: &str) -> Result<&'static dyn Callable, TransportError> {
    FUNCTIONS
        .iter()
        .find(|(id, _)| *id == name)
        .map(|(_, function)| *function)
        .ok_or(TransportError::Status(404))
}

impl Transport for InProcess {
    async fn send(&self, function_name: &str, body: Vec<u8>) -> Result<Vec<u8>, TransportError> {
        let text = String::from_utf8_lossy(&body).into_owned();
        let failure = self
            .poison
            .as_ref()
            .filter(|(poison, _)| text.contains(poison))
            .map(|(_, error)| error.clone());
        self.sent
            .borrow_mut()
            .push((function_name.to_owned(), text));
        self.in_flight.set(self.in_flight.get() + 1);
        self.most_in_flight
            .set(self.most_in_flight.get().max(self.in_flight.get()));
        YieldOnce::default().await;
        self.in_flight.set(self.in_flight.get() - 1);
        if let Some(error) = failure {
            return Err(error);
        }
        let answer = rpc_function::function::answer(function(function_name)?, &body);
        match answer.status {
            200 => Ok(answer.body),
            status => Err(TransportError::Status(status)),
        }
    }

    async fn describe(&self, function_name: &str) -> Result<Vec<u8>, TransportError> {
        match &self.described_as {
            Some((name, description)) if *name == function_name => Ok(description.clone()),
            _ => Ok(function(function_name)?.describe()),
        }
    }

    async fn charge(&self, charge: &Charge) -> Verdict {
        self.sent
            .borrow_mut()
            .push(("key-value store".to_owned(), charge.key.clone()));
        let now_ms = self.now_ms.get();
        match self.store_fails {
            Some(words) => rate_limiter::count(&mut FailingStore(words), charge, now_ms),
            None => rate_limiter::count(&mut *self.key_value.borrow_mut(), charge, now_ms),
        }
    }

    fn answer_bytes(&self) -> &AnswerBytes {
        &self.answer_bytes
    }
}

/// A store every operation of which fails with its words.
struct FailingStore(&'static str);

impl Store for FailingStore {
    fn increment(&mut self, _: &str, _: i64) -> Result<i64, StoreError> {
        Err(StoreError::Other(self.0.into()))
    }
    fn get(&mut self, _: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Err(StoreError::Other(self.0.into()))
    }
    fn set(&mut self, _: &str, _: &[u8]) -> Result<(), StoreError> {
        Err(StoreError::Other(self.0.into()))
    }
    fn delete(&mut self, _: &str) -> Result<(), StoreError> {
        Err(StoreError::Other(self.0.into()))
    }
    fn exists(&mut self, _: &str) -> Result<bool, StoreError> {
        Err(StoreError::Other(self.0.into()))
    }
}

/// The router's core with both functions registered and default limits.
pub fn service() -> Service {
    Service {
        registry: MethodRegistry::new(FUNCTIONS.map(|(id, _)| Function::named(id)))
            .expect("a valid registry"),
        limits: Limits::default(),
        grouping: Grouping::PerFunction,
        info: AppInfo {
            title: "test".into(),
            version: "1".into(),
        },
    }
}

/// Answers `body` with the service of [`service`] over `transport`: the
/// status, the body as JSON, and the body as text.
pub fn call_with(transport: &InProcess, body: &str) -> (u16, Option<Value>, Option<String>) {
    let reply = block_on(service().answer(&Access::default(), body.as_bytes(), transport)).reply;
    let (status, body) = (reply.status(), reply.into_body());
    let text = body.map(|body| String::from_utf8(body).expect("responses are UTF-8"));
    let value = text
        .as_deref()
        .map(|text| serde_json::from_str(text).expect("responses are JSON"));
    (status, value, text)
}

pub fn call(body: &str) -> Value {
    let (status, value, _) = call_with(&InProcess::default(), body);
    assert_eq!(status, 200, "{body}");
    value.expect("a response body")
}

/// The response with its error message left out (messages are checked apart).
pub fn without_messages(mut value: Value) -> Value {
    fn strip(response: &mut Value) {
        if let Some(error) = response.get_mut("error").and_then(Value::as_object_mut) {
            error.remove("message");
        }
    }
    match &mut value {
        Value::Array(responses) => responses.iter_mut().for_each(strip),
        response => strip(response),
    }
    value
}

pub fn error(code: i64, id: Value) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code}, "id": id})
}
