//! A component, walked section by section: each core module it defines (at
//! any depth of nesting) is instrumented (one with no code only gets its
//! maxima), every other section is copied byte for byte, so nothing of the
//! component's own structure changes.

use crate::module::{self, Outcome};
use crate::Limits;
use anyhow::{Context, Result};
use wasm_encoder::{Component, ComponentSectionId, NestedComponentSection, RawSection};
use wasmparser::{Chunk, Parser, Payload};

/// Instruments every core module of `component` with `limits`; returns the new component
/// and how many modules were instrumented.
pub fn instrument(component: &[u8], limits: Limits) -> Result<(Vec<u8>, usize)> {
    let mut encoded = Component::new();
    let count = walk(component, "", limits, &mut encoded)?;
    Ok((encoded.finish(), count))
}

/// `place` names where `data` is, for errors: "" for the outermost
/// component, "component 2, " for the second one nested in it.
fn walk(data: &[u8], place: &str, limits: Limits, encoded: &mut Component) -> Result<usize> {
    let mut parser = Parser::new(0);
    let mut remaining = data;
    let (mut modules, mut components, mut instrumented) = (0, 0, 0);
    while !remaining.is_empty() {
        let Chunk::Parsed { consumed, payload } = parser.parse(remaining, true)? else {
            unreachable!("the whole input is given at once");
        };
        remaining = &remaining[consumed..];
        match payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::ModuleSection {
                unchecked_range: range,
                ..
            } => {
                remaining = &remaining[range.len()..];
                modules += 1;
                let module = module::instrument(&data[range], limits)
                    .with_context(|| format!("{place}core module {modules}"))?;
                if let Outcome::Instrumented(_) = module {
                    instrumented += 1;
                }
                encoded.section(&RawSection {
                    id: ComponentSectionId::CoreModule as u8,
                    data: module.bytes(),
                });
            }
            Payload::ComponentSection {
                unchecked_range: range,
                ..
            } => {
                remaining = &remaining[range.len()..];
                components += 1;
                let place = format!("{place}component {components}, ");
                let mut nested = Component::new();
                instrumented += walk(&data[range], &place, limits, &mut nested)?;
                encoded.section(&NestedComponentSection(&nested));
            }
            other => {
                let (id, range) = other
                    .as_section()
                    .context("a component payload that is not a section")?;
                encoded.section(&RawSection {
                    id,
                    data: &data[range],
                });
            }
        }
    }
    Ok(instrumented)
}
