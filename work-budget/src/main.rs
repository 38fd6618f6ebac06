//! `work-budget`: a step of a function's build (its command in `spin.toml`).
//!
//! ```text
//! work-budget [--budget OPERATORS] INPUT.wasm OUTPUT.wasm
//! ```
//!
//! Writes a copy of the component INPUT whose code traps once it has run
//! OPERATORS Wasm operators in one instance (default: [`DEFAULT_BUDGET`]).
//! The output is a separate file, so running the build again instruments
//! the compiler's fresh output, never its own.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use work_budget::{instrument, DEFAULT_BUDGET};

const USAGE: &str = "usage: work-budget [--budget OPERATORS] INPUT.wasm OUTPUT.wasm";

fn main() -> Result<()> {
    let mut budget = DEFAULT_BUDGET;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--budget" => {
                let value = args.next().context(USAGE)?;
                budget = parse_budget(&value)?;
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ => files.push(arg.into()),
        }
    }
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
        instrument(&wasm, budget).with_context(|| format!("instrumenting {}", input.display()))?;
    std::fs::write(output, &instrumented.wasm)
        .with_context(|| format!("writing {}", output.display()))?;
    eprintln!(
        "work-budget: {} -> {}: {} core module(s), budget {budget} operators, {} -> {} KiB",
        input.display(),
        output.display(),
        instrumented.modules,
        wasm.len() / 1024,
        instrumented.wasm.len() / 1024,
    );
    Ok(())
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
