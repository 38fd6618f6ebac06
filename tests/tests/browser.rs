//! The API explorer (`/`) in a real browser: headless Chromium over
//! WebDriver, on the page as each runtime serves it, once as the app ships
//! and once with `cors_origins` set (the page's own calls are same-origin,
//! so it must keep working). The page must list what is deployed, read each
//! param and result as a type with its description, open `/#divide` at
//! `divide` with its example ready to send, call `double` by keyboard alone,
//! show a refusal as an error with its code, filter its methods, copy the
//! `curl` command to the clipboard, send a batch, label every input, ask
//! for a token where the endpoint wants one without ever showing it, render
//! the test-only app's `test.stats` (an array, an enum, a nested object, an
//! optional param), show a function described with JSON of the wrong types
//! as far as it can and never go blank for it, carry its
//! Content-Security-Policy and never break it.
//! Screenshots of each runtime's page, light and dark, are saved under
//! `target/explorer/`.
//!
//! Without Chromium and ChromeDriver the test fails under `CI=true`, naming
//! the packages, and is reported as ignored elsewhere: never as a pass.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use harness::webdriver::{self, Browser, Key, Locator};
use harness::{
    build_app, faults_manifest_path, manifest_path, misdescribed_manifest, Runtime, Server,
};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let arguments = Arguments::from_args();
    let trials = match webdriver::find() {
        Ok((browser, driver)) => Runtime::available()
            .into_iter()
            .flat_map(|runtime| {
                [false, true].map(|cors| {
                    let (runtime, browser, driver) =
                        (runtime.clone(), browser.clone(), driver.clone());
                    let name = match cors {
                        false => format!("{}::explorer_in_a_browser", runtime.name()),
                        true => format!("{}::explorer_in_a_browser_with_cors_on", runtime.name()),
                    };
                    Trial::test(name, move || {
                        explorer_in_a_browser(&runtime, &browser, &driver, cors)
                    })
                })
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

/// The token the guarded app accepts, for `double` only.
const TOKEN: &str = "page-token-8Kq";
/// The browser origin the app allows when CORS is on: not the page's own.
const OTHER_ORIGIN: &str = "https://console.example";

/// The servers a journey uses: the app, the test-only app, the app asking
/// for a token, and the test-only app with functions described with the
/// wrong types.
struct Apps {
    app: Server,
    faults: Server,
    guarded: Server,
    misdescribed: Server,
}

fn explorer_in_a_browser(
    runtime: &Runtime,
    chromium: &Path,
    driver: &Path,
    cors: bool,
) -> Result<(), Failed> {
    build_app();
    let mut environment = Vec::new();
    if cors {
        environment.push(("SPIN_VARIABLE_CORS_ORIGINS", OTHER_ORIGIN));
    }
    let token = format!("{TOKEN}:double");
    let guarded = [("SPIN_VARIABLE_TOKENS", token.as_str())];
    let apps = Apps {
        app: Server::start(runtime, &manifest_path(), &environment),
        faults: Server::start(runtime, &faults_manifest_path(), &environment),
        guarded: Server::start(
            runtime,
            &manifest_path(),
            &[environment.as_slice(), &guarded].concat(),
        ),
        misdescribed: Server::start(runtime, &misdescribed_manifest(), &environment),
    };
    let shots = harness::target_dir().join("explorer");
    let label = format!("{}{}", runtime.name(), if cors { "-cors" } else { "" });
    let tokio = tokio::runtime::Runtime::new()?;
    tokio.block_on(async {
        let browser = Browser::start(chromium, driver).await?;
        eprintln!("{label}: {}", browser.versions);
        let checked = journeys(&browser, &apps, &shots, &label).await;
        if checked.is_err() {
            // What the page looked like when it went wrong.
            let _ = browser
                .screenshot(&shots.join(format!("failed-{label}.png")))
                .await;
        }
        browser.close().await;
        checked
    })
}

/// The explorer's journeys, in turn, on the same browser.
async fn journeys(browser: &Browser, apps: &Apps, shots: &Path, label: &str) -> Result<(), Failed> {
    sends_its_security_headers(&apps.app)?;
    let page = &browser.client;
    page.goto(&apps.app.url("/")).await?;
    // A permission the page never asks for, granted to its origin so that
    // the test can read back what a copy button put on the clipboard.
    browser.grant("clipboard-read").await?;
    lists_what_is_deployed(browser, &manifest_path()).await?;
    every_field_has_a_label(browser).await?;
    double_reads_as_types(browser).await?;
    double_by_keyboard_alone(browser).await?;
    triple_refuses_a_fraction(browser).await?;
    the_filter_hides_the_other_methods(browser).await?;
    a_batch_answers_in_order(browser).await?;
    page.goto(&apps.app.url("/#divide")).await?;
    divide_opens_filled_with_its_example(browser).await?;
    the_copy_button_copies_the_curl_command(browser).await?;
    page.refresh().await?;
    screenshots_light_and_dark(browser, shots, label).await?;
    asks_for_a_token_and_never_shows_it(browser, &apps.guarded).await?;
    page.goto(&apps.faults.url("/#test.stats")).await?;
    lists_what_is_deployed(browser, &faults_manifest_path()).await?;
    stats_reads_as_types(browser).await?;
    no_content_security_policy_violation(browser).await?;
    page.goto(&apps.misdescribed.url("/")).await?;
    a_description_of_the_wrong_types_never_blanks_the_page(browser).await
}

fn expect(condition: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(what().into())
    }
}

/// Runs a script in the page and gives what it returns.
async fn run(browser: &Browser, script: &str) -> Result<Value, Failed> {
    Ok(browser.client.execute(script, vec![]).await?)
}

/// Waits until `script` (run in the page) returns true.
async fn until(browser: &Browser, script: &str) -> Result<(), Failed> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while run(browser, script).await? != Value::Bool(true) {
        if Instant::now() > deadline {
            let status = run(
                browser,
                "return document.getElementById('status').textContent",
            )
            .await;
            return Err(
                format!("still false after 15 s: {script} (the page says {status:?})").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn css(browser: &Browser, selector: &str) -> Result<fantoccini::elements::Element, Failed> {
    let wait = browser.client.wait().at_most(Duration::from_secs(15));
    Ok(wait.for_element(Locator::Css(selector)).await?)
}

/// The text of what `selector` selects (the first), once it is there.
async fn text_of(browser: &Browser, selector: &str) -> Result<String, Failed> {
    Ok(css(browser, selector).await?.text().await?)
}

/// Clicks what `selector` selects (the first), once it is there.
async fn click(browser: &Browser, selector: &str) -> Result<(), Failed> {
    Ok(css(browser, selector).await?.click().await?)
}

/// Presses a key on whatever has the focus: the keyboard alone.
async fn press(browser: &Browser, key: Key) -> Result<(), Failed> {
    let key = char::from(key);
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    Ok(browser.client.perform_actions(keys).await?)
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

/// The methods the page lists, once it lists `count` of them.
async fn listed(browser: &Browser, count: usize) -> Result<Vec<String>, Failed> {
    until(
        browser,
        &format!("return document.querySelectorAll('#methods [data-method]').length >= {count}"),
    )
    .await?;
    let names = run(
        browser,
        "return [...document.querySelectorAll('#methods [data-method]')].map(s => s.dataset.method)",
    )
    .await?;
    Ok(serde_json::from_value(names)?)
}

/// The page's response carries its Content-Security-Policy and the rest.
fn sends_its_security_headers(app: &Server) -> Result<(), Failed> {
    let page = harness::client::request("GET", &app.url("/"));
    let policy = page.header("content-security-policy").unwrap_or_default();
    expect(
        policy.contains("script-src 'sha256-")
            && policy.contains("frame-ancestors 'none'")
            && policy.contains("connect-src 'self'")
            && !policy.contains("unsafe"),
        || format!("the page's Content-Security-Policy: {policy:?}"),
    )?;
    let headers = [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ];
    for (name, value) in headers {
        expect(page.header(name) == Some(value), || {
            format!("{name}: {:?}", page.header(name))
        })?;
    }
    Ok(())
}

/// It lists what the manifest deploys, and says how many at the top.
async fn lists_what_is_deployed(browser: &Browser, manifest: &Path) -> Result<(), Failed> {
    let expected = deployed(manifest);
    let names = listed(browser, expected.len()).await?;
    expect(names == expected, || {
        format!("the page lists {names:?}, deployed: {expected:?}")
    })?;
    let status = text_of(browser, "#status").await?;
    expect(
        status.starts_with(&format!("{} methods", expected.len())),
        || format!("the count at the top: {status:?}"),
    )
}

/// Every input, select and text area has a label.
async fn every_field_has_a_label(browser: &Browser) -> Result<(), Failed> {
    let unlabeled = run(
        browser,
        "return [...document.querySelectorAll('input, select, textarea')]
            .filter(e => !e.labels || e.labels.length === 0).map(e => e.outerHTML)",
    )
    .await?;
    expect(unlabeled.as_array().is_some_and(Vec::is_empty), || {
        format!("inputs without a label: {unlabeled}")
    })
}

/// `double`'s `x` reads as a type with its description, not as JSON.
async fn double_reads_as_types(browser: &Browser) -> Result<(), Failed> {
    let row = "[data-method='double'] table.params tr[data-param='x']";
    let rendered = run(
        browser,
        &format!(
            "const row = document.querySelector(\"{row}\");
             return [row.querySelector('.type').textContent,
                     row.querySelector('.description').textContent,
                     row.querySelector('details.raw pre').textContent]"
        ),
    )
    .await?;
    let [kind, description, raw] =
        [0, 1, 2].map(|i| rendered[i].as_str().unwrap_or_default().to_owned());
    expect(
        kind == "one of: integer (int64) | string matching ^-?[0-9]+$",
        || format!("double's x reads as {kind:?}"),
    )?;
    expect(description.starts_with("A 64-bit signed integer"), || {
        format!("its description: {description:?}")
    })?;
    // The raw schema, a click away, keeps every digit of its bounds.
    expect(
        raw.contains("9223372036854775807") && !raw.contains("9223372036854776000"),
        || format!("the raw schema: {raw}"),
    )
}

/// `double` by keyboard alone: Tab to it, Enter opens it, Tab to its input
/// (its example already there), Enter sends it.
async fn double_by_keyboard_alone(browser: &Browser) -> Result<(), Failed> {
    let focused_is = |selector: &str| {
        format!("return document.activeElement === document.querySelector(\"{selector}\")")
    };
    tab_to(browser, &focused_is("[data-method='double'] > summary")).await?;
    press(browser, Key::Enter).await?;
    tab_to(
        browser,
        &focused_is("[data-method='double'] input[data-param='x']"),
    )
    .await?;
    press(browser, Key::Enter).await?;
    let shown = text_of(browser, "[data-method='double'] .outcome .result").await?;
    expect(shown == "42", || format!("double(21) shows {shown:?}"))
}

/// Presses Tab until `reached` (a script) is true.
async fn tab_to(browser: &Browser, reached: &str) -> Result<(), Failed> {
    for _ in 0..80 {
        if run(browser, reached).await? == Value::Bool(true) {
            return Ok(());
        }
        press(browser, Key::Tab).await?;
    }
    Err(format!("not reachable with Tab: {reached}").into())
}

/// `triple` with 1.5: the refusal shown as an error, with its code.
async fn triple_refuses_a_fraction(browser: &Browser) -> Result<(), Failed> {
    click(browser, "[data-method='triple'] > summary").await?;
    let input = css(browser, "[data-method='triple'] input[data-param='x']").await?;
    input.clear().await?;
    input.send_keys("1.5").await?;
    click(browser, "[data-method='triple'] button[type=submit]").await?;
    let shown = text_of(browser, "[data-method='triple'] .outcome.error").await?;
    expect(shown.starts_with("Error -32602:"), || {
        format!("triple(1.5) shows {shown:?}")
    })
}

/// The filter keeps the methods whose name or summary matches.
async fn the_filter_hides_the_other_methods(browser: &Browser) -> Result<(), Failed> {
    let filter = css(browser, "#filter").await?;
    filter.send_keys("divi").await?;
    let shown = run(
        browser,
        "return [...document.querySelectorAll('#methods [data-method]')]
            .filter(s => !s.hidden).map(s => s.dataset.method)",
    )
    .await?;
    filter.clear().await?;
    run(
        browser,
        "document.getElementById('filter').dispatchEvent(new Event('input'))",
    )
    .await?;
    expect(shown == json!(["divide"]), || {
        format!("filtered by \"divi\", the page shows {shown}")
    })
}

/// A batch of two calls: its answers in order.
async fn a_batch_answers_in_order(browser: &Browser) -> Result<(), Failed> {
    run(
        browser,
        "const rows = document.querySelectorAll('#batch-rows .row');
         rows[0].querySelector('select').value = 'double';
         rows[0].querySelector('input').value = '[1]';
         rows[1].querySelector('select').value = 'triple';
         rows[1].querySelector('input').value = '[2]';",
    )
    .await?;
    click(browser, "#batch-send").await?;
    until(
        browser,
        "return document.querySelectorAll('#batch-out .outcome').length >= 2",
    )
    .await?;
    let results = run(
        browser,
        "return [...document.querySelectorAll('#batch-out .outcome .result')].map(e => e.textContent)",
    )
    .await?;
    expect(results == json!(["2", "6"]), || {
        format!("the batch shows {results}")
    })
}

/// `/#divide` opens at `divide`, its form filled with its published
/// example; sending it shows the example's result, pretty-printed, and how
/// long the call took.
async fn divide_opens_filled_with_its_example(browser: &Browser) -> Result<(), Failed> {
    until(
        browser,
        "const divide = document.querySelector(\"#methods [data-method='divide']\");
         return !!divide && divide.open && Math.abs(divide.getBoundingClientRect().top) < 5",
    )
    .await?;
    let values = run(
        browser,
        "return [...document.querySelectorAll(\"[data-method='divide'] input[data-param]\")]
            .map(i => [i.dataset.param, i.value])",
    )
    .await?;
    expect(values == json!([["a", "7"], ["b", "-2"]]), || {
        format!("divide's form opens with {values}")
    })?;
    click(browser, "[data-method='divide'] button[type=submit]").await?;
    let shown = text_of(browser, "[data-method='divide'] .outcome .result").await?;
    let result: Value = serde_json::from_str(&shown)?;
    expect(
        result == json!({"quotient": -3, "remainder": 1}) && shown.contains('\n'),
        || format!("divide's example shows {shown:?}"),
    )?;
    let timing = text_of(browser, "[data-method='divide'] .timing").await?;
    expect(
        timing.starts_with("HTTP 200 in ") && timing.ends_with(" ms"),
        || format!("the call's status and time: {timing:?}"),
    )
}

/// The curl command's copy button puts it on the clipboard.
async fn the_copy_button_copies_the_curl_command(browser: &Browser) -> Result<(), Failed> {
    let curl = text_of(browser, "[data-method='divide'] pre.curl").await?;
    expect(
        curl.starts_with("curl -s -d '") && curl.contains("\"divide\"") && curl.ends_with("/rpc"),
        || format!("the equivalent curl: {curl:?}"),
    )?;
    click(browser, "[data-method='divide'] .out .head button.copy").await?;
    let copied = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.clipboard.readText().then(done, (error) => done('failed: ' + error))",
            vec![],
        )
        .await?;
    expect(copied.as_str() == Some(curl.as_str()), || {
        format!("the clipboard holds {copied}, the page shows {curl:?}")
    })
}

/// The page as a newcomer first sees it, `/#divide` called with its
/// example, with the system light and then dark (where the page must be
/// dark too).
async fn screenshots_light_and_dark(
    browser: &Browser,
    shots: &Path,
    label: &str,
) -> Result<(), Failed> {
    click(
        browser,
        "#methods [data-method='divide'][open] button[type=submit]",
    )
    .await?;
    css(browser, "[data-method='divide'] .outcome .result").await?;
    run(browser, "window.scrollTo(0, 0)").await?;
    browser
        .screenshot(&shots.join(format!("explorer-{label}.png")))
        .await?;
    browser.prefer_dark(true).await?;
    the_page_follows_a_dark_system(browser).await?;
    browser
        .screenshot(&shots.join(format!("explorer-{label}-dark.png")))
        .await?;
    Ok(browser.prefer_dark(false).await?)
}

/// With the system in dark mode, so is the page.
async fn the_page_follows_a_dark_system(browser: &Browser) -> Result<(), Failed> {
    let background = run(
        browser,
        "return getComputedStyle(document.body).backgroundColor",
    )
    .await?;
    let channels: Vec<u32> = background
        .as_str()
        .unwrap_or_default()
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    expect(
        channels.len() >= 3 && channels[..3].iter().all(|c| *c < 64),
        || format!("the background in dark mode: {background}"),
    )
}

/// Where the endpoint asks for a token, the page asks for it in a masked
/// field, then lists what that token may call; nothing on the page shows
/// the token, the `curl` command says `$TOKEN`.
async fn asks_for_a_token_and_never_shows_it(
    browser: &Browser,
    guarded: &Server,
) -> Result<(), Failed> {
    browser.client.goto(&guarded.url("/")).await?;
    let field = css(browser, "#auth:not([hidden]) #token").await?;
    expect(
        field.attr("type").await?.as_deref() == Some("password"),
        || "the token field is not masked".into(),
    )?;
    field.send_keys(&format!("{TOKEN}{}", Key::Enter)).await?;
    let names = listed(browser, 2).await?;
    expect(names == ["double", "rpc.discover"], || {
        format!("with a token for double, the page lists {names:?}")
    })?;
    click(browser, "[data-method='double'] > summary").await?;
    click(browser, "[data-method='double'] button[type=submit]").await?;
    let curl = text_of(browser, "[data-method='double'] pre.curl").await?;
    expect(curl.contains("Bearer $TOKEN"), || {
        format!("the curl: {curl:?}")
    })?;
    let shown = run(
        browser,
        &format!(
            "return document.body.innerText.includes('{TOKEN}') ||
               [...document.querySelectorAll('input')].some(i => i.type !== 'password' && i.value.includes('{TOKEN}'))"
        ),
    )
    .await?;
    expect(shown == Value::Bool(false), || {
        "the page shows the token".into()
    })
}

/// `test.stats` (opened by its link): an array, an enum, a nested object
/// and an optional param, each read as a type.
async fn stats_reads_as_types(browser: &Browser) -> Result<(), Failed> {
    let rows = run(
        browser,
        "return [...document.querySelectorAll(\"[data-method='test.stats'] table.params tbody tr\")]
            .map(r => [r.dataset.param, r.querySelector('.type').textContent, r.children[2].textContent])",
    )
    .await?;
    let expected = json!([
        ["values", "array of number", "required"],
        ["statistic", "\"mean\" | \"min\" | \"max\"", "required"],
        ["range", "object { from: number, to: number }", "required"],
        ["places", "integer (uint8) | null", "optional"],
    ]);
    expect(rows == expected, || {
        format!("test.stats's params read as {rows}")
    })
}

/// Nothing the page did broke its Content-Security-Policy.
async fn no_content_security_policy_violation(browser: &Browser) -> Result<(), Failed> {
    let problems = browser.console_problems().await?;
    let violations: Vec<&String> = problems
        .iter()
        .filter(|message| message.contains("Content Security Policy"))
        .collect();
    expect(violations.is_empty(), || {
        format!("the page broke its policy: {violations:?}")
    })
}

/// `test.stats` described with schemas of the wrong types is shown as far as
/// it can be, each param with a type; `test.hog` described with members of
/// the wrong types is listed, marked as undescribed; everything else as
/// ever; and nothing on the page threw.
async fn a_description_of_the_wrong_types_never_blanks_the_page(
    browser: &Browser,
) -> Result<(), Failed> {
    lists_what_is_deployed(browser, &faults_manifest_path()).await?;
    let hog = text_of(browser, "[data-method='test.hog'] summary").await?;
    expect(hog.ends_with("— no description"), || {
        format!("test.hog, described with members of the wrong types: {hog:?}")
    })?;
    click(browser, "[data-method='test.stats'] summary").await?;
    let rows = run(
        browser,
        "return [...document.querySelectorAll(\"[data-method='test.stats'] table.params tbody tr\")]
            .map(r => [r.dataset.param, r.querySelector('.type').textContent])",
    )
    .await?;
    let named: Vec<&str> = rows
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| row[0].as_str())
        .collect();
    expect(
        named == ["x", "listed", "shaped", "chosen", "counted"],
        || format!("test.stats's params, of schemas of the wrong types: {rows}"),
    )?;
    expect(
        rows.as_array()
            .into_iter()
            .flatten()
            .all(|row| row[1].as_str().is_some_and(|text| !text.is_empty())),
        || format!("each param reads as some type: {rows}"),
    )?;
    let problems = browser.console_problems().await?;
    let thrown: Vec<&String> = problems
        .iter()
        .filter(|message| message.contains("Uncaught"))
        .collect();
    expect(thrown.is_empty(), || format!("the page threw: {thrown:?}"))
}
