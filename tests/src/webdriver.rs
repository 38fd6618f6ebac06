//! A real browser for the suites: the system's Chromium under the system's
//! ChromeDriver (Debian's `chromium` and `chromium-driver`; tools that
//! download a browser of their own cannot run on these machines), driven
//! with the `fantoccini` WebDriver client over plain HTTP to the driver.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini::error::CmdError;
pub use fantoccini::key::Key;
pub use fantoccini::Locator;

/// The Debian packages that provide the browser and its driver.
pub const PACKAGES: &str = "chromium chromium-driver";

/// Where the browser and the driver are, if installed.
pub fn find() -> Result<(PathBuf, PathBuf), String> {
    let on_path = |names: &[&str]| {
        names.iter().find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        })
    };
    let browser = on_path(&["chromium", "chromium-browser"]);
    let driver = on_path(&["chromedriver"]);
    match (browser, driver) {
        (Some(browser), Some(driver)) => Ok((browser, driver)),
        _ => Err(format!(
            "no chromium and chromedriver on PATH: install Debian's {PACKAGES} \
             (apt-get install {PACKAGES})"
        )),
    }
}

/// A browser session: one headless Chromium. Call [`Browser::close`] when
/// done; dropped, it stops the driver (and with it the browser) anyway.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
    /// The browser's and the driver's versions, as the session reports them.
    pub versions: String,
}

impl Browser {
    /// Starts ChromeDriver on a free port and a headless Chromium through it.
    pub async fn start(browser: &Path, driver: &Path) -> Result<Browser, String> {
        let port = crate::free_loopback_address().port();
        let mut driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("starting {}: {error}", driver.display()))?;
        let base = format!("http://127.0.0.1:{port}/");
        let deadline = Instant::now() + Duration::from_secs(20);
        while crate::client::try_get(&format!("{base}status")).is_none() {
            if Instant::now() > deadline {
                let _ = driver.kill();
                return Err("chromedriver did not answer within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("explorer-browser-{port}"));
        let connected = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities(browser, &profile))
            .connect(&base)
            .await;
        let client = match connected {
            Ok(client) => client,
            Err(error) => {
                let _ = driver.kill();
                return Err(format!("a Chromium session: {error}"));
            }
        };
        let versions = versions(client.capabilities());
        Ok(Browser {
            client,
            driver,
            profile,
            versions,
        })
    }

    /// Runs a command of the session that fantoccini has no method for
    /// (`path` under `/session/{id}/`).
    pub async fn command(&self, path: &'static str, body: Value) -> Result<Value, CmdError> {
        self.client.issue_cmd(SessionCommand { path, body }).await
    }

    /// Grants the page a permission (W3C Permissions: `clipboard-read`, ...).
    pub async fn grant(&self, permission: &str) -> Result<(), CmdError> {
        let body = json!({"descriptor": {"name": permission}, "state": "granted"});
        self.command("permissions", body).await.map(drop)
    }

    /// What the page printed to the console as errors and warnings since
    /// the last call (a refused inline script or style shows there).
    pub async fn console_problems(&self) -> Result<Vec<String>, CmdError> {
        let entries = self.command("se/log", json!({"type": "browser"})).await?;
        Ok(entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| matches!(entry["level"].as_str(), Some("SEVERE" | "WARNING")))
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// Makes the page see `prefers-color-scheme: dark` (or light again).
    pub async fn prefer_dark(&self, dark: bool) -> Result<(), CmdError> {
        let scheme = if dark { "dark" } else { "light" };
        let params = json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]});
        let body = json!({"cmd": "Emulation.setEmulatedMedia", "params": params});
        self.command("goog/cdp/execute", body).await.map(drop)
    }

    /// Saves a PNG of the window.
    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|error| error.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|error| error.to_string())?;
        }
        std::fs::write(path, png).map_err(|error| format!("{}: {error}", path.display()))
    }

    /// Ends the session, closing the browser.
    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.stop_driver();
    }
}

/// What to ask ChromeDriver for: headless Chromium at `browser`, with a
/// profile of its own, keeping its console for [`Browser::console_problems`].
fn capabilities(browser: &Path, profile: &Path) -> fantoccini::wd::Capabilities {
    // As root, Chromium runs only without its sandbox; the rest keeps it
    // from reaching for the network, which these machines do not have.
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1100,1500",
        &format!("--user-data-dir={}", profile.display()),
    ];
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": browser, "args": args},
        "goog:loggingPrefs": {"browser": "ALL"},
    });
    match capabilities {
        Value::Object(capabilities) => capabilities,
        _ => unreachable!("an object literal"),
    }
}

/// The browser's and the driver's versions, from the session's capabilities.
fn versions(capabilities: Option<&fantoccini::wd::Capabilities>) -> String {
    let get = |key: &str| capabilities.and_then(|c| c.get(key)).cloned();
    let driver = get("chrome").unwrap_or_default();
    format!(
        "{} {}, ChromeDriver {}",
        get("browserName")
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or("?"),
        get("browserVersion")
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or("?"),
        driver["chromedriverVersion"]
            .as_str()
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or("?"),
    )
}

/// A command under the session's URL, with a JSON body.
#[derive(Debug)]
struct SessionCommand {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}
