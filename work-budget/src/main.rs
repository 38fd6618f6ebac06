//! `work-budget`: a step of a function's build (its command in `spin.toml`).
//!
//! ```text
//! work-budget [--budget OPERATORS] [--max-memory SIZE] [--max-table-elements N]
//!             INPUT.wasm OUTPUT.wasm
//! ```
//!
//! Writes a copy of the component INPUT whose code traps once it has run
//! OPERATORS Wasm operators in one instance (default: [`DEFAULT_BUDGET`]),
//! whose memories grow to SIZE at most (`64MiB`, `512KiB`, `1GiB` or
//! bytes; default: [`DEFAULT_MAX_MEMORY`]), and whose tables to N elements
//! at most (default: [`DEFAULT_MAX_TABLE_ELEMENTS`]). A component in which
//! some memory or table would be left without such a maximum is refused.
//! The output is a separate file, so running the build again instruments
//! the compiler's fresh output, never its own.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use work_budget::{instrument, Limits};
#[cfg(doc)]
use work_budget::{DEFAULT_BUDGET, DEFAULT_MAX_MEMORY, DEFAULT_MAX_TABLE_ELEMENTS};

const USAGE: &str = "usage: work-budget [--budget OPERATORS] [--max-memory SIZE] \
                     [--max-table-elements N] INPUT.wasm OUTPUT.wasm";

fn main() -> Result<()> {
    let Some((limits, files)) = parse_args()? else {
        println!("{USAGE}");
        return Ok(());
    };
    let [input, output] = files.as_slice() else {
        bail!(USAGE);
    };
    if input == output {
        bail!(
            "the output must be a separate file from the input ({})",
            input.display()
        );
    }
    let wasm = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let instrumented =
        instrument(&wasm, limits).with_context(|| format!("instrumenting {}", input.display()))?;
    std::fs::write(output, &instrumented.wasm)
        .with_context(|| format!("writing {}", output.display()))?;
    eprintln!(
        "work-budget: {} -> {}: {} core module(s), budget {} operators, memory at most {} KiB, \
         tables at most {} elements, {} -> {} KiB",
        input.display(),
        output.display(),
        instrumented.modules,
        limits.budget,
        limits.max_memory / 1024,
        limits.max_table_elements,
        wasm.len() / 1024,
        instrumented.wasm.len() / 1024,
    );
    Ok(())
}

/// The limits and the files named on the command line; `None` for `--help`.
fn parse_args() -> Result<Option<(Limits, Vec<PathBuf>)>> {
    let mut limits = Limits::default();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--budget" => limits.budget = parse_budget(&args.next().context(USAGE)?)?,
            "--max-memory" => limits.max_memory = parse_size(&args.next().context(USAGE)?)?,
            "--max-table-elements" => {
                limits.max_table_elements = parse_elements(&args.next().context(USAGE)?)?;
            }
            "--help" | "-h" => return Ok(None),
            _ => files.push(arg.into()),
        }
    }
    Ok(Some((limits, files)))
}

/// A positive count of operators; `_` may group digits (`1_000_000_000`).
fn parse_budget(value: &str) -> Result<i64> {
    match value.replace('_', "").parse::<i64>() {
        Ok(budget) if budget > 0 => Ok(budget),
        _ => bail!(
            "--budget: {value:?} is not a positive number of operators (at most {})",
            i64::MAX
        ),
    }
}

/// A positive count of table elements; `_` may group digits.
fn parse_elements(value: &str) -> Result<u64> {
    match value.replace('_', "").parse::<u64>() {
        Ok(elements) if elements > 0 => Ok(elements),
        _ => bail!("--max-table-elements: {value:?} is not a positive number of elements"),
    }
}

/// A size in bytes: a whole number, optionally with `KiB`, `MiB` or `GiB`.
fn parse_size(value: &str) -> Result<u64> {
    let (number, unit) = match value.find(|c: char| !c.is_ascii_digit() && c != '_') {
        Some(at) => value.split_at(at),
        None => (value, ""),
    };
    let scale: u64 = match unit {
        "" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        _ => bail!("--max-memory: {value:?}: the unit is KiB, MiB or GiB (or none, for bytes)"),
    };
    match number
        .replace('_', "")
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
    {
        Some(bytes) if bytes > 0 => Ok(bytes),
        _ => bail!("--max-memory: {value:?} is not a positive size"),
    }
}
