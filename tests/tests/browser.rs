//! The API explorer (`/`) in a real browser: headless Chromium, driven over
//! WebDriver, on the page as each runtime serves it. The page must list what
//! is deployed (the registry, read from the manifest, plus the router's
//! methods), call `double` by keyboard alone, show `triple`'s refusal as an
//! error with its code, send a batch and show its answers in order, label
//! every input, ask for a token where the endpoint wants one (and then list
//! what it may call), and list the extra function of the test-only app. A
//! screenshot of each runtime's page is saved under `target/explorer/`.
//!
//! Without Chromium and ChromeDriver the test fails under `CI=true`, naming
//! the packages, and is reported as ignored elsewhere: never as a pass.

use harness::webdriver::{self, Browser, ENTER, TAB};
use harness::{build_app, faults_manifest_path, manifest_path, Runtime, Server};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;

fn main() {
    let arguments = Arguments::from_args();
    let trials = match webdriver::find() {
        Ok((browser, driver)) => Runtime::available()
            .into_iter()
            .map(|runtime| {
                let (browser, driver) = (browser.clone(), driver.clone());
                Trial::test(
                    format!("{}::explorer_in_a_browser", runtime.name()),
                    move || explorer_in_a_browser(&runtime, &browser, &driver),
                )
            })
            .collect(),
        Err(missing) if std::env::var_os("CI").is_some_and(|ci| ci == "true") => {
            vec![Trial::test("explorer_in_a_browser", move || {
                Err(Failed::from(format!("CI needs a browser: {missing}")))
            })]
        }
        Err(missing) => {
            eprintln!("browser test: SKIPPED: {missing}");
            vec![Trial::test(
                format!("explorer_in_a_browser (skipped: {missing})"),
                || Ok(()),
            )
            .with_ignored_flag(true)]
        }
    };
    libtest_mimic::run(&arguments, trials).exit();
}

/// The registry's methods and the router's own, in the order
/// `rpc.discover` lists them.
fn deployed(manifest: &Path) -> Vec<String> {
    let mut methods: Vec<String> = harness::registry(manifest)
        .functions()
        .map(|function| function.method.clone())
        .collect();
    methods.extend(["echo", "rpc.discover"].map(str::to_owned));
    methods
}

fn expect(condition: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(what().into())
    }
}

fn listed(browser: &Browser, count: usize) -> Result<Vec<String>, Failed> {
    let all_there =
        format!("return document.querySelectorAll('section[data-method]').length >= {count}");
    if let Err(problem) = browser.wait_until(&all_there) {
        let status = browser.execute("return document.getElementById('status').textContent");
        return Err(format!("{problem}; the page says: {status:?}").into());
    }
    let names = browser.execute(
        "return [...document.querySelectorAll('section[data-method]')].map(s => s.dataset.method)",
    )?;
    Ok(serde_json::from_value(names)?)
}

fn explorer_in_a_browser(runtime: &Runtime, chromium: &Path, driver: &Path) -> Result<(), Failed> {
    build_app();
    let app = Server::start(runtime, &manifest_path(), &[]);
    let faults = Server::start(runtime, &faults_manifest_path(), &[]);
    let guarded = Server::start(
        runtime,
        &manifest_path(),
        &[("SPIN_VARIABLE_TOKENS", &format!("{TOKEN}:double"))],
    );
    let browser = Browser::start(chromium, driver)?;
    eprintln!("{}: {}", runtime.name(), browser.versions);
    let shots = harness::target_dir().join("explorer");
    let screenshot = shots.join(format!("explorer-{}.png", runtime.name()));
    let checked = drive(&browser, &app, &faults, &guarded, &screenshot);
    if checked.is_err() {
        // What the page looked like when it went wrong.
        let _ = browser.screenshot(&shots.join(format!("failed-{}.png", runtime.name())));
    }
    checked
}

/// The token the guarded app accepts, for `double` only.
const TOKEN: &str = "page-token-8Kq";

/// The explorer's journeys, in turn, on the same browser.
fn drive(
    browser: &Browser,
    app: &Server,
    faults: &Server,
    guarded: &Server,
    screenshot: &Path,
) -> Result<(), Failed> {
    browser.goto(&app.url("/"))?;
    lists_what_is_deployed(browser, &manifest_path())?;
    every_field_has_a_label(browser)?;
    double_by_keyboard_alone(browser)?;
    triple_refuses_a_fraction(browser)?;
    a_batch_answers_in_order(browser)?;
    browser
        .execute("document.querySelector(\"section[data-method='double']\").scrollIntoView()")?;
    browser.screenshot(screenshot)?;
    eprintln!("screenshot in {}", screenshot.display());
    asks_for_a_token_and_lists_its_scope(browser, guarded)?;
    // An app with another function: the page lists it too.
    browser.goto(&faults.url("/"))?;
    lists_what_is_deployed(browser, &faults_manifest_path())
}

/// It lists what the manifest deploys.
fn lists_what_is_deployed(browser: &Browser, manifest: &Path) -> Result<(), Failed> {
    let expected = deployed(manifest);
    let names = listed(browser, expected.len())?;
    expect(names == expected, || {
        format!("the page lists {names:?}, deployed: {expected:?}")
    })
}

/// Every input, select and text area has a label.
fn every_field_has_a_label(browser: &Browser) -> Result<(), Failed> {
    let unlabeled = browser.execute(
        "return [...document.querySelectorAll('input, select, textarea')]
            .filter(e => !e.labels || e.labels.length === 0).map(e => e.outerHTML)",
    )?;
    expect(unlabeled.as_array().is_some_and(Vec::is_empty), || {
        format!("inputs without a label: {unlabeled}")
    })
}

/// `double` with 21, by keyboard alone: Tab to its input, type, Enter; the
/// result shown, and the equivalent curl.
fn double_by_keyboard_alone(browser: &Browser) -> Result<(), Failed> {
    let input = "section[data-method='double'] input[data-param='x']";
    let mut reached = false;
    for _ in 0..60 {
        browser.press(&TAB.to_string())?;
        let focused = browser.execute(&format!(
            "return document.activeElement === document.querySelector(\"{input}\")"
        ))?;
        if focused == serde_json::Value::Bool(true) {
            reached = true;
            break;
        }
    }
    expect(reached, || {
        "double's input is not reachable with Tab".into()
    })?;
    browser.press(&format!("21{ENTER}"))?;
    let result = browser
        .wait_for("section[data-method='double'] .outcome .result")
        .map_err(|problem| {
            let out = browser.execute(
                "return document.querySelector(\"section[data-method='double'] .out\").innerHTML",
            );
            format!("{problem}; double's output: {out:?}")
        })?;
    let shown = browser.text(&result)?;
    expect(shown == "42", || format!("double(21) shows {shown:?}"))?;
    let curl = browser.text(&browser.wait_for("section[data-method='double'] .curl")?)?;
    expect(
        curl.starts_with("curl -s -d '") && curl.contains("\"double\"") && curl.ends_with("/rpc"),
        || format!("the equivalent curl: {curl:?}"),
    )
}

/// `triple` with 1.5: the refusal shown as an error, with its code.
fn triple_refuses_a_fraction(browser: &Browser) -> Result<(), Failed> {
    let triple = browser.wait_for("section[data-method='triple'] input[data-param='x']")?;
    browser.type_into(&triple, "1.5")?;
    browser.click(&browser.wait_for("section[data-method='triple'] button[type=submit]")?)?;
    let error = browser.wait_for("section[data-method='triple'] .outcome.error")?;
    let shown = browser.text(&error)?;
    expect(shown.starts_with("Error -32602:"), || {
        format!("triple(1.5) shows {shown:?}")
    })
}

/// A batch of two calls: its answers in order.
fn a_batch_answers_in_order(browser: &Browser) -> Result<(), Failed> {
    browser.execute(
        "const rows = document.querySelectorAll('#batch-rows .row');
         rows[0].querySelector('select').value = 'double';
         rows[0].querySelector('input').value = '[1]';
         rows[1].querySelector('select').value = 'triple';
         rows[1].querySelector('input').value = '[2]';",
    )?;
    browser.click(&browser.wait_for("#batch-send")?)?;
    browser.wait_until("return document.querySelectorAll('#batch-out .outcome').length >= 2")?;
    let outcomes = browser.execute(
        "return [...document.querySelectorAll('#batch-out .outcome')].map(e => e.textContent)",
    )?;
    expect(
        outcomes == serde_json::json!(["Result: 2", "Result: 6"]),
        || format!("the batch shows {outcomes}"),
    )
}

/// Where the endpoint asks for a token, the page asks for it, and then
/// lists what that token may call.
fn asks_for_a_token_and_lists_its_scope(browser: &Browser, guarded: &Server) -> Result<(), Failed> {
    browser.goto(&guarded.url("/"))?;
    let field = browser.wait_for("#auth:not([hidden]) #token")?;
    browser.type_into(&field, &format!("{TOKEN}{ENTER}"))?;
    let names = listed(browser, 2)?;
    expect(names == ["double", "rpc.discover"], || {
        format!("with a token for double, the page lists {names:?}")
    })
}
