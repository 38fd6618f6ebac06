//! Spin's key-value stores, as `wasi:keyvalue@0.2.0-draft2` (the store and
//! its atomic increment; compare-and-swap is refused): a component opens the
//! stores its `key_value_stores` in spin.toml lists, by label.
//!
//! As with `spin up`, the store `default` is a SQLite file,
//! `sqlite_key_value.db` in the state directory (`.spin/` beside the
//! manifest, or `--state-dir`), and a runtime config file may define any
//! label (`[key_value_store.<label>]`) as `type = "spin"` (a SQLite file at
//! `path`, relative to the config file; in memory without one) or `type =
//! "redis"` (at `url`). The SQLite schema and the increment's encoding are
//! Spin's (a counter is 8 little-endian bytes in SQLite, a decimal string in
//! Redis), so either runtime can serve the same store. Unlike Spin's, the
//! SQLite store waits for a lock another process holds (up to 5 s) instead
//! of failing at once: several processes may share one file.

use anyhow::{bail, Context, Result};
use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::OnceCell;
use wasmtime::component::{HasData, Resource, ResourceTable, ResourceType};

wasmtime::component::bindgen!({
    path: "../rate-limiter/wit/keyvalue.wit",
    world: "counter",
    imports: { default: async | trappable },
    with: {
        "wasi:keyvalue/store.bucket": Bucket,
        "wasi:keyvalue/atomics.cas": Cas,
    },
});

use wasi::keyvalue::{atomics, store};

/// The statements on Spin's table (`store` is the store's label).
const SELECT_VALUE: &str = "SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2";
const UPSERT_VALUE: &str = "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                            ON CONFLICT (store, key) DO UPDATE SET value = ?3";

/// The store every app has, as Spin names it.
pub const DEFAULT: &str = "default";

/// Spin's file name for the default store, in the state directory.
const DEFAULT_FILE: &str = "sqlite_key_value.db";

/// How long a SQLite operation waits for another process's lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The app's stores, by label.
#[derive(Default)]
pub struct Stores {
    stores: BTreeMap<String, Arc<Backend>>,
}

/// One store, connected to on first use (as Spin does): a store that is
/// down fails the operations that need it, not the app's start.
pub enum Backend {
    Sqlite(Arc<SqliteStore>),
    Redis(RedisStore),
}

/// A SQLite file (or database in memory), in Spin's table.
pub struct SqliteStore {
    /// `None`: in memory.
    path: Option<PathBuf>,
    /// The store's name in the table (its label, as Spin writes it).
    label: String,
    connection: std::sync::OnceLock<Arc<Mutex<Connection>>>,
}

/// A Redis server.
pub struct RedisStore {
    url: String,
    connection: OnceCell<ConnectionManager>,
}

/// A runtime config file's `[key_value_store.<label>]` table.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum StoreConfig {
    Spin {
        #[serde(default)]
        path: Option<PathBuf>,
    },
    Redis {
        url: String,
    },
}

/// The runtime config file: only key-value stores are implemented here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeConfig {
    #[serde(default)]
    key_value_store: BTreeMap<String, StoreConfig>,
}

impl Stores {
    /// The stores of `spin up`: `default` in the state directory, and those
    /// of the runtime config file, if any (which may redefine `default`).
    pub fn configure(state_dir: &Path, runtime_config: Option<&Path>) -> Result<Self> {
        let mut stores = BTreeMap::new();
        let default_file = state_dir.join(DEFAULT_FILE);
        stores.insert(
            DEFAULT.to_owned(),
            Backend::new_sqlite(DEFAULT, Some(default_file)),
        );
        if let Some(file) = runtime_config {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("reading the runtime config {}", file.display()))?;
            let config: RuntimeConfig = toml::from_str(&text).with_context(|| {
                format!(
                    "the runtime config {} (this host implements only [key_value_store.*])",
                    file.display()
                )
            })?;
            let dir = file.parent().unwrap_or(Path::new("."));
            for (label, store) in config.key_value_store {
                let backend = match store {
                    StoreConfig::Spin { path } => {
                        Backend::new_sqlite(&label, path.map(|path| dir.join(path)))
                    }
                    StoreConfig::Redis { url } => {
                        redis::parse_redis_url(&url).with_context(|| {
                            format!("key-value store {label:?}: not a Redis URL")
                        })?;
                        Backend::Redis(RedisStore {
                            url,
                            connection: OnceCell::new(),
                        })
                    }
                };
                stores.insert(label, backend);
            }
        }
        for backend in stores.values() {
            if let Backend::Sqlite(sqlite) = backend {
                if let Some(dir) = sqlite.path.as_deref().and_then(Path::parent) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
            }
        }
        let stores = stores.into_iter().map(|(l, b)| (l, Arc::new(b))).collect();
        Ok(Stores { stores })
    }

    /// Only the store `default`, in memory: for an app that is run once.
    pub fn in_memory() -> Self {
        let default = Backend::new_sqlite(DEFAULT, None);
        let stores = BTreeMap::from([(DEFAULT.to_owned(), Arc::new(default))]);
        Stores { stores }
    }

    /// Checks that every label a component may open is defined, as Spin
    /// does when it starts.
    pub fn check(&self, component: &str, labels: &[String]) -> Result<()> {
        for label in labels {
            if !self.stores.contains_key(label) {
                bail!("component {component:?} uses key-value store {label:?}, which is not defined (define it in a runtime config file)");
            }
        }
        Ok(())
    }
}

/// What one instance may open: the stores its component lists.
#[derive(Clone)]
pub struct KeyValueCtx {
    pub stores: Arc<Stores>,
    pub allowed: Arc<[String]>,
}

/// An open store.
pub struct Bucket(Arc<Backend>);

/// Compare-and-swap, which this host refuses.
pub struct Cas;

/// The interfaces' view of an instance: what it may open, and its resources.
pub struct KeyValueView<'a> {
    pub ctx: &'a KeyValueCtx,
    pub table: &'a mut ResourceTable,
}

/// Marks [`KeyValueView`] as what the bindings' host functions work on.
pub struct HasKeyValue;

impl HasData for HasKeyValue {
    type Data<'a> = KeyValueView<'a>;
}

/// Adds `wasi:keyvalue` to `linker`, each instance's view given by `view`.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    view: fn(&mut T) -> KeyValueView<'_>,
) -> Result<()> {
    store::add_to_linker::<T, HasKeyValue>(linker, view)?;
    atomics::add_to_linker::<T, HasKeyValue>(linker, view)?;
    Ok(())
}

/// The resource type that an interface of `wasi:keyvalue` this host
/// stubs (`batch`, `watch`) shares with one it implements: `bucket` is one
/// type in all of them, so a stub must name the implemented one.
pub fn shared_resource(interface: &str, name: &str) -> Option<ResourceType> {
    match (interface.starts_with("wasi:keyvalue/"), name) {
        (true, "bucket") => Some(ResourceType::host::<Bucket>()),
        (true, "cas") => Some(ResourceType::host::<Cas>()),
        _ => None,
    }
}

type Outcome<T, E = store::Error> = wasmtime::Result<Result<T, E>>;

fn other(error: impl std::fmt::Display) -> store::Error {
    store::Error::Other(error.to_string())
}

impl Backend {
    fn new_sqlite(label: &str, path: Option<PathBuf>) -> Self {
        Backend::Sqlite(Arc::new(SqliteStore {
            path,
            label: label.to_owned(),
            connection: std::sync::OnceLock::new(),
        }))
    }

    /// What opening the store does, as Spin 4.0.2 does it: a Redis store
    /// connects (on its first opening) and is sent a `PING` (every time, its
    /// answer not waited on for an error: a store that is down fails the
    /// operations that follow); a SQLite one does nothing yet.
    async fn opened(&self) -> Result<(), store::Error> {
        if let Backend::Redis(redis) = self {
            let mut connection = redis.connection().await?;
            let _ = redis::cmd("PING").query_async::<()>(&mut connection).await;
        }
        Ok(())
    }

    async fn get(&self, key: String) -> Result<Option<Vec<u8>>, store::Error> {
        match self {
            Backend::Sqlite(sqlite) => {
                sqlite
                    .run(move |connection, label| select_value(connection, label, &key))
                    .await
            }
            Backend::Redis(redis) => redis.connection().await?.get(key).await.map_err(other),
        }
    }

    async fn set(&self, key: String, value: Vec<u8>) -> Result<(), store::Error> {
        match self {
            Backend::Sqlite(sqlite) => {
                sqlite
                    .run(move |connection, label| {
                        connection
                            .prepare_cached(UPSERT_VALUE)?
                            .execute((label, &key, &value))
                            .map(drop)
                    })
                    .await
            }
            Backend::Redis(redis) => redis
                .connection()
                .await?
                .set(key, value)
                .await
                .map_err(other),
        }
    }

    async fn delete(&self, key: String) -> Result<(), store::Error> {
        match self {
            Backend::Sqlite(sqlite) => {
                sqlite
                    .run(move |connection, label| {
                        connection
                            .prepare_cached(
                                "DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2",
                            )?
                            .execute((label, &key))
                            .map(drop)
                    })
                    .await
            }
            Backend::Redis(redis) => redis.connection().await?.del(key).await.map_err(other),
        }
    }

    async fn keys(&self) -> Result<Vec<String>, store::Error> {
        match self {
            Backend::Sqlite(sqlite) => {
                sqlite
                    .run(|connection, label| {
                        let mut statement = connection
                            .prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1")?;
                        let keys = statement.query_map([label], |row| row.get(0))?;
                        keys.collect()
                    })
                    .await
            }
            Backend::Redis(redis) => redis.connection().await?.keys("*").await.map_err(other),
        }
    }

    /// Adds `delta` to the counter at `key`, atomically: in one immediate
    /// transaction (which takes the file's write lock first, so two
    /// processes never read the same count), or Redis's `INCRBY`.
    async fn increment(&self, key: String, delta: i64) -> Result<i64, store::Error> {
        match self {
            Backend::Sqlite(sqlite) => {
                let counted = sqlite
                    .run(move |connection, label| {
                        let transaction =
                            connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                        let Some(count) = counter(select_value(&transaction, label, &key)?) else {
                            return Ok(None);
                        };
                        let count = count.wrapping_add(delta);
                        transaction.prepare_cached(UPSERT_VALUE)?.execute((
                            label,
                            &key,
                            count.to_le_bytes(),
                        ))?;
                        transaction.commit()?;
                        Ok(Some(count))
                    })
                    .await?;
                counted.ok_or_else(|| other("the value at the key is not a counter"))
            }
            Backend::Redis(redis) => redis
                .connection()
                .await?
                .incr(key, delta)
                .await
                .map_err(other),
        }
    }
}

impl SqliteStore {
    /// Runs `operation` on the connection (opened on first use), on a thread
    /// that may block.
    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        operation: impl FnOnce(&mut Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, store::Error> {
        let store = self.clone();
        let run = move || {
            let connection = match store.connection.get() {
                Some(connection) => connection.clone(),
                None => {
                    let opened = open_sqlite(store.path.as_deref()).map_err(other)?;
                    store
                        .connection
                        .get_or_init(|| Arc::new(Mutex::new(opened)))
                        .clone()
                }
            };
            let mut connection = connection
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            operation(&mut connection, &store.label).map_err(other)
        };
        tokio::task::spawn_blocking(run).await.map_err(other)?
    }
}

impl RedisStore {
    /// The connection, made on first use, with the `redis` crate's defaults
    /// as Spin 4.0.2 makes it: a connection that breaks is made again in the
    /// background, with the crate's retries, and every operation meanwhile
    /// waits for it (minutes, when the server is gone: the rate limiter's
    /// counts wait so on Spin, and the router answers at its deadline).
    async fn connection(&self) -> Result<ConnectionManager, store::Error> {
        let manager = self
            .connection
            .get_or_try_init(|| async {
                redis::Client::open(self.url.as_str())?
                    .get_connection_manager()
                    .await
            })
            .await
            .map_err(other)?;
        Ok(manager.clone())
    }
}

/// The value at `key` in the store `label`, if any.
fn select_value(
    connection: &Connection,
    label: &str,
    key: &str,
) -> rusqlite::Result<Option<Vec<u8>>> {
    connection
        .prepare_cached(SELECT_VALUE)?
        .query_row((label, key), |row| row.get(0))
        .optional()
}

/// A SQLite counter's value: 8 little-endian bytes, or 0 when absent.
fn counter(value: Option<Vec<u8>>) -> Option<i64> {
    match value {
        None => Some(0),
        Some(bytes) => Some(i64::from_le_bytes(bytes.try_into().ok()?)),
    }
}

fn open_sqlite(path: Option<&Path>) -> rusqlite::Result<Connection> {
    let connection = match path {
        Some(path) => Connection::open(path)?,
        None => Connection::open_in_memory()?,
    };
    connection.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    connection.execute(
        "CREATE TABLE IF NOT EXISTS spin_key_value (
             store TEXT NOT NULL,
             key   TEXT NOT NULL,
             value BLOB NOT NULL,
             PRIMARY KEY (store, key)
         )",
        [],
    )?;
    Ok(connection)
}

impl KeyValueView<'_> {
    fn backend(&self, bucket: &Resource<Bucket>) -> wasmtime::Result<Arc<Backend>> {
        Ok(self.table.get(bucket)?.0.clone())
    }
}

impl store::Host for KeyValueView<'_> {
    async fn open(&mut self, label: String) -> Outcome<Resource<Bucket>> {
        if !self.ctx.allowed.contains(&label) {
            return Ok(Err(store::Error::AccessDenied));
        }
        let Some(backend) = self.ctx.stores.stores.get(&label) else {
            return Ok(Err(store::Error::NoSuchStore));
        };
        if let Err(error) = backend.opened().await {
            return Ok(Err(error));
        }
        Ok(Ok(self.table.push(Bucket(backend.clone()))?))
    }
}

impl store::HostBucket for KeyValueView<'_> {
    async fn get(&mut self, bucket: Resource<Bucket>, key: String) -> Outcome<Option<Vec<u8>>> {
        Ok(self.backend(&bucket)?.get(key).await)
    }

    async fn set(&mut self, bucket: Resource<Bucket>, key: String, value: Vec<u8>) -> Outcome<()> {
        Ok(self.backend(&bucket)?.set(key, value).await)
    }

    async fn delete(&mut self, bucket: Resource<Bucket>, key: String) -> Outcome<()> {
        Ok(self.backend(&bucket)?.delete(key).await)
    }

    async fn exists(&mut self, bucket: Resource<Bucket>, key: String) -> Outcome<bool> {
        let value = self.backend(&bucket)?.get(key).await;
        Ok(value.map(|value| value.is_some()))
    }

    async fn list_keys(
        &mut self,
        bucket: Resource<Bucket>,
        _cursor: Option<String>,
    ) -> Outcome<store::KeyResponse> {
        let keys = self.backend(&bucket)?.keys().await;
        Ok(keys.map(|keys| store::KeyResponse { keys, cursor: None }))
    }

    async fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        Ok(())
    }
}

/// What a compare-and-swap is answered.
const NO_CAS: &str = "compare-and-swap is not implemented by this host (Spin implements it)";

impl atomics::Host for KeyValueView<'_> {
    async fn increment(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        delta: i64,
    ) -> Outcome<i64> {
        Ok(self.backend(&bucket)?.increment(key, delta).await)
    }

    async fn swap(
        &mut self,
        cas: Resource<Cas>,
        _value: Vec<u8>,
    ) -> Outcome<(), atomics::CasError> {
        self.table.delete(cas)?;
        Ok(Err(atomics::CasError::StoreError(other(NO_CAS))))
    }
}

impl atomics::HostCas for KeyValueView<'_> {
    async fn new(&mut self, _bucket: Resource<Bucket>, _key: String) -> Outcome<Resource<Cas>> {
        Ok(Err(other(NO_CAS)))
    }

    async fn current(&mut self, _cas: Resource<Cas>) -> Outcome<Option<Vec<u8>>> {
        Ok(Err(other(NO_CAS)))
    }

    async fn drop(&mut self, cas: Resource<Cas>) -> wasmtime::Result<()> {
        self.table.delete(cas)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A runtime config file with `text`, in a directory of its own.
    fn runtime_config(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spin-host-kv-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("runtime-config.toml");
        std::fs::write(&file, text).unwrap();
        file
    }

    #[test]
    fn a_runtime_config_defines_stores_beside_the_default_one() {
        let file = runtime_config(
            "defines",
            "[key_value_store.cache]\ntype = \"spin\"\npath = \"data/cache.db\"\n\
             [key_value_store.shared]\ntype = \"redis\"\nurl = \"redis://127.0.0.1:6379\"\n",
        );
        let state = file.parent().unwrap().join(".spin");
        let stores = Stores::configure(&state, Some(&file)).unwrap();
        let labels: Vec<&str> = stores.stores.keys().map(String::as_str).collect();
        assert_eq!(labels, ["cache", "default", "shared"]);
        match &*stores.stores["cache"] {
            Backend::Sqlite(sqlite) => {
                assert_eq!(
                    sqlite.path.as_deref(),
                    Some(&*file.parent().unwrap().join("data/cache.db"))
                )
            }
            Backend::Redis(_) => panic!("cache is SQLite"),
        }
        assert!(stores
            .check("router", &["default".into(), "shared".into()])
            .is_ok());
        let undefined = stores.check("router", &["other".into()]).unwrap_err();
        assert!(undefined.to_string().contains("\"other\""), "{undefined}");
    }

    #[test]
    fn a_runtime_config_with_what_this_host_lacks_is_refused() {
        for (name, text) in [
            ("sqlite", "[sqlite_database.default]\ntype = \"spin\"\n"),
            ("azure", "[key_value_store.x]\ntype = \"azure_cosmos\"\n"),
            (
                "url",
                "[key_value_store.x]\ntype = \"redis\"\nurl = \"http://x\"\n",
            ),
        ] {
            let file = runtime_config(name, text);
            let state = file.parent().unwrap().join(".spin");
            assert!(Stores::configure(&state, Some(&file)).is_err(), "{text}");
        }
    }

    #[test]
    fn a_sqlite_counter_is_eight_little_endian_bytes_as_spin_writes_it() {
        assert_eq!(counter(None), Some(0));
        assert_eq!(counter(Some(42i64.to_le_bytes().to_vec())), Some(42));
        assert_eq!(counter(Some(b"42".to_vec())), None);
    }
}
