//! The examples of the README and of `docs/`, run as written against the
//! served app.

use crate::checks::*;
use crate::{Case, Servers};
use harness::client::raw;
use harness::{manifest_path, repo_root, Server};
use libtest_mimic::Failed;

pub const CASES: &[(&str, Case)] = cases![
    readme_curl_examples_answer_as_documented,
    readme_python_example_prints_what_it_promises,
];

/// Each `curl` line of the code blocks of the README and of `docs/*.md` is
/// sent as written (to this server instead of 127.0.0.1:3000; to one
/// started with the block's `spin up --variable`s, if it has any), and must
/// answer exactly the `#` lines that follow it.
fn readme_curl_examples_answer_as_documented(servers: &Servers) -> Result<(), Failed> {
    let mut examples = Vec::new();
    for document in harness::readme::documents() {
        let text = std::fs::read_to_string(&document)
            .map_err(|e| format!("{}: {e}", document.display()))?;
        examples.extend(harness::readme::curl_examples(&text));
    }
    check(examples.len() >= 4, || {
        format!(
            "expected at least 4 curl examples, found {}",
            examples.len()
        )
    })?;
    let mut configured: Vec<(Vec<(String, String)>, Server)> = Vec::new();
    for example in examples {
        let server = if example.variables.is_empty() {
            &servers.default
        } else {
            if !configured.iter().any(|(v, _)| *v == example.variables) {
                let environment: Vec<(String, String)> = example
                    .variables
                    .iter()
                    .map(|(name, value)| {
                        (
                            format!("SPIN_VARIABLE_{}", name.to_uppercase()),
                            value.clone(),
                        )
                    })
                    .collect();
                let environment: Vec<(&str, &str)> = environment
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect();
                let server = Server::start(&servers.runtime, &manifest_path(), &environment);
                configured.push((example.variables.clone(), server));
            }
            let (_, server) = configured
                .iter()
                .find(|(v, _)| *v == example.variables)
                .ok_or("a server for the block's variables")?;
            server
        };
        let path = example
            .url
            .strip_prefix("http://127.0.0.1:3000")
            .ok_or_else(|| format!("{}: not a URL on 127.0.0.1:3000", example.command))?;
        // What curl sends: its headers, and a form content type with `-d`.
        let mut headers: Vec<(&str, &[u8])> = example
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes()))
            .collect();
        if example.body.is_some() {
            headers.push(("content-type", b"application/x-www-form-urlencoded"));
        }
        let body = example.body.clone().unwrap_or_default().into_bytes();
        let answer = raw(server.address, &example.method, path, &headers, body);
        // What curl prints: the body (unless sent to /dev/null), then the
        // status where the command asks for `%{http_code}`.
        let mut shown = if example.command.contains("-o /dev/null") {
            String::new()
        } else {
            answer.text()
        };
        if example.command.contains("%{http_code}") {
            shown.push_str(&answer.status.to_string());
        }
        expect_eq(shown, example.expected.clone(), &example.command)?;
    }
    Ok(())
}

/// The README's Python example, run with python3 against this server.
fn readme_python_example_prints_what_it_promises(servers: &Servers) -> Result<(), Failed> {
    let readme = std::fs::read_to_string(repo_root().join("README.md"))
        .map_err(|e| format!("README.md: {e}"))?;
    let (code, promised) =
        harness::readme::python_example(&readme).ok_or("no ```python block in the README")?;
    let code = code.replace("127.0.0.1:3000", &servers.default.address.to_string());
    let output = std::process::Command::new("python3")
        .args(["-c", &code])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    check(output.status.success(), || {
        String::from_utf8_lossy(&output.stderr).into_owned()
    })?;
    let printed: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    check(!promised.is_empty(), || {
        "the example promises no output".into()
    })?;
    expect_eq(printed, promised, "what the Python example prints")
}
