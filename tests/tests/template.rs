//! The Spin template for a new Rust function (`templates/rpc-function-rust`),
//! used as a user would: in a fresh checkout of this repository, rendered as
//! `spin add -t rpc-function-rust from-template` would (its files, and its
//! snippet appended to the checkout's `spin.toml`), then `spin build` and
//! serve. Nothing else was edited (not the router's code, not its section of
//! the manifest), and the registry-driven checks pass on this app with the
//! added function as on the shipped one: it is private, calls nothing,
//! carries a work budget, describes itself to `rpc.discover`, answers its
//! own example through the router, and passes the OpenRPC tools' checks.
//!
//! The rendering here substitutes the template's few Liquid expressions
//! itself; `spin add` is not available on these machines.

use harness::hosted::HostedApp;
use harness::{manifest_path, repo_root};
use serde_json::json;
use spin_host::{manifest::Manifest, spin_build};
use std::path::Path;
use std::process::Command;

/// Names no user would give their own functions (a user who added `cube`
/// from the README must still pass this test), in kebab case, so the
/// template's snake_case file names are exercised too.
const NAME: &str = "from-template";
const SUMMARY: &str = "Returns x, scaffolded from the template.";

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
/// and no other file (but its build output, `target/`, and the directories
/// named in `rendered`), but `spin.toml`, which the caller writes.
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
    let kept = ["target", "spin.toml"].iter().chain(rendered);
    for entry in std::fs::read_dir(into).expect("the checkout").flatten() {
        let path = entry.path();
        if !kept.clone().any(|name| entry.file_name() == **name) {
            remove_unlisted(&path, &files);
        }
    }
}

/// Removes `path` if it is a file the repository no longer holds (left by
/// an earlier run: an older layout, an older rendered function), or what
/// such files a directory holds, and the directory if that empties it.
fn remove_unlisted(path: &Path, files: &std::collections::BTreeSet<std::path::PathBuf>) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        for entry in std::fs::read_dir(path).expect("a directory").flatten() {
            remove_unlisted(&entry.path(), files);
        }
        if std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none()) {
            std::fs::remove_dir(path).expect("an empty directory removed");
        }
    } else if !files.contains(path) {
        std::fs::remove_file(path).expect("a stale file removed");
    }
}

#[test]
fn a_function_from_the_template_works_with_the_router_unchanged() {
    let template = repo_root().join("templates/rpc-function-rust");
    let app = repo_root().join("target/template-check");
    checkout(&app, &[NAME]);
    render_tree(&template.join("content"), &app.join(NAME), NAME);

    // `spin add` appends the rendered snippet to spin.toml, and that is all.
    let snippet = std::fs::read_to_string(template.join("metadata/snippets/component.txt"))
        .expect("the snippet");
    let snippet = render(&snippet, NAME);
    assert!(!snippet.contains("{{"), "the snippet renders");
    let shipped = std::fs::read_to_string(manifest_path()).expect("spin.toml");
    let manifest_file = app.join("spin.toml");
    write_if_changed(
        &manifest_file,
        format!("{}\n\n{snippet}", shipped.trim_end()).as_bytes(),
    );

    // `spin build`, then `spin up`.
    let manifest = Manifest::load(&manifest_file).expect("the appended manifest loads");
    spin_build::build(&manifest).expect("the app builds");
    let hosted = HostedApp::serve_file(&manifest_file, &[]);
    assert_eq!(hosted.rpc(NAME, 27)["result"], json!(27));
    assert!(
        harness::registry(&manifest_file)
            .functions()
            .any(|function| function.method == NAME),
        "the snippet registers {NAME}"
    );
    if let Err(problems) = harness::functions::check_manifest(&manifest_file) {
        panic!("the app with {NAME}:\n{problems}");
    }
    let rpc = format!("http://{}/rpc", hosted.address);
    if let Err(problems) = harness::functions::check_served(&manifest_file, &rpc) {
        panic!("the app with {NAME}, served:\n{problems}");
    }
    // The OpenRPC project's own tools take the new function as they take
    // the app's.
    if let Err(problems) = harness::openrpc::tool("check.mjs", &[&rpc]) {
        panic!("the app with {NAME}, to the OpenRPC tools:\n{problems}");
    }
    let (_, document) = hosted.call(
        "/rpc",
        &json!({"jsonrpc": "2.0", "method": "rpc.discover", "id": 1}),
    );
    let document: serde_json::Value = serde_json::from_str(&document).expect("JSON");
    let listed = document["result"]["methods"]
        .as_array()
        .and_then(|methods| methods.iter().find(|method| method["name"] == json!(NAME)))
        .unwrap_or_else(|| panic!("{NAME} is listed: {document}"));
    assert_eq!(listed["summary"], json!(SUMMARY));
}
