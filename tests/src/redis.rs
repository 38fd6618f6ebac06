//! A `redis-server` of the test's own (Debian's, which `.ci/test` installs
//! when missing), on a free loopback port, keeping nothing on disk: it starts
//! empty and is stopped, its whole process group, when dropped.

use crate::{free_loopback_address, repo_root, target_dir, Server};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::channel;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
        self.runtime_config_at(self.server.address)
    }

    /// [`Redis::runtime_config`], reaching this server at `address`: through
    /// a [`SlowLink`] to it, say.
    pub fn runtime_config_at(&self, address: SocketAddr) -> PathBuf {
        let shipped = repo_root().join("runtime-config/redis.toml");
        let text = std::fs::read_to_string(&shipped).expect("runtime-config/redis.toml");
        let mut config: toml::Table = text.parse().expect("a runtime config is TOML");
        let default = config
            .get_mut("key_value_store")
            .and_then(|stores| stores.get_mut("default"))
            .and_then(toml::Value::as_table_mut)
            .expect("runtime-config/redis.toml defines the store `default`");
        default.insert("url".into(), format!("redis://{address}").into());
        let file = target_dir().join("redis").join(format!(
            "{}-{}.toml",
            self.server.address.port(),
            address.port()
        ));
        std::fs::write(&file, config.to_string()).expect("a runtime config file");
        file
    }

    /// The keys matching `pattern` (`KEYS`, through `redis-cli`), sorted.
    pub fn keys(&self, pattern: &str) -> Vec<String> {
        let output = Command::new("redis-cli")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.server.address.port().to_string(),
            ])
            .args(["--raw", "KEYS", pattern])
            .output()
            .expect("redis-cli (Debian: redis-tools, with redis-server)");
        assert!(output.status.success(), "redis-cli KEYS");
        let mut keys: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        keys.sort();
        keys
    }
}

/// A loopback link to a server that delays everything a client sends by
/// `delay`: a replica whose link to the store is slow (which is, for the
/// windows it counts in, the same as a clock behind). What the server
/// answers comes back at once. It serves until dropped.
pub struct SlowLink {
    pub address: SocketAddr,
    stopping: Arc<AtomicBool>,
}

impl SlowLink {
    pub fn to(server: SocketAddr, delay: Duration) -> SlowLink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let address = listener.local_addr().expect("its address");
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = stopping.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let (Ok(client), Ok(upstream)) = (client, TcpStream::connect(server)) else {
                    continue;
                };
                link(client, upstream, delay);
            }
        });
        SlowLink { address, stopping }
    }
}

impl Drop for SlowLink {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then stops.
        let _ = TcpStream::connect(self.address);
    }
}

/// Carries one connection: what `client` sends reaches `upstream` `delay`
/// after it was read, in order; what `upstream` answers goes straight back.
fn link(client: TcpStream, upstream: TcpStream, delay: Duration) {
    let (Ok(mut from_client), Ok(mut to_client), Ok(mut to_upstream)) =
        (client.try_clone(), client.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let (sent, arriving) = channel::<(Instant, Vec<u8>)>();
    std::thread::spawn(move || {
        let mut buffer = [0; 16 * 1024];
        while let Ok(read @ 1..) = from_client.read(&mut buffer) {
            if sent
                .send((Instant::now(), buffer[..read].to_vec()))
                .is_err()
            {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        for (read_at, bytes) in arriving {
            std::thread::sleep((read_at + delay).saturating_duration_since(Instant::now()));
            if to_upstream.write_all(&bytes).is_err() {
                break;
            }
        }
        let _ = to_upstream.shutdown(Shutdown::Write);
    });
    std::thread::spawn(move || {
        let mut upstream = upstream;
        let _ = std::io::copy(&mut upstream, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Both);
        let _ = client.shutdown(Shutdown::Both);
    });
}
