//! A work budget compiled into a Wasm component.
//!
//! Spin does not interrupt a guest that runs forever (its store deadline is
//! "practically forever", spinframework/spin#2137): a function that loops
//! holds one of the runtime's worker threads for good, and as many loops as
//! there are cores stop the whole app. So each function carries its own
//! limit: this tool rewrites every core module of a component so that its
//! code counts what it executes and traps once a budget is spent, on any
//! runtime.
//!
//! The count is in Wasm operators, an upper bound of those executed (see
//! [`charges`]); it starts full in every new instance, and Spin makes one
//! instance per request, so the budget is per request (one list-form inner
//! request shares one budget among its calls). Time spent waiting in the
//! host (a clock, a chained request) is not counted: that is what the
//! router's `call_timeout_ms` is for.
//!
//! Each instrumented module carries a `work-budget` custom section holding
//! its budget; the tool refuses such a module, so a build that runs it twice
//! on one file fails rather than charging twice.

pub mod charges;
mod component;
mod module;

use anyhow::{bail, Result};

/// The custom section that marks an instrumented module.
pub const MARKER: &str = "work-budget";

/// The budget of a function that sets none, in Wasm operators: about 0.4 s
/// of a tight loop on the project's 2-core machine; far more than an honest
/// call needs (`double` about 0.3 M, a batch of 100 about 3 M; the Python
/// `square` about 50 M), and well under the router's default
/// `call_timeout_ms` (5 s), so a function that loops traps and frees its
/// worker thread before the router stops waiting for it.
pub const DEFAULT_BUDGET: i64 = 1_000_000_000;

/// The result of instrumenting a binary.
pub struct Instrumented {
    pub wasm: Vec<u8>,
    /// How many core modules now count their work (modules with no code,
    /// such as a component's trampolines, are copied as they are).
    pub modules: usize,
}

/// Instruments a component (every core module in it) or a core module.
pub fn instrument(wasm: &[u8], budget: i64) -> Result<Instrumented> {
    if budget <= 0 {
        bail!("the budget must be positive, not {budget}");
    }
    let instrumented = if wasmparser::Parser::is_component(wasm) {
        let (wasm, modules) = component::instrument(wasm, budget)?;
        Instrumented { wasm, modules }
    } else if wasmparser::Parser::is_core_wasm(wasm) {
        match module::instrument(wasm, budget)? {
            module::Outcome::Instrumented(wasm) => Instrumented { wasm, modules: 1 },
            module::Outcome::NoCode => Instrumented {
                wasm: wasm.to_vec(),
                modules: 0,
            },
        }
    } else {
        bail!("not a WebAssembly component or module");
    };
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&instrumented.wasm)
        .map_err(|error| anyhow::anyhow!("the instrumented binary does not validate: {error}"))?;
    Ok(instrumented)
}

/// The budget compiled into `wasm`: the one its first instrumented module
/// carries, or `None` where no module is instrumented.
pub fn budget_of(wasm: &[u8]) -> Option<i64> {
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .find_map(|payload| match payload {
            Ok(wasmparser::Payload::CustomSection(section)) if section.name() == MARKER => {
                std::str::from_utf8(section.data()).ok()?.parse().ok()
            }
            _ => None,
        })
}
