//! A real browser for the suites: the system's Chromium, driven over W3C
//! WebDriver by the system's ChromeDriver (Debian's `chromium` and
//! `chromium-driver`). Tools that download a browser of their own cannot
//! run on these machines; this speaks the protocol's few JSON commands
//! itself over the suites' HTTP client.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Debian packages that provide the browser and its driver.
pub const PACKAGES: &str = "chromium chromium-driver";

/// The W3C name of an element reference in a command's answer.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

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

/// A browser session: one headless Chromium, closed with its driver when
/// dropped.
pub struct Browser {
    driver: Child,
    session: String,
    profile: PathBuf,
    /// The browser's and the driver's versions, as the session reports them.
    pub versions: String,
}

/// An element of the page.
#[derive(Debug, Clone)]
pub struct Element(String);

/// What to ask ChromeDriver for: headless Chromium at `browser`, with a
/// profile of its own.
fn capabilities(browser: &Path, profile: &Path) -> Value {
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
    json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": browser, "args": args},
    }}})
}

/// The browser's and the driver's versions, from the session's capabilities.
fn versions(capabilities: &Value) -> String {
    format!(
        "{} {}, ChromeDriver {}",
        capabilities["browserName"].as_str().unwrap_or("?"),
        capabilities["browserVersion"].as_str().unwrap_or("?"),
        capabilities["chrome"]["chromedriverVersion"]
            .as_str()
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or("?"),
    )
}

impl Browser {
    /// Starts ChromeDriver on a free port and a headless Chromium through it.
    pub fn start(browser: &Path, driver: &Path) -> Result<Browser, String> {
        let port = crate::free_loopback_address().port();
        let mut driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("starting {}: {error}", driver.display()))?;
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while crate::client::try_get(&format!("{base}/status")).is_none() {
            if Instant::now() > deadline {
                let _ = driver.kill();
                return Err("chromedriver did not answer within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("explorer-browser-{port}"));
        let capabilities = capabilities(browser, &profile);
        let mut session = Browser {
            driver,
            session: String::new(),
            profile,
            versions: String::new(),
        };
        let answer = session.command("POST", &format!("{base}/session"), capabilities)?;
        session.session = format!(
            "{base}/session/{}",
            answer["sessionId"].as_str().ok_or("no session id")?
        );
        session.versions = versions(&answer["capabilities"]);
        Ok(session)
    }

    fn command(&self, method: &str, url: &str, body: Value) -> Result<Value, String> {
        let answer = crate::client::json_command(method, url, &body)?;
        match answer.get("value") {
            Some(value) if value.get("error").is_some() => Err(format!(
                "{method} {url}: {}: {}",
                value["error"], value["message"]
            )),
            Some(value) => Ok(value.clone()),
            None => Err(format!("{method} {url}: no value in {answer}")),
        }
    }

    fn session_command(&self, method: &str, path: &str, body: Value) -> Result<Value, String> {
        self.command(method, &format!("{}{path}", self.session), body)
    }

    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.session_command("POST", "/url", json!({ "url": url }))
            .map(drop)
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let found = self.session_command(
            "POST",
            "/elements",
            json!({"using": "css selector", "value": css}),
        )?;
        Ok(found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|element| element[ELEMENT].as_str().map(|id| Element(id.to_owned())))
            .collect())
    }

    /// The first element `css` selects, once there is one (the page builds
    /// itself from `rpc.discover`, and answers calls later still).
    pub fn wait_for(&self, css: &str) -> Result<Element, String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(element) = self.find_all(css)?.into_iter().next() {
                return Ok(element);
            }
            if Instant::now() > deadline {
                return Err(format!("nothing on the page matches {css:?} after 15 s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `script` (run in the page) returns true.
    pub fn wait_until(&self, script: &str) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.execute(script)? != Value::Bool(true) {
            if Instant::now() > deadline {
                return Err(format!("still false after 15 s: {script}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    pub fn text(&self, element: &Element) -> Result<String, String> {
        let text =
            self.session_command("GET", &format!("/element/{}/text", element.0), Value::Null)?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    pub fn click(&self, element: &Element) -> Result<(), String> {
        self.session_command("POST", &format!("/element/{}/click", element.0), json!({}))
            .map(drop)
    }

    /// Types into an element (it gets the focus first).
    pub fn type_into(&self, element: &Element, text: &str) -> Result<(), String> {
        self.session_command(
            "POST",
            &format!("/element/{}/value", element.0),
            json!({ "text": text }),
        )
        .map(drop)
    }

    /// Presses keys, one after another, on whatever has the focus: the
    /// keyboard alone, as a person without a mouse uses the page.
    pub fn press(&self, keys: &str) -> Result<(), String> {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|key| {
                [
                    json!({"type": "keyDown", "value": key.to_string()}),
                    json!({"type": "keyUp", "value": key.to_string()}),
                ]
            })
            .collect();
        self.session_command(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )
        .map(drop)
    }

    /// Runs a script in the page and gives what it returns.
    pub fn execute(&self, script: &str) -> Result<Value, String> {
        self.session_command(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &Path) -> Result<(), String> {
        use base64::Engine as _;
        let png = self.session_command("GET", "/screenshot", Value::Null)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap_or_default())
            .map_err(|error| format!("a screenshot that is not base64: {error}"))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|error| error.to_string())?;
        }
        std::fs::write(path, bytes).map_err(|error| format!("{}: {error}", path.display()))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = crate::client::json_command("DELETE", &self.session, &Value::Null);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The WebDriver key for Enter and for Tab.
pub const ENTER: char = '\u{E007}';
pub const TAB: char = '\u{E004}';
