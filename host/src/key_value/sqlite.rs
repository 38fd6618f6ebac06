//! A store in a SQLite file (or database in memory), in Spin's table
//! (`type = "spin"`, spinframework/spin `crates/key-value-spin`): one row
//! per key, the store's label in each, so several stores may share a file.
//! A counter is 8 little-endian bytes, as Spin writes it. Unlike Spin's,
//! the store waits for a lock another process holds (up to 5 s) instead of
//! failing at once: several processes may share one file.

use super::{Store, DEFAULT};
use anyhow::{anyhow, Context, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Spin's file name for the default store, in the state directory.
const DEFAULT_FILE: &str = "sqlite_key_value.db";

/// How long an operation waits for another process's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const SELECT_VALUE: &str = "SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2";
const UPSERT_VALUE: &str = "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                            ON CONFLICT (store, key) DO UPDATE SET value = ?3";

/// A SQLite store; cheap to clone, all clones one database.
#[derive(Clone)]
pub struct SqliteStore(Arc<Database>);

struct Database {
    /// `None`: in memory.
    path: Option<PathBuf>,
    /// The store's name in the table (its label, as Spin writes it).
    label: String,
    /// Opened on first use.
    connection: OnceLock<Mutex<Connection>>,
}

impl SqliteStore {
    /// The store `label` in the file at `path` (its directory created now).
    pub fn file(label: &str, path: PathBuf) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        Ok(Self::new(label, Some(path)))
    }

    /// The store `label` in memory, for as long as the process.
    pub fn in_memory(label: &str) -> Self {
        Self::new(label, None)
    }

    /// The store `default` of `spin up`, in the state directory.
    pub fn default_in(state_dir: &Path) -> Result<Self> {
        Self::file(DEFAULT, state_dir.join(DEFAULT_FILE))
    }

    fn new(label: &str, path: Option<PathBuf>) -> Self {
        SqliteStore(Arc::new(Database {
            path,
            label: label.to_owned(),
            connection: OnceLock::new(),
        }))
    }

    /// Runs `operation` on the connection (opened on first use), on a thread
    /// that may block.
    async fn run<T: Send + 'static>(
        &self,
        operation: impl FnOnce(&mut Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let database = self.0.clone();
        let run = move || -> Result<T> {
            let connection = match database.connection.get() {
                Some(connection) => connection,
                None => {
                    let opened = open(database.path.as_deref())?;
                    database.connection.get_or_init(|| Mutex::new(opened))
                }
            };
            let mut connection = connection
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            Ok(operation(&mut connection, &database.label)?)
        };
        tokio::task::spawn_blocking(run).await?
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn get(&self, key: String) -> Result<Option<Vec<u8>>> {
        self.run(move |connection, label| select_value(connection, label, &key))
            .await
    }

    async fn set(&self, key: String, value: Vec<u8>) -> Result<()> {
        self.run(move |connection, label| {
            let mut upsert = connection.prepare_cached(UPSERT_VALUE)?;
            upsert.execute((label, &key, &value)).map(drop)
        })
        .await
    }

    async fn delete(&self, key: String) -> Result<()> {
        self.run(move |connection, label| {
            let mut delete = connection
                .prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")?;
            delete.execute((label, &key)).map(drop)
        })
        .await
    }

    async fn get_keys(&self) -> Result<Vec<String>> {
        self.run(|connection, label| {
            let mut select =
                connection.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1")?;
            let keys = select.query_map([label], |row| row.get(0))?;
            keys.collect()
        })
        .await
    }

    /// In one immediate transaction, which takes the file's write lock
    /// first: two processes never read the same count.
    async fn increment(&self, key: String, delta: i64) -> Result<i64> {
        let counted = self
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
        counted.ok_or_else(|| anyhow!("the value at the key is not a counter"))
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

/// A counter's value: 8 little-endian bytes, or 0 when absent.
fn counter(value: Option<Vec<u8>>) -> Option<i64> {
    match value {
        None => Some(0),
        Some(bytes) => Some(i64::from_le_bytes(bytes.try_into().ok()?)),
    }
}

/// A connection to the database, Spin's table created if it is new.
fn open(path: Option<&Path>) -> rusqlite::Result<Connection> {
    let connection = match path {
        Some(path) => Connection::open(path)?,
        None => Connection::open_in_memory()?,
    };
    connection.busy_timeout(BUSY_TIMEOUT)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_is_eight_little_endian_bytes_as_spin_writes_it() {
        assert_eq!(counter(None), Some(0));
        assert_eq!(counter(Some(42i64.to_le_bytes().to_vec())), Some(42));
        assert_eq!(counter(Some(b"42".to_vec())), None);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_store_keeps_its_keys_apart_from_another_in_the_same_file() {
        let path = std::env::temp_dir().join(format!("spin-host-kv-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let (a, b) = (
            SqliteStore::file("a", path.clone()).unwrap(),
            SqliteStore::file("b", path).unwrap(),
        );
        a.set("k".into(), b"1".to_vec()).await.unwrap();
        assert_eq!(a.get("k".into()).await.unwrap(), Some(b"1".to_vec()));
        assert!(!b.exists("k".into()).await.unwrap());
        assert_eq!(b.increment("k".into(), 5).await.unwrap(), 5);
        assert_eq!(b.increment("k".into(), -2).await.unwrap(), 3);
        assert!(
            a.increment("k".into(), 1).await.is_err(),
            "b\"1\" is no counter"
        );
        a.delete("k".into()).await.unwrap();
        assert_eq!(a.get_keys().await.unwrap(), Vec::<String>::new());
        assert_eq!(b.get_keys().await.unwrap(), ["k"]);
    }
}
