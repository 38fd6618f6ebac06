//! Spin's key-value stores, as `wasi:keyvalue@0.2.0-draft2` (the store and
//! its atomic increment; compare-and-swap is refused): a component opens the
//! stores its `key_value_stores` in spin.toml lists, by label.
//!
//! As with `spin up`, the store `default` is a SQLite file,
//! `sqlite_key_value.db` in the state directory (`.spin/` beside the
//! manifest, or `--state-dir`), and a runtime config file may define any
//! label (`[key_value_store.<label>]`, [`config`]) as `type = "spin"`
//! ([`sqlite`]) or `type = "redis"` ([`redis`]). The SQLite schema and the
//! increment's encoding are Spin's, so either runtime can serve the same
//! store.
//!
//! Laid out as Spin lays out its own (`crates/factor-key-value`, one
//! `crates/key-value-*` per backend): every backend is a [`Store`], and the
//! interfaces ([`bindings`]) know only that trait. A new backend is a file
//! implementing it and an arm in [`config::StoreConfig`].

mod bindings;
mod config;
mod redis;
mod sqlite;

pub use bindings::{
    add_to_linker, shared_resource, Bucket, Cas, HasKeyValue, KeyValueCtx, KeyValueView,
};
pub use config::StoreConfig;

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The store every app has, as Spin names it.
pub const DEFAULT: &str = "default";

/// One store's operations, as a bucket of `wasi:keyvalue` asks them. A
/// backend connects on first use (as Spin's do): a store that is down fails
/// the operations that need it, not the app's start.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// What opening the store does (each time a component opens it).
    async fn open(&self) -> Result<()> {
        Ok(())
    }

    async fn get(&self, key: String) -> Result<Option<Vec<u8>>>;

    async fn set(&self, key: String, value: Vec<u8>) -> Result<()>;

    async fn delete(&self, key: String) -> Result<()>;

    async fn exists(&self, key: String) -> Result<bool> {
        Ok(self.get(key).await?.is_some())
    }

    async fn get_keys(&self) -> Result<Vec<String>>;

    /// Adds `delta` to the counter at `key` (0 when absent), atomically, and
    /// returns the new count.
    async fn increment(&self, key: String, delta: i64) -> Result<i64>;
}

/// The app's stores, by label.
#[derive(Default)]
pub struct Stores {
    stores: BTreeMap<String, Arc<dyn Store>>,
}

impl Stores {
    /// The stores of `spin up`: those of the runtime config's
    /// `[key_value_store.<label>]` tables (`config_dir` being the file's
    /// directory), and `default` in `state_dir` unless they define it.
    pub(crate) fn configure(
        state_dir: &Path,
        tables: BTreeMap<String, StoreConfig>,
        config_dir: &Path,
    ) -> Result<Self> {
        let mut stores = BTreeMap::new();
        for (label, table) in tables {
            let store = table.store(&label, config_dir)?;
            stores.insert(label, store);
        }
        if !stores.contains_key(DEFAULT) {
            stores.insert(DEFAULT.to_owned(), config::default_store(state_dir)?);
        }
        Ok(Stores { stores })
    }

    /// Only the store `default`, in memory: for an app that is run once.
    #[cfg(feature = "test-support")]
    pub fn in_memory() -> Self {
        let default: Arc<dyn Store> = Arc::new(sqlite::SqliteStore::in_memory(DEFAULT));
        let stores = BTreeMap::from([(DEFAULT.to_owned(), default)]);
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

    /// The store of `label`, if defined.
    fn get(&self, label: &str) -> Option<&Arc<dyn Store>> {
        self.stores.get(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory of its own for a test.
    fn dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("spin-host-kv-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn tables(text: &str) -> BTreeMap<String, StoreConfig> {
        #[derive(serde::Deserialize)]
        struct File {
            key_value_store: BTreeMap<String, StoreConfig>,
        }
        toml::from_str::<File>(text).unwrap().key_value_store
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_runtime_config_defines_stores_beside_the_default_one() {
        let dir = dir("defines");
        let tables = tables(
            "[key_value_store.cache]\ntype = \"spin\"\npath = \"data/cache.db\"\n\
             [key_value_store.shared]\ntype = \"redis\"\nurl = \"redis://127.0.0.1:6379\"\n",
        );
        let stores = Stores::configure(&dir.join(".spin"), tables, &dir).unwrap();
        let labels: Vec<&str> = stores.stores.keys().map(String::as_str).collect();
        assert_eq!(labels, ["cache", "default", "shared"]);
        // `path` is taken from the config file's directory.
        let cache = stores.get("cache").unwrap();
        cache.set("k".into(), b"v".to_vec()).await.unwrap();
        assert!(dir.join("data/cache.db").is_file());
        assert!(stores
            .check("router", &["default".into(), "shared".into()])
            .is_ok());
        let undefined = stores.check("router", &["other".into()]).unwrap_err();
        assert!(undefined.to_string().contains("\"other\""), "{undefined}");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_runtime_config_may_redefine_the_default_store() {
        let dir = dir("redefines");
        let tables = tables("[key_value_store.default]\ntype = \"spin\"\n");
        let stores = Stores::configure(&dir.join(".spin"), tables, &dir).unwrap();
        let default = stores.get(DEFAULT).unwrap();
        assert_eq!(default.increment("calls".into(), 2).await.unwrap(), 2);
        // In memory: no file in the state directory.
        assert!(!dir.join(".spin").exists());
    }
}
