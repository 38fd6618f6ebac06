//! A `redis-server` of the test's own (Debian's, which `.ci/test` installs
//! when missing), on a free loopback port, keeping nothing on disk: it starts
//! empty and is stopped, its whole process group, when dropped.

use crate::{free_loopback_address, repo_root, target_dir, Server};
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub struct Redis {
    pub server: Server,
}

impl Redis {
    /// Starts one; panics, naming the package, if there is no `redis-server`.
    pub fn start() -> Redis {
        let address = free_loopback_address();
        let dir = target_dir().join("redis").join(address.port().to_string());
        std::fs::create_dir_all(&dir).expect("a directory for redis-server");
        let mut command = Command::new("redis-server");
        command
            .args(["--bind", "127.0.0.1", "--port", &address.port().to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null());
        if Command::new("redis-server")
            .arg("--version")
            .output()
            .is_err()
        {
            panic!("redis-server is not installed (Debian: apt-get install redis-server)");
        }
        Redis {
            server: Server::run("redis-server", command, address),
        }
    }

    pub fn url(&self) -> String {
        format!("redis://{}", self.server.address)
    }

    /// The project's runtime config file for Redis
    /// (`runtime-config/redis.toml`), pointed at this server: the app's
    /// `default` key-value store on it.
    pub fn runtime_config(&self) -> PathBuf {
        let shipped = repo_root().join("runtime-config/redis.toml");
        let text = std::fs::read_to_string(&shipped).expect("runtime-config/redis.toml");
        let mut config: toml::Table = text.parse().expect("a runtime config is TOML");
        let default = config
            .get_mut("key_value_store")
            .and_then(|stores| stores.get_mut("default"))
            .and_then(toml::Value::as_table_mut)
            .expect("runtime-config/redis.toml defines the store `default`");
        default.insert("url".into(), self.url().into());
        let file = target_dir()
            .join("redis")
            .join(format!("{}.toml", self.server.address.port()));
        std::fs::write(&file, config.to_string()).expect("a runtime config file");
        file
    }
}
