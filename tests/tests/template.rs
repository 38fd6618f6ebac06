//! The Spin templates for a new function, in Rust, Python and TypeScript
//! (`templates/rpc-function-*`), used as a user would: in a fresh checkout
//! of this repository, each rendered as `spin add -t rpc-function-<language>
//! <name>` would (its files, and its snippet appended to the checkout's
//! `spin.toml`), then `spin build` and serve. Nothing else was edited (not
//! the router's code, not its section of the manifest), and the
//! registry-driven checks pass on this app with the added functions as on
//! the shipped one: each is private, calls nothing, carries its work budget
//! and maxima, describes itself to `rpc.discover`, answers its own example
//! through the router, and passes the OpenRPC tools' checks. So do the
//! README's `span` in Python and in TypeScript, each written into a function
//! added with its template, as the README says to.
//!
//! The rendering here substitutes the template's few Liquid expressions
//! itself; `spin add` is not available on these machines.

use harness::hosted::HostedApp;
use harness::{manifest_path, repo_root};
use serde_json::json;
use spin_host::{manifest::Manifest, spin_build};
use std::path::Path;
use std::process::Command;

/// Each template, and the name its function is added under: names no user
/// would give their own functions (a user who added `cube` from the README
/// must still pass this test), in kebab case, so that the templates'
/// snake_case names are exercised too.
const TEMPLATES: [(&str, &str); 3] = [
    ("rpc-function-rust", "from-template"),
    ("rpc-function-python", "from-template-py"),
    ("rpc-function-ts", "from-template-ts"),
];
const SUMMARY: &str = "Returns x, scaffolded from the template.";

/// The README's `span` in Python and in TypeScript ("Adding a function"):
/// the template, the name, the file the README's code replaces, the fence
/// of its code block and what that block holds.
const README_FUNCTIONS: [(&str, &str, &str, &str, &str); 2] = [
    (
        "rpc-function-python",
        "span-py",
        "app.py",
        "python",
        "def span(",
    ),
    (
        "rpc-function-ts",
        "span-ts",
        "src/index.ts",
        "ts",
        "defineFunction",
    ),
];

/// What the checkout keeps that git does not list: build output, and the
/// TypeScript toolchain its functions' first build installs.
const BUILT: [&str; 2] = ["target", "rpc-function-ts/node_modules"];

fn render(text: &str, name: &str) -> String {
    text.replace("{{project-name | kebab_case}}", name)
        .replace("{{project-name | snake_case}}", &name.replace('-', "_"))
        .replace("{{summary}}", SUMMARY)
        .replace("{{ output-path }}", name)
}

fn render_tree(from: &Path, to: &Path, function: &str) {
    for entry in std::fs::read_dir(from).expect("template content") {
        let path = entry.expect("an entry").path();
        let file = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .replace(".tmpl", "");
        if path.is_dir() {
            std::fs::create_dir_all(to.join(&file)).expect("a directory");
            render_tree(&path, &to.join(&file), function);
        } else {
            let text = render(
                &std::fs::read_to_string(&path).expect("a template file"),
                function,
            );
            assert!(
                !text.contains("{{"),
                "{}: an expression the test does not render",
                path.display()
            );
            write_if_changed(&to.join(file), text.as_bytes());
        }
    }
}

/// Writes `contents` unless the file already holds them, so that cargo
/// sees an unchanged file as unchanged on the next run.
fn write_if_changed(path: &Path, contents: &[u8]) {
    if std::fs::read(path).ok().as_deref() != Some(contents) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a directory");
        }
        std::fs::write(path, contents).expect("a written file");
    }
}

/// A checkout of this repository at `into`: the files git lists (tracked or
/// new, not ignored, so no build output) as they are in the working tree,
/// and no other file (but what [`BUILT`] names and the directories named in
/// `rendered`), but `spin.toml`, which the caller writes.
fn checkout(into: &Path, rendered: &[&str]) {
    // Earlier layouts of this directory linked into the repository; a
    // checkout must not write through such a link.
    for entry in std::fs::read_dir(into).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            std::fs::remove_file(entry.path()).expect("an old link removed");
        }
    }
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(repo_root())
        .output()
        .expect("git");
    assert!(listed.status.success(), "git ls-files");
    let mut files = std::collections::BTreeSet::new();
    for file in listed.stdout.split(|&b| b == 0).filter(|f| !f.is_empty()) {
        let file = std::str::from_utf8(file).expect("a UTF-8 path");
        let from = repo_root().join(file);
        if file == "spin.toml" || !from.is_file() {
            continue;
        }
        write_if_changed(&into.join(file), &std::fs::read(&from).expect("a file"));
        files.insert(into.join(file));
    }
    let kept: Vec<std::path::PathBuf> = BUILT
        .iter()
        .chain(&["spin.toml"])
        .chain(rendered)
        .map(|path| into.join(path))
        .collect();
    for entry in std::fs::read_dir(into).expect("the checkout").flatten() {
        remove_unlisted(&entry.path(), &files, &kept);
    }
}

/// Removes `path` if it is a file the repository no longer holds (left by
/// an earlier run: an older layout, an older rendered function), or what
/// such files a directory holds, and the directory if that empties it; but
/// not what `kept` names.
fn remove_unlisted(
    path: &Path,
    files: &std::collections::BTreeSet<std::path::PathBuf>,
    kept: &[std::path::PathBuf],
) {
    if kept.iter().any(|kept| kept == path) {
        return;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        for entry in std::fs::read_dir(path).expect("a directory").flatten() {
            remove_unlisted(&entry.path(), files, kept);
        }
        if std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none()) {
            std::fs::remove_dir(path).expect("an empty directory removed");
        }
    } else if !files.contains(path) {
        std::fs::remove_file(path).expect("a stale file removed");
    }
}

#[test]
fn functions_from_the_templates_work_with_the_router_unchanged() {
    let app = repo_root().join("target/template-check");
    let names = TEMPLATES.map(|(_, name)| name);
    let span_names = README_FUNCTIONS.map(|(_, name, ..)| name);
    checkout(&app, &[names.as_slice(), &span_names].concat());
    // `spin add` renders the template's files, and appends the rendered
    // snippet to spin.toml: that is all.
    let mut manifest_text = std::fs::read_to_string(manifest_path()).expect("spin.toml");
    let added = TEMPLATES
        .into_iter()
        .chain(README_FUNCTIONS.map(|(template, name, ..)| (template, name)));
    for (template, name) in added {
        let template = repo_root().join("templates").join(template);
        render_tree(&template.join("content"), &app.join(name), name);
        let snippet = std::fs::read_to_string(template.join("metadata/snippets/component.txt"))
            .expect("the snippet");
        let snippet = render(&snippet, name);
        assert!(!snippet.contains("{{"), "{name}: the snippet renders");
        manifest_text = format!("{}\n\n{snippet}", manifest_text.trim_end());
    }
    let manifest_file = app.join("spin.toml");
    write_if_changed(&manifest_file, manifest_text.as_bytes());
    // The README's functions: the function's own source, and nothing else.
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    for (_, name, file, fence, holding) in README_FUNCTIONS {
        let code = harness::readme::code_block(&readme, fence, holding)
            .unwrap_or_else(|| panic!("the README has a ```{fence} block with {holding:?}"));
        write_if_changed(&app.join(name).join(file), code.as_bytes());
    }

    // `spin build`, then `spin up`.
    let manifest = Manifest::load(&manifest_file).expect("the appended manifest loads");
    spin_build::build(&manifest).expect("the app builds");
    let hosted = HostedApp::serve_file(&manifest_file, &[]);
    let registry = harness::registry(&manifest_file);
    for name in names {
        assert_eq!(hosted.rpc(name, 27)["result"], json!(27), "{name}");
    }
    for name in names.iter().chain(&span_names) {
        assert!(
            registry
                .functions()
                .any(|function| function.method == *name),
            "the snippet registers {name}"
        );
    }
    for name in span_names {
        let call = |params| json!({"jsonrpc": "2.0", "method": name, "params": params, "id": 1});
        let answer = |params| -> serde_json::Value {
            let (_, text) = hosted.call("/rpc", &call(params));
            serde_json::from_str(&text).expect("JSON")
        };
        let span = answer(json!([[2.5, -1, 7]]));
        let bounds = ["min", "max"].map(|bound| span["result"][bound].as_f64());
        assert_eq!(bounds, [Some(-1.0), Some(7.0)], "{name}: {span}");
        let refused = answer(json!({"numbers": []}));
        assert_eq!(
            refused["error"],
            json!({"code": 1, "message": "no numbers"}),
            "{name}"
        );
    }
    if let Err(problems) = harness::functions::check_manifest(&manifest_file) {
        panic!("the app with the templates' functions:\n{problems}");
    }
    let rpc = format!("http://{}/rpc", hosted.address);
    if let Err(problems) = harness::functions::check_served(&manifest_file, &rpc) {
        panic!("the app with the templates' functions, served:\n{problems}");
    }
    // The OpenRPC project's own tools take the new functions as they take
    // the app's.
    if let Err(problems) = harness::openrpc::tool("check.mjs", &[&rpc]) {
        panic!("the app with the templates' functions, to the OpenRPC tools:\n{problems}");
    }
    let (_, document) = hosted.call(
        "/rpc",
        &json!({"jsonrpc": "2.0", "method": "rpc.discover", "id": 1}),
    );
    let document: serde_json::Value = serde_json::from_str(&document).expect("JSON");
    for name in names {
        let listed = document["result"]["methods"]
            .as_array()
            .and_then(|methods| methods.iter().find(|method| method["name"] == json!(name)))
            .unwrap_or_else(|| panic!("{name} is listed: {document}"));
        assert_eq!(listed["summary"], json!(SUMMARY), "{name}");
    }
}
