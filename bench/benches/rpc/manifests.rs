//! The manifests the targets are served from: the project's own, and those
//! the benchmark derives from them, written under `target/bench/`.

use bench::entries::Manifest;
use harness::{build_app, manifest_path, polyglot_manifest_path, repo_root};
use spin_host::spin_build;
use std::path::{Path, PathBuf};

/// Builds every component the manifests serve: the app's and the polyglot
/// example's, and the bare chain's.
pub fn build() {
    build_app();
    let bare_chain =
        spin_host::manifest::Manifest::load(&bare_chain()).expect("the bare chain's manifest");
    spin_build::build(&bare_chain).expect("the bare chain builds");
}

/// Where `manifest` is, written there first if the benchmark derives it.
pub fn path(manifest: Manifest) -> PathBuf {
    match manifest {
        Manifest::App => manifest_path(),
        Manifest::Unbudgeted => unbudgeted(),
        Manifest::Polyglot => polyglot_manifest_path(),
        Manifest::BareChain => bare_chain(),
        Manifest::BareChainWithVariables => bare_chain_with_variables(),
        Manifest::Direct => direct(),
    }
}

/// Where the Rust components are built.
pub fn release_dir() -> PathBuf {
    repo_root().join("target/wasm32-wasip2/release")
}

/// The app's manifest with each function as the compiler left it: every
/// `X.budgeted.wasm` source (what `work-budget` wrote) replaced by the
/// `X.wasm` it was made from.
fn unbudgeted() -> PathBuf {
    variant(
        &manifest_path(),
        "unbudgeted",
        |_| {},
        |source| source.replace(".budgeted.wasm", ".wasm"),
    )
}

/// The floor of a chain (see `bench/bare-chain/spin.toml`).
fn bare_chain() -> PathBuf {
    repo_root().join("bench/bare-chain/spin.toml")
}

/// The floor of a chain with the shipped app's `[variables]` declared and
/// read by nothing.
fn bare_chain_with_variables() -> PathBuf {
    let shipped = std::fs::read_to_string(manifest_path()).expect("spin.toml");
    let shipped: toml::Table = toml::from_str(&shipped).expect("spin.toml parses");
    let declare = |manifest: &mut toml::Table| {
        manifest.insert("variables".into(), shipped["variables"].clone());
    };
    variant(
        &bare_chain(),
        "bare-chain-with-variables",
        declare,
        str::to_owned,
    )
}

/// A copy of the manifest at `original`, changed by `change`, written as
/// `target/bench/<name>.spin.toml`: each component's source rewritten by
/// `source` and made absolute, and no build commands (the benchmark builds
/// the originals).
fn variant(
    original: &Path,
    name: &str,
    change: impl FnOnce(&mut toml::Table),
    source: impl Fn(&str) -> String,
) -> PathBuf {
    let text = std::fs::read_to_string(original).expect("a manifest");
    let mut manifest: toml::Table = toml::from_str(&text).expect("the manifest parses");
    change(&mut manifest);
    let dir = original.parent().expect("a parent");
    let components = manifest
        .get_mut("component")
        .and_then(toml::Value::as_table_mut)
        .expect("components");
    for (_, component) in components.iter_mut() {
        let Some(component) = component.as_table_mut() else {
            continue;
        };
        component.remove("build");
        let file = source(component["source"].as_str().expect("a source file"));
        component["source"] = toml::Value::String(dir.join(file).display().to_string());
    }
    written(
        &format!("{name}.spin.toml"),
        toml::to_string(&manifest).expect("TOML"),
    )
}

/// One component per public route, no router and no chain: the least any
/// Spin app costs (`/bare-double`, the bare chain's `double`), and the
/// app's `double` as served (`/double`, answering the inner format).
fn direct() -> PathBuf {
    let source = |file: &str| format!("{:?}", release_dir().join(file).display().to_string());
    let text = format!(
        "spin_manifest_version = 2\n[application]\nname = \"direct\"\n\
         [[trigger.http]]\nroute = \"/bare-double\"\ncomponent = \"bare-double\"\n\
         [[trigger.http]]\nroute = \"/double\"\ncomponent = \"double\"\n\
         [component.bare-double]\nsource = {}\n\
         [component.double]\nsource = {}\n",
        source("bare_double.wasm"),
        source("double.budgeted.wasm"),
    );
    written("direct.spin.toml", text)
}

/// `text` written as `target/bench/<file>`: its path.
fn written(file: &str, text: String) -> PathBuf {
    let path = repo_root().join("target/bench").join(file);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("target/bench");
    std::fs::write(&path, text).expect("writing a manifest under target/bench");
    path
}
