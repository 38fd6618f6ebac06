//! Outbound HTTP from a component: `allowed_outbound_hosts` enforcement and
//! local service chaining.
//!
//! How a `*.spin.internal` request reaches a component, all in this file:
//! the caller's `allowed_outbound_hosts` must allow the URL (else the guest
//! gets `HTTP-request-denied`, as on Spin), then the request is handed
//! in-process to a fresh instance of the named component, routed as if that
//! component had the route `/...` (spinframework/spin
//! `crates/trigger-http/src/outbound_http.rs`). No socket is involved.
//! Spin puts no timeout on it; neither does this host.

use crate::allowed_hosts::{chaining_target, AllowedHosts};
use crate::routes::RouteMatch;
use crate::runtime::{App, Body};
use crate::variables::VariableError;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use wasmtime::ToWasmtimeResult;
use wasmtime_wasi_http::p2::bindings::http::types::ErrorCode;
use wasmtime_wasi_http::p2::types::{
    HostFutureIncomingResponse, IncomingResponse, OutgoingRequestConfig,
};
use wasmtime_wasi_http::p2::{default_send_request, HttpResult, WasiHttpHooks};

/// The client address a chained request reports, as Spin's does.
const CHAINED_CLIENT: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);

/// The outbound side of one instance, and what it knows of its app.
pub struct Outbound {
    app: Arc<App>,
    component: String,
    allowed_hosts: AllowedHosts,
    /// Whether every application variable resolved, once this instance has
    /// made its first outbound request.
    variables_resolved: Arc<OnceLock<bool>>,
}

impl Outbound {
    pub fn new(app: Arc<App>, component: &str, allowed_hosts: AllowedHosts) -> Self {
        Outbound {
            app,
            component: component.to_owned(),
            allowed_hosts,
            variables_resolved: Arc::default(),
        }
    }

    /// One of this instance's component variables, resolved now.
    pub fn variable(&self, name: &str) -> Result<String, VariableError> {
        self.app.variables.get(&self.component, name)
    }

    /// Spin checks an outbound request against the allowed hosts with every
    /// application variable resolved (`crates/factor-outbound-networking`:
    /// `resolver.prepare()`), once per instance, on its first outbound
    /// request, in the task that sends it: each variable costs that request a
    /// lookup, and a lookup that fails denies it (and every later one of the
    /// instance).
    fn variables_resolve(app: &App, resolved: &OnceLock<bool>, component: &str) -> bool {
        *resolved.get_or_init(|| {
            let resolved = app.variables.resolve_all();
            if let Err(error) = &resolved {
                eprintln!(
                    "[{component}] error resolving variables when checking an outbound request: {error:?}"
                );
            }
            resolved.is_ok()
        })
    }
}

impl WasiHttpHooks for Outbound {
    fn send_request(
        &mut self,
        mut request: hyper::Request<Body>,
        config: OutgoingRequestConfig,
    ) -> HttpResult<HostFutureIncomingResponse> {
        if !self.allowed_hosts.allows(request.uri()) {
            eprintln!(
                "[{}] outbound request to {} denied: not in allowed_outbound_hosts",
                self.component,
                request.uri()
            );
            return Err(ErrorCode::HttpRequestDenied.into());
        }
        let Some(target) = chaining_target(request.uri()).map(str::to_owned) else {
            if !Self::variables_resolve(&self.app, &self.variables_resolved, &self.component) {
                return Err(ErrorCode::HttpRequestDenied.into());
            }
            return Ok(default_send_request(request, config));
        };
        let app = self.app.clone();
        let (resolved, component) = (self.variables_resolved.clone(), self.component.clone());
        let answer = wasmtime_wasi::runtime::spawn(async move {
            if !Self::variables_resolve(&app, &resolved, &component) {
                return Ok(Err(ErrorCode::HttpRequestDenied));
            }
            // Spin drops the chaining host's Host header before routing.
            request.headers_mut().remove(http::header::HOST);
            let route = RouteMatch::chained(&target, request.uri().path());
            // A chained request to a component the app does not have, or
            // does not trigger, traps the caller, as in Spin.
            let response = app
                .handle(&route, request, CHAINED_CLIENT)
                .await
                .to_wasmtime_result()?;
            Ok(Ok(IncomingResponse {
                resp: response,
                worker: None,
                between_bytes_timeout: config.between_bytes_timeout,
            }))
        });
        Ok(HostFutureIncomingResponse::pending(answer))
    }
}
