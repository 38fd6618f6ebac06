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
//! Every memory and every table a module defines also gets a maximum size
//! (modules with no code too), so that an allocation past it fails inside
//! the function (Rust's allocator then aborts: a trap) on any runtime,
//! rather than growing the instance to the 4 GiB Spin allows by default, or
//! a table to what the runtime's allocator happens to cap. After rewriting,
//! [`check`] makes sure nothing was left without one: every memory and table
//! the component can reach is defined by one of its own modules, with a
//! maximum within the limits.
//!
//! Each instrumented module carries a `work-budget` custom section holding
//! the limits; the tool refuses such a module, so a build that runs it twice
//! on one file fails rather than charging twice.

mod bounds;
pub mod charges;
mod component;
mod module;

use anyhow::{bail, Context, Result};

/// The custom section that marks an instrumented module.
pub const MARKER: &str = "work-budget";

/// The budget of a function that sets none, in Wasm operators: about 0.4 s
/// of a tight loop on the project's 2-core machine; far more than an honest
/// call needs (`double` about 0.3 M, a batch of 100 about 3 M; a Python or
/// JavaScript function's templates compile in budgets of their own), and
/// well under the router's default
/// `call_timeout_ms` (5 s), so a function that loops traps and frees its
/// worker thread before the router stops waiting for it.
pub const DEFAULT_BUDGET: i64 = 1_000_000_000;

/// The memory maximum of a function that sets none, in bytes: 64 MiB. An
/// instance of `double`, `divide` or the template's function starts at
/// about 1.1 MiB and a batch of 100 calls takes it to about 1.3 MiB (see
/// docs/work-budget.md); 64 MiB leaves room for honest work on large
/// params while 4 instances at their maximum stay within a SpinKube pod's
/// 512 MiB.
pub const DEFAULT_MAX_MEMORY: u64 = 64 * 1024 * 1024;

/// The table maximum of a function that sets none, in elements. The
/// Rust functions' tables hold 101 to 214, CPython's in a Python function
/// 5,658, a JavaScript function's from componentize-js 7,688, and none of
/// them grows (docs/work-budget.md); 20,000 leaves room above those, and is
/// what the project's host's pooling allocator holds per table anyway.
pub const DEFAULT_MAX_TABLE_ELEMENTS: u64 = 20_000;

/// What a function may take in one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wasm operators (see [`charges`]).
    pub budget: i64,
    /// The largest size of each memory, in bytes (a whole number of 64 KiB
    /// pages).
    pub max_memory: u64,
    /// The largest size of each table, in elements.
    pub max_table_elements: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            budget: DEFAULT_BUDGET,
            max_memory: DEFAULT_MAX_MEMORY,
            max_table_elements: DEFAULT_MAX_TABLE_ELEMENTS,
        }
    }
}

impl Limits {
    /// The text of the marker section.
    fn to_marker(self) -> String {
        format!(
            "budget={} max_memory={} max_table_elements={}",
            self.budget, self.max_memory, self.max_table_elements
        )
    }

    /// The limits a marker holds; `None` where one is missing (an older
    /// build's marker has no table maximum, and its tables have none).
    fn from_marker(text: &str) -> Option<Limits> {
        let mut limits = Limits::default();
        let (mut budget, mut max_memory, mut max_table_elements) = (false, false, false);
        for field in text.split_whitespace() {
            match field.split_once('=')? {
                ("budget", value) => (limits.budget, budget) = (value.parse().ok()?, true),
                ("max_memory", value) => {
                    (limits.max_memory, max_memory) = (value.parse().ok()?, true)
                }
                ("max_table_elements", value) => {
                    (limits.max_table_elements, max_table_elements) = (value.parse().ok()?, true)
                }
                _ => return None,
            }
        }
        (budget && max_memory && max_table_elements).then_some(limits)
    }

    fn refuse_invalid(self) -> Result<()> {
        if self.budget <= 0 {
            bail!("the budget must be positive, not {}", self.budget);
        }
        if self.max_memory < module::PAGE_BYTES
            || !self.max_memory.is_multiple_of(module::PAGE_BYTES)
        {
            bail!(
                "the memory maximum must be a whole number of 64 KiB pages, not {} bytes",
                self.max_memory
            );
        }
        if self.max_table_elements == 0 {
            bail!("the table maximum must be at least one element");
        }
        Ok(())
    }
}

/// The result of instrumenting a binary.
pub struct Instrumented {
    pub wasm: Vec<u8>,
    /// How many core modules now count their work (modules with no code,
    /// such as a component's trampolines, only get their maxima).
    pub modules: usize,
}

/// Instruments a component (every core module in it) or a core module, and
/// [`check`]s the result.
pub fn instrument(wasm: &[u8], limits: Limits) -> Result<Instrumented> {
    limits.refuse_invalid()?;
    let instrumented = if wasmparser::Parser::is_component(wasm) {
        let (wasm, modules) = component::instrument(wasm, limits)?;
        Instrumented { wasm, modules }
    } else if wasmparser::Parser::is_core_wasm(wasm) {
        match module::instrument(wasm, limits)? {
            module::Outcome::Instrumented(wasm) => Instrumented { wasm, modules: 1 },
            module::Outcome::NoCode(wasm) => Instrumented { wasm, modules: 0 },
        }
    } else {
        bail!("not a WebAssembly component or module");
    };
    let types =
        validate(&instrumented.wasm).context("the instrumented binary does not validate")?;
    bounds::check(&instrumented.wasm, &types, limits)?;
    Ok(instrumented)
}

/// Checks that every memory and table `wasm` can reach has a maximum within
/// `limits`: each is defined by one of its own core modules (imports between
/// them are fine) with a maximum, and nothing comes from outside (a core
/// module or component the component imports, a memory or table a lone core
/// module imports), where no maximum is compiled in. [`instrument`] checks
/// its output so; an error names the module and the memory or table.
pub fn check(wasm: &[u8], limits: Limits) -> Result<()> {
    limits.refuse_invalid()?;
    let types = validate(wasm)?;
    bounds::check(wasm, &types, limits)
}

fn validate(wasm: &[u8]) -> Result<wasmparser::types::Types> {
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(wasm)
        .map_err(|error| anyhow::anyhow!("{error}"))
}

/// The limits compiled into `wasm`: those its first instrumented module
/// carries, or `None` where no module is instrumented.
pub fn limits_of(wasm: &[u8]) -> Option<Limits> {
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .find_map(|payload| match payload {
            Ok(wasmparser::Payload::CustomSection(section)) if section.name() == MARKER => {
                Limits::from_marker(std::str::from_utf8(section.data()).ok()?)
            }
            _ => None,
        })
}
