//! The interfaces of Spin's platform world this host implements, and trap
//! stubs for the rest.
//!
//! Spin implements its whole platform world (key-value, SQLite, Redis, LLM,
//! wasi:config...). This host implements what this app's components use:
//! WASI 0.2 (cli, io, clocks, random, filesystem, sockets, http),
//! `fermyon:spin/variables`, and `wasi:keyvalue`'s store and atomics. A
//! component built against the whole world, as componentize-py builds them,
//! must still load: every other import is defined here as functions that
//! trap when called.

use anyhow::Result;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Linker, ResourceType};
use wasmtime::Engine;

/// The packages and interfaces implemented by this host, without versions.
const IMPLEMENTED: &[&str] = &[
    "wasi:cli/",
    "wasi:io/",
    "wasi:clocks/",
    "wasi:random/",
    "wasi:filesystem/",
    "wasi:sockets/",
    "wasi:http/types",
    "wasi:http/outgoing-handler",
    "fermyon:spin/variables",
    "wasi:keyvalue/store",
    "wasi:keyvalue/atomics",
];

fn implemented(import: &str) -> bool {
    IMPLEMENTED.iter().any(|prefix| import.starts_with(prefix))
}

/// Defines, in `linker`, a trapping stub for every import of `component`
/// that this host does not implement (and that is not defined already).
pub fn stub_unimplemented<T: 'static>(
    linker: &mut Linker<T>,
    engine: &Engine,
    component: &Component,
) -> Result<()> {
    for (name, item) in component.component_type().imports(engine) {
        let ComponentItem::ComponentInstance(instance) = item else {
            continue;
        };
        if implemented(name) {
            continue;
        }
        let mut stub = match linker.instance(name) {
            Ok(stub) => stub,
            // Stubbed already for an earlier component.
            Err(_) => continue,
        };
        for (export, item) in instance.exports(engine) {
            let qualified = format!("{name}#{export}");
            match item {
                ComponentItem::ComponentFunc(_) => stub.func_new(export, move |_, _, _, _| {
                    wasmtime::bail!(
                        "`{qualified}` is not implemented by this host (Spin implements it)"
                    )
                })?,
                ComponentItem::Resource(_) => {
                    let shared = crate::key_value::shared_resource(name, export);
                    let resource = shared.unwrap_or(ResourceType::host::<()>());
                    stub.resource(export, resource, |_, _| Ok(()))?
                }
                _ => {}
            }
        }
    }
    Ok(())
}
