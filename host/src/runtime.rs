//! The engine and the app's components: compiled and pre-instantiated once,
//! then one fresh instance per request, as Spin's HTTP trigger does.

use crate::allowed_hosts::AllowedHosts;
use crate::key_value::{self, KeyValueCtx, KeyValueView, Stores};
use crate::log::ComponentLog;
use crate::manifest::Manifest;
use crate::outbound::Outbound;
use crate::platform;
use crate::routes::{RouteMatch, Router};
use crate::runtime_config::RuntimeConfig;
use crate::variables::{self, Environment, EnvironmentProvider, Variables};
use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use http::header::{HeaderValue, HOST};
use http_body_util::BodyExt;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::runtime::AbortOnDropJoinHandle;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::p2::{WasiHttpCtxView, WasiHttpView};
use wasmtime_wasi_http::WasiHttpCtx;

/// A request or response body as wasmtime-wasi-http streams it.
pub type Body = HyperOutgoingBody;

/// Instances alive at once, across all components.
const MAX_INSTANCES: u32 = 1000;

/// The most linear memory one instance may grow to.
const MAX_MEMORY_BYTES: usize = 256 << 20;

/// How much of a slot's memory, table and stack stays resident between instances.
const KEEP_RESIDENT_BYTES: usize = 512 << 10;

/// A loaded app: its routes and its ready-to-instantiate components.
pub struct App {
    pub name: String,
    engine: Engine,
    /// Resolved on every read, as Spin does.
    pub(crate) variables: Variables,
    router: Router,
    components: HashMap<String, LoadedComponent>,
    stores: Arc<Stores>,
}

struct LoadedComponent {
    pre: ProxyPre<InstanceState>,
    allowed_hosts: AllowedHosts,
    environment: Vec<(String, String)>,
    key_value_stores: Arc<[String]>,
}

/// What one instance owns: its WASI context, its resource table, its
/// outbound requests (which know its app and component, so its variables).
pub struct InstanceState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    outbound: Outbound,
    key_value: KeyValueCtx,
}

impl WasiView for InstanceState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for InstanceState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.outbound,
        }
    }
}

impl variables::VariablesHost for InstanceState {
    fn get(&mut self, name: String) -> Result<String, variables::VariableError> {
        self.outbound.variable(&name)
    }
}

impl App {
    /// Compiles every component of the manifest and checks its imports, on
    /// an engine tuned for a long-running server (see [`server_engine`]).
    /// `runtime` gives the key-value stores components open and the
    /// variables' providers, which come before `environment` (where
    /// `SPIN_VARIABLE_*` overrides are read), all asked on every read of a
    /// variable.
    pub fn load(
        manifest: &Manifest,
        environment: Environment,
        runtime: impl Into<RuntimeConfig>,
    ) -> Result<Arc<App>> {
        Self::load_on_engine(server_engine()?, manifest, environment, runtime.into())
    }

    /// As [`App::load`], on an engine of the caller's made from
    /// [`engine_config`] (a process that runs one call can use wasmtime's
    /// on-disk cache of compiled code instead of a pool, say).
    #[cfg(feature = "test-support")]
    pub fn load_on(
        engine: Engine,
        manifest: &Manifest,
        environment: Environment,
        runtime: impl Into<RuntimeConfig>,
    ) -> Result<Arc<App>> {
        Self::load_on_engine(engine, manifest, environment, runtime.into())
    }

    fn load_on_engine(
        engine: Engine,
        manifest: &Manifest,
        environment: Environment,
        runtime: RuntimeConfig,
    ) -> Result<Arc<App>> {
        let mut linker = linker(&engine)?;
        // Spin always asks the environment, after the runtime config's
        // providers.
        let mut providers = runtime.variables_providers;
        providers.push(Box::new(EnvironmentProvider(environment)));
        let variables = Variables::new(manifest, providers)?;
        let stores = runtime.stores;
        let mut components = HashMap::new();
        for (id, component) in &manifest.components {
            // Spin's HTTP trigger knows only the components it triggers: a
            // chained call to any other is an unknown destination.
            if !manifest.http_triggers.iter().any(|t| &t.component == id) {
                eprintln!("component {id:?} has no trigger: nothing can reach it");
                continue;
            }
            stores.check(id, &component.key_value_stores)?;
            let loaded = LoadedComponent::load(&engine, &mut linker, id, component)?;
            components.insert(id.clone(), loaded);
        }
        Ok(Arc::new(App {
            name: manifest.application.name.clone(),
            engine,
            variables,
            router: Router::build(&manifest.http_triggers)?,
            components,
            stores: Arc::new(stores),
        }))
    }

    /// The public route for a path, if any.
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        self.router.route(path)
    }

    /// Each public route as written, with its component.
    pub fn routes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.router.routes()
    }

    /// Runs one request in a fresh instance of the matched component.
    ///
    /// The answer's body keeps the instance running while it streams, and
    /// dropping it stops the instance. A guest that traps before answering
    /// gives HTTP 500, as on Spin.
    pub async fn handle(
        self: &Arc<Self>,
        route: &RouteMatch,
        request: hyper::Request<Body>,
        client: SocketAddr,
    ) -> Result<hyper::Response<Body>> {
        let id = route.component.as_str();
        let component = self
            .components
            .get(id)
            .ok_or_else(|| anyhow!("no component {id:?} in this app"))?;
        let request = with_spin_headers(request, route, client)?;
        let mut store = Store::new(&self.engine, self.instance_state(id, component));
        let request = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, request)?;
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let response_out = store.data_mut().http().new_response_outparam(sender)?;
        let pre = component.pre.clone();
        let instance = wasmtime_wasi::runtime::spawn(async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, request, response_out)
                .await
        });
        Ok(response_of(id, receiver, instance).await)
    }

    /// A fresh instance's state: its output, its environment, its outbound
    /// requests.
    fn instance_state(self: &Arc<Self>, id: &str, component: &LoadedComponent) -> InstanceState {
        let log = || ComponentLog {
            component: id.to_owned(),
        };
        InstanceState {
            wasi: WasiCtxBuilder::new()
                .stdout(log())
                .stderr(log())
                .envs(&component.environment)
                .build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            outbound: Outbound::new(self.clone(), id, component.allowed_hosts.clone()),
            key_value: KeyValueCtx {
                stores: self.stores.clone(),
                allowed: component.key_value_stores.clone(),
            },
        }
    }
}

/// The request as Spin hands it to a component: the `spin-*` headers of its
/// route added, and a `Host` header when the URI has no authority.
fn with_spin_headers(
    request: hyper::Request<Body>,
    route: &RouteMatch,
    client: SocketAddr,
) -> Result<hyper::Request<Body>> {
    let (mut parts, body) = request.into_parts();
    let host = parts
        .headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let full_url = format!("http://{host}{path}");
    for (name, value) in route.headers(&full_url, client) {
        parts.headers.insert(name, HeaderValue::from_str(&value)?);
    }
    if parts.uri.authority().is_none() {
        parts.headers.insert(HOST, HeaderValue::from_str(&host)?);
    }
    Ok(hyper::Request::from_parts(parts, body))
}

/// The instance's response once it sets one (its body keeps the instance
/// alive), or HTTP 500 if it traps or returns first, as on Spin.
async fn response_of(
    id: &str,
    receiver: tokio::sync::oneshot::Receiver<Result<hyper::Response<Body>, ErrorCode>>,
    instance: AbortOnDropJoinHandle<wasmtime::Result<()>>,
) -> hyper::Response<Body> {
    match receiver.await {
        Ok(Ok(response)) => response.map(|body| {
            InstanceBody {
                body,
                _instance: instance,
            }
            .boxed_unsync()
        }),
        Ok(Err(code)) => {
            eprintln!("[{id}] answered with error {code:?}");
            internal_server_error()
        }
        Err(_) => {
            match instance.await {
                Err(trap) => eprintln!("[{id}] trapped: {trap:?}"),
                Ok(()) => eprintln!("[{id}] returned without answering"),
            }
            internal_server_error()
        }
    }
}

/// What every engine of this host is configured with, for an engine of the
/// caller's (see [`App::load_on`]).
#[cfg(feature = "test-support")]
pub fn engine_config() -> Config {
    base_config()
}

/// What every engine of this host is configured with.
fn base_config() -> Config {
    let mut config = Config::new();
    // No epoch interruption and no fuel: like Spin 4.0, whose store
    // deadline is "practically forever", this host never interrupts a
    // guest, so one that loops holds its worker thread until it ends.
    // Functions bound their own work (the work budget compiled into
    // them), which is what protects the app on every runtime.
    config.wasm_component_model(true);
    config
}

/// The engine of a long-running server: components compiled at load,
/// instances from a pre-reserved pool, as Spin does by default.
fn server_engine() -> Result<Engine> {
    let mut config = base_config();
    // Instances come from pre-reserved slots: a fresh instance per request
    // stays cheap.
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(MAX_INSTANCES)
        .total_core_instances(MAX_INSTANCES * 8)
        .total_memories(MAX_INSTANCES * 2)
        .total_tables(MAX_INSTANCES * 8)
        .total_stacks(MAX_INSTANCES)
        .max_memory_size(MAX_MEMORY_BYTES)
        // Reset what a request typically touches with memset rather than
        // returning it to the kernel: fewer page faults and TLB shootdowns
        // for the slot's next instance.
        .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
        .table_keep_resident(KEEP_RESIDENT_BYTES)
        .async_stack_keep_resident(KEEP_RESIDENT_BYTES);
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    // Copy the (small) data segments into the resident slot instead of
    // mapping them copy-on-write: no write faults.
    config.memory_init_cow(false);
    Ok(Engine::new(&config)?)
}

/// What every component may import: WASI, wasi:http, Spin's variables, and
/// its key-value stores.
fn linker(engine: &Engine) -> Result<Linker<InstanceState>> {
    let mut linker = Linker::<InstanceState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    variables::fermyon::spin::variables::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| {
        state
    })?;
    key_value::add_to_linker(&mut linker, |state| KeyValueView {
        ctx: &state.key_value,
        table: &mut state.table,
    })?;
    Ok(linker)
}

impl LoadedComponent {
    /// Compiles a component and pre-instantiates it, its imports checked.
    fn load(
        engine: &Engine,
        linker: &mut Linker<InstanceState>,
        id: &str,
        component: &crate::manifest::Component,
    ) -> Result<Self> {
        let compiled = Component::from_file(engine, &component.source)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("component {id:?}: loading {}", component.source.display()))?;
        platform::stub_unimplemented(linker, engine, &compiled)
            .with_context(|| format!("component {id:?}: stubbing imports"))?;
        let pre = linker
            .instantiate_pre(&compiled)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("component {id:?}: imports this host does not provide"))?;
        Ok(LoadedComponent {
            pre: ProxyPre::new(pre)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("component {id:?} is not a wasi:http handler"))?,
            allowed_hosts: AllowedHosts::parse(&component.allowed_outbound_hosts)
                .with_context(|| format!("component {id:?}"))?,
            environment: component.environment.clone().into_iter().collect(),
            key_value_stores: component.key_value_stores.clone().into(),
        })
    }
}

fn internal_server_error() -> hyper::Response<Body> {
    plain_response(http::StatusCode::INTERNAL_SERVER_ERROR)
}

/// A host-made answer: the status and its reason phrase as text.
pub fn plain_response(status: http::StatusCode) -> hyper::Response<Body> {
    let text = status.canonical_reason().unwrap_or("");
    let body = http_body_util::Full::new(Bytes::from_static(text.as_bytes()))
        .map_err(|never| match never {})
        .boxed_unsync();
    let mut response = hyper::Response::new(body);
    *response.status_mut() = status;
    response
}

/// A response body that owns the instance producing it.
struct InstanceBody {
    body: Body,
    _instance: AbortOnDropJoinHandle<wasmtime::Result<()>>,
}

impl HttpBody for InstanceBody {
    type Data = Bytes;
    type Error = ErrorCode;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, ErrorCode>>> {
        Pin::new(&mut self.body).poll_frame(context)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
