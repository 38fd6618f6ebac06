//! The Spin template for a new Rust function (`templates/rpc-function-rust`):
//! rendered as `spin add -t rpc-function-rust cube` would (its files and its
//! manifest snippet), built, and served next to the unchanged router, it
//! answers, describes itself in `rpc.discover`, and needs no router change.
//!
//! The rendering here substitutes the template's few Liquid expressions
//! itself; `spin add` is not available on these machines.

mod support;

use serde_json::json;
use std::path::Path;
use std::process::Command;
use support::hosted::HostedApp;
use support::repo_root;

const NAME: &str = "cube";
const SUMMARY: &str = "Returns x, scaffolded from the template.";

fn render(text: &str) -> String {
    text.replace("{{project-name | kebab_case}}", NAME)
        .replace("{{project-name | snake_case}}", &NAME.replace('-', "_"))
        .replace("{{summary}}", SUMMARY)
        .replace("{{ output-path }}", NAME)
}

fn render_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("template content") {
        let path = entry.expect("an entry").path();
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .replace(".tmpl", "");
        if path.is_dir() {
            std::fs::create_dir_all(to.join(&name)).expect("a directory");
            render_tree(&path, &to.join(&name));
        } else {
            let text = render(&std::fs::read_to_string(&path).expect("a template file"));
            assert!(
                !text.contains("{{"),
                "{}: an expression the test does not render",
                path.display()
            );
            std::fs::write(to.join(name), text).expect("a rendered file");
        }
    }
}

#[test]
fn a_function_from_the_template_works_with_the_router_unchanged() {
    let template = repo_root().join("templates/rpc-function-rust");
    // The app directory `spin add` works in: the new function beside rpc-function.
    let app = repo_root().join("target/template-check");
    let function = app.join(NAME);
    let _ = std::fs::remove_dir_all(&function);
    std::fs::create_dir_all(&function).expect("the function directory");
    let shared = app.join("rpc-function");
    if !shared.exists() {
        std::os::unix::fs::symlink(repo_root().join("rpc-function"), &shared)
            .expect("a link to rpc-function");
    }
    render_tree(&template.join("content"), &function);
    let snippet = render(
        &std::fs::read_to_string(template.join("metadata/snippets/component.txt"))
            .expect("the snippet"),
    );
    assert!(!snippet.contains("{{"), "the snippet renders");

    // `spin build` for the new component: its snippet's command in its workdir.
    let status = Command::new("cargo")
        .args(["build", "--target", "wasm32-wasip2", "--release", "--quiet"])
        .env("CARGO_TARGET_DIR", function.join("target"))
        .current_dir(&function)
        .status()
        .expect("cargo");
    assert!(status.success(), "the scaffolded function builds");

    // The app: the router as shipped, the snippet appended, and the two edits
    // the snippet's comment asks for (registry and allowed host).
    let manifest = format!(
        r#"
spin_manifest_version = 2
[application]
name = "template-check"
[variables]
functions = {{ default = "{NAME}" }}
[[trigger.http]]
route = "/rpc/..."
component = "rpc-router"
[component.rpc-router]
source = "{{release}}/rpc_router.wasm"
allowed_outbound_hosts = ["http://{NAME}.spin.internal"]
[component.rpc-router.variables]
functions = "{{{{ functions }}}}"
{snippet}
"#
    )
    .replace(
        &format!("source = \"{NAME}/target"),
        &format!("source = \"{}/target", function.display()),
    );
    let hosted = HostedApp::serve(&manifest, &[]);
    assert_eq!(hosted.rpc(NAME, 27)["result"], json!(27));
    let (_, document) = hosted.call(
        "/rpc",
        &json!({"jsonrpc": "2.0", "method": "rpc.discover", "id": 1}),
    );
    let document: serde_json::Value = serde_json::from_str(&document).expect("JSON");
    assert_eq!(document["result"]["methods"][0]["name"], json!(NAME));
    assert_eq!(document["result"]["methods"][0]["summary"], json!(SUMMARY));
}
