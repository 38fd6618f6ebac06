//! A runtime config file's `[key_value_store.<label>]` tables: which backend
//! serves a label, as Spin's `crates/factor-key-value` (`runtime_config`)
//! reads them. Adding a backend adds its arm here.

use super::redis::RedisStore;
use super::sqlite::SqliteStore;
use super::Store;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One `[key_value_store.<label>]` table.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum StoreConfig {
    /// SQLite: a file at `path` (relative to the config file), or in memory
    /// without one.
    Spin {
        #[serde(default)]
        path: Option<PathBuf>,
    },
    /// A Redis server at `url`.
    Redis { url: String },
}

impl StoreConfig {
    /// The store this table defines for `label`, in a config file in
    /// `config_dir`.
    pub(super) fn store(self, label: &str, config_dir: &Path) -> Result<Arc<dyn Store>> {
        Ok(match self {
            StoreConfig::Spin { path: Some(path) } => {
                Arc::new(SqliteStore::file(label, config_dir.join(path))?)
            }
            StoreConfig::Spin { path: None } => Arc::new(SqliteStore::in_memory(label)),
            StoreConfig::Redis { url } => Arc::new(
                RedisStore::new(url)
                    .with_context(|| format!("key-value store {label:?}: not a Redis URL"))?,
            ),
        })
    }
}

/// The store `default` when no table defines it: a SQLite file in the state
/// directory, as `spin up` has it.
pub(super) fn default_store(state_dir: &Path) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SqliteStore::default_in(state_dir)?))
}
