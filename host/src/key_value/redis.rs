//! A store on a Redis server (`type = "redis"`, spinframework/spin
//! `crates/key-value-redis`): a key is a Redis key, a counter a decimal
//! string counted by `INCRBY`.

use super::Store;
use anyhow::Result;
use redis::aio::ConnectionManager;
use redis::AsyncCommands;
use tokio::sync::OnceCell;

pub struct RedisStore {
    url: String,
    /// Made on first use.
    connection: OnceCell<ConnectionManager>,
}

impl RedisStore {
    /// The store at `url`; `None` if it is no Redis URL.
    pub fn new(url: String) -> Option<Self> {
        redis::parse_redis_url(&url)?;
        Some(RedisStore {
            url,
            connection: OnceCell::new(),
        })
    }

    /// The connection, made on first use, with the `redis` crate's defaults
    /// as Spin 4.0.2 makes it: a connection that breaks is made again in the
    /// background, with the crate's retries, and every operation meanwhile
    /// waits for it (minutes, when the server is gone: the rate limiter's
    /// counts wait so on Spin, and the router answers at its deadline).
    async fn connection(&self) -> Result<ConnectionManager> {
        let manager = self
            .connection
            .get_or_try_init(|| async {
                redis::Client::open(self.url.as_str())?
                    .get_connection_manager()
                    .await
            })
            .await?;
        Ok(manager.clone())
    }
}

#[async_trait::async_trait]
impl Store for RedisStore {
    /// As Spin 4.0.2 opens it: connects (on its first opening) and sends a
    /// `PING` every time, its answer not waited on for an error (a store
    /// that is down fails the operations that follow).
    async fn open(&self) -> Result<()> {
        let mut connection = self.connection().await?;
        let _ = redis::cmd("PING").query_async::<()>(&mut connection).await;
        Ok(())
    }

    async fn get(&self, key: String) -> Result<Option<Vec<u8>>> {
        Ok(self.connection().await?.get(key).await?)
    }

    async fn set(&self, key: String, value: Vec<u8>) -> Result<()> {
        Ok(self.connection().await?.set(key, value).await?)
    }

    async fn delete(&self, key: String) -> Result<()> {
        Ok(self.connection().await?.del(key).await?)
    }

    async fn get_keys(&self) -> Result<Vec<String>> {
        Ok(self.connection().await?.keys("*").await?)
    }

    async fn increment(&self, key: String, delta: i64) -> Result<i64> {
        Ok(self.connection().await?.incr(key, delta).await?)
    }
}
