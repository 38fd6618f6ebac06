//! The functions `double` and `triple`, called in-process: their real logic
//! (`rpc_function::IntegerFunction`) behind the router's `Transport`, so the
//! core's tests run natively, without a Wasm host.

#![allow(dead_code)] // each test binary uses its own part of this module

use rpc_function::IntegerFunction;
use rpc_registry::{Function, MethodRegistry};
use rpc_router::app::AppInfo;
use rpc_router::dispatch::{Grouping, Transport, TransportError};
use rpc_router::limits::Limits;
use rpc_router::service::Service;
use std::cell::RefCell;

pub const FUNCTIONS: [IntegerFunction; 2] = [double::DOUBLE, triple::TRIPLE];

/// Calls the functions in-process and records every request it carries.
#[derive(Default)]
pub struct InProcess {
    /// (function, inner request body) for each request sent.
    pub sent: RefCell<Vec<(String, String)>>,
    /// A request holding this text fails as a whole with this error (a
    /// trapping function: `Status(500)`; a slow one: `TimedOut`).
    pub poison: Option<(&'static str, TransportError)>,
}

fn function(name: &str) -> Result<&'static IntegerFunction, TransportError> {
    FUNCTIONS
        .iter()
        .find(|f| f.name == name)
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
        if let Some(error) = failure {
            return Err(error);
        }
        let answer = function(function_name)?.answer(&body);
        match answer.status {
            200 => Ok(answer.body),
            status => Err(TransportError::Status(status)),
        }
    }

    async fn describe(&self, function_name: &str) -> Result<Vec<u8>, TransportError> {
        Ok(function(function_name)?.describe())
    }
}

/// The router's core with both functions registered and default limits.
pub fn service() -> Service {
    Service {
        registry: MethodRegistry::new([Function::named("double"), Function::named("triple")])
            .expect("a valid registry"),
        limits: Limits::default(),
        grouping: Grouping::PerFunction,
        info: AppInfo {
            title: "test".into(),
            version: "1".into(),
        },
    }
}
