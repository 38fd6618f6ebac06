//! The check after rewriting: every memory and table a binary can reach has
//! a maximum within the limits.
//!
//! In a component, core memories and tables come only from core modules:
//! a module defines them, and other modules import them from its instance
//! (most of CPython's modules import `env.memory`). So it is enough that
//! every module the component holds (at any depth of nesting) gives each
//! memory and table it defines a maximum, and that the component takes no
//! core module or component from outside: the memories and tables those
//! define are defined by no module of this component, and get no maximum.
//! Nested components import only what the enclosing one gives them.

use crate::module;
use crate::Limits;
use anyhow::{bail, Context, Result};
use wasmparser::component_types::ComponentEntityType;
use wasmparser::types::Types;
use wasmparser::{Chunk, Parser, Payload};

/// Checks `wasm` (a component or a core module), whose validation gave
/// `types`, against `limits`.
pub fn check(wasm: &[u8], types: &Types, limits: Limits) -> Result<()> {
    if Parser::is_component(wasm) {
        walk(wasm, "", Some(types), limits)
    } else {
        module::check_maxima(wasm, limits, true)
    }
}

/// Checks every core module of a component, and its imports where `types`
/// (those of the outermost component) are given.
fn walk(data: &[u8], place: &str, types: Option<&Types>, limits: Limits) -> Result<()> {
    let mut parser = Parser::new(0);
    let mut remaining = data;
    let (mut modules, mut components) = (0, 0);
    while !remaining.is_empty() {
        let Chunk::Parsed { consumed, payload } = parser.parse(remaining, true)? else {
            unreachable!("the whole input is given at once");
        };
        remaining = &remaining[consumed..];
        match payload {
            Payload::ModuleSection {
                unchecked_range: range,
                ..
            } => {
                remaining = &remaining[range.len()..];
                modules += 1;
                module::check_maxima(&data[range], limits, false)
                    .with_context(|| format!("{place}core module {modules}"))?;
            }
            Payload::ComponentSection {
                unchecked_range: range,
                ..
            } => {
                remaining = &remaining[range.len()..];
                components += 1;
                let nested = format!("{place}component {components}, ");
                walk(&data[range], &nested, None, limits)?;
            }
            Payload::ComponentImportSection(imports) => {
                let Some(types) = types else { continue };
                for import in imports {
                    let name = import?.name.0;
                    if types
                        .component_entity_type_of_import(name)
                        .is_some_and(|entity| holds_code(types, entity))
                    {
                        bail!(
                            "the component imports {name:?}, which holds a core module or a \
                             component: the memories and tables it defines are defined by no \
                             module of this component, so they have no maximum"
                        );
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether an import is, or exports, a core module or a component.
fn holds_code(types: &Types, entity: ComponentEntityType) -> bool {
    match entity {
        ComponentEntityType::Module(_) | ComponentEntityType::Component(_) => true,
        ComponentEntityType::Instance(instance) => types[instance]
            .exports
            .values()
            .any(|&export| holds_code(types, export)),
        _ => false,
    }
}
