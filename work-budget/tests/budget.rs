//! Instrumented modules run on the engine Spin embeds: an endless loop traps,
//! honest work finishes with its own result, the count is exact for code
//! whose every operator runs, bulk operators pay by their length, a memory
//! or a table grows no further than its maximum (in a module with no code
//! too), and a component with a memory or table left without one is
//! refused.

use wasmtime::{Engine, Instance, Module, Ref, Store, Trap};
use work_budget::charges::BYTES_PER_CHARGE;
use work_budget::{check, instrument, limits_of, Limits, DEFAULT_BUDGET, MARKER};

/// The default limits with this budget.
fn budget(budget: i64) -> Limits {
    Limits {
        budget,
        ..Limits::default()
    }
}

/// Counts down from n to 0 in a loop: n iterations of 9 operators (the loop
/// region), plus 5 for the body (`block`, `loop`, `end`, `local.get`, `end`).
/// The global is the module's own, so the budget's global comes after it.
const COUNTDOWN: &str = r#"(module
  (global $calls (mut i32) (i32.const 0))
  (func (export "countdown") (param i32) (result i32)
    block
      loop
        local.get 0
        i32.eqz
        br_if 1
        local.get 0
        i32.const 1
        i32.sub
        local.set 0
        br 0
      end
    end
    global.get $calls))"#;

fn countdown_cost(n: i64) -> i64 {
    9 * n + 9 + 5 // the last pass of the loop runs its region once more
}

fn run(text: &str, budget: i64, export: &str, argument: i32) -> Result<i32, Trap> {
    let wasm = instrument(&wat::parse_str(text).unwrap(), self::budget(budget))
        .unwrap()
        .wasm;
    call(&wasm, export, argument)
}

/// Calls `export` of a fresh instance of `wasm`.
fn call(wasm: &[u8], export: &str, argument: i32) -> Result<i32, Trap> {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let function = instance
        .get_typed_func::<i32, i32>(&mut store, export)
        .unwrap();
    function
        .call(&mut store, argument)
        .map_err(|error| *error.downcast_ref::<Trap>().expect("a trap"))
}

#[test]
fn an_endless_loop_traps_when_the_budget_is_spent() {
    let text = r#"(module (func (export "spin") (param i32) (result i32)
        loop br 0 end
        i32.const 0))"#;
    assert_eq!(
        run(text, 1_000_000, "spin", 0),
        Err(Trap::UnreachableCodeReached)
    );
}

#[test]
fn honest_work_within_the_budget_finishes_with_its_result() {
    assert_eq!(run(COUNTDOWN, 1_000_000, "countdown", 1000), Ok(0));
}

#[test]
fn the_count_is_exact_where_every_operator_runs() {
    let cost = countdown_cost(1000);
    assert_eq!(run(COUNTDOWN, cost, "countdown", 1000), Ok(0));
    assert_eq!(
        run(COUNTDOWN, cost - 1, "countdown", 1000),
        Err(Trap::UnreachableCodeReached)
    );
}

#[test]
fn every_instance_starts_with_the_whole_budget() {
    let budget = countdown_cost(1000);
    let wasm = instrument(&wat::parse_str(COUNTDOWN).unwrap(), self::budget(budget))
        .unwrap()
        .wasm;
    let engine = Engine::default();
    let module = Module::new(&engine, &wasm).unwrap();
    for _ in 0..3 {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let countdown = instance
            .get_typed_func::<i32, i32>(&mut store, "countdown")
            .unwrap();
        assert_eq!(countdown.call(&mut store, 1000).unwrap(), 0);
        // The same instance has nothing left for a second call.
        assert!(countdown.call(&mut store, 1000).is_err());
    }
}

#[test]
fn a_module_without_loops_or_globals_runs() {
    let text = r#"(module (func (export "id") (param i32) (result i32) local.get 0))"#;
    assert_eq!(run(text, 1000, "id", 7), Ok(7));
}

#[test]
fn an_empty_global_section_gets_the_budget_global() {
    use wasm_encoder::{
        CodeSection, ExportKind, ExportSection, Function, FunctionSection, GlobalSection,
        Instruction, TypeSection, ValType,
    };
    // What no text format writes: a global section with no global in it.
    let mut module = wasm_encoder::Module::new();
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    let mut functions = FunctionSection::new();
    functions.function(0);
    let mut exports = ExportSection::new();
    exports.export("id", ExportKind::Func, 0);
    let mut code = CodeSection::new();
    let mut id = Function::new([]);
    id.instruction(&Instruction::LocalGet(0))
        .instruction(&Instruction::End);
    code.function(&id);
    module
        .section(&types)
        .section(&functions)
        .section(&GlobalSection::new())
        .section(&exports)
        .section(&code);
    let wasm = instrument(&module.finish(), budget(1000)).unwrap().wasm;
    assert_eq!(call(&wasm, "id", 7), Ok(7));
}

#[test]
fn calls_are_paid_by_the_callee() {
    // `outer` calls `step` in an endless loop; `step` itself has no loop.
    let text = r#"(module
      (func $step (param i32) (result i32) local.get 0 i32.const 1 i32.add)
      (func (export "outer") (param i32) (result i32)
        loop local.get 0 call $step local.set 0 br 0 end
        local.get 0))"#;
    assert_eq!(
        run(text, 10_000, "outer", 0),
        Err(Trap::UnreachableCodeReached)
    );
}

#[test]
fn an_instrumented_binary_is_refused() {
    let once = instrument(&wat::parse_str(COUNTDOWN).unwrap(), budget(1000)).unwrap();
    let error = instrument(&once.wasm, budget(1000)).err().expect("refused");
    assert!(format!("{error:#}").contains(MARKER), "{error:#}");
}

#[test]
fn a_component_has_each_module_with_code_instrumented() {
    let text = r#"(component
      (core module $code (func (export "f") loop br 0 end))
      (core module $no_code (table 1 funcref))
      (component $nested
        (core module (func (export "g") (param i32) (result i32) local.get 0)))
      (core instance (instantiate $code)))"#;
    let component = wat::parse_str(text).unwrap();
    let instrumented = instrument(&component, budget(1000)).unwrap();
    assert_eq!(
        instrumented.modules, 2,
        "the module with no code only gets its maxima"
    );
    let markers = wasmparser::Parser::new(0)
        .parse_all(&instrumented.wasm)
        .filter(|payload| {
            matches!(payload, Ok(wasmparser::Payload::CustomSection(section)) if section.name() == MARKER)
        })
        .count();
    assert_eq!(markers, 2);
    assert_eq!(limits_of(&instrumented.wasm), Some(budget(1000)));
    assert_eq!(limits_of(&component), None);
}

#[test]
fn what_is_not_wasm_is_refused() {
    assert!(instrument(b"not wasm", budget(1000)).is_err());
    let countdown = wat::parse_str(COUNTDOWN).unwrap();
    assert!(instrument(&countdown, budget(0)).is_err());
    for max_memory in [0, 1000, 65536 + 1] {
        let limits = Limits {
            max_memory,
            ..budget(1000)
        };
        assert!(instrument(&countdown, limits).is_err(), "{max_memory}");
    }
    let no_table = Limits {
        max_table_elements: 0,
        ..budget(1000)
    };
    assert!(instrument(&countdown, no_table).is_err());
}

/// Each bulk operator, run once by `run(n)` with a length of n: the
/// operator's length and what one unit of it costs, in operators.
const BULK: [(&str, &str, i64); 8] = [
    (
        "memory.fill",
        "i32.const 0 i32.const 7 local.get 0 memory.fill",
        1,
    ),
    (
        "memory.copy",
        "i32.const 0 i32.const 8 local.get 0 memory.copy",
        1,
    ),
    (
        "memory.init",
        "i32.const 0 i32.const 0 local.get 0 memory.init $data",
        1,
    ),
    ("memory.grow", "local.get 0 memory.grow drop", 65536),
    (
        "table.fill",
        "i32.const 0 ref.null func local.get 0 table.fill $table",
        0,
    ),
    (
        "table.copy",
        "i32.const 0 i32.const 1 local.get 0 table.copy",
        0,
    ),
    (
        "table.init",
        "i32.const 0 i32.const 0 local.get 0 table.init $elem",
        0,
    ),
    (
        "table.grow",
        "ref.null func local.get 0 table.grow $table drop",
        0,
    ),
];

fn bulk_module(code: &str) -> String {
    format!(
        r#"(module
          (memory 4) (table $table 4096 funcref)
          (data $data "{}")
          (func $f) (elem $elem func {})
          (func (export "run") (param i32) (result i32) {code} i32.const 0))"#,
        "x".repeat(4096),
        "$f ".repeat(4096),
    )
}

#[test]
fn each_bulk_operator_pays_in_proportion_to_its_length() {
    for (name, code, bytes_per_unit) in BULK {
        let module = bulk_module(code);
        // What the length costs: one charge per BYTES_PER_CHARGE bytes, or
        // per element.
        let length: i64 = if bytes_per_unit == 65536 { 2 } else { 4000 };
        let cost = match bytes_per_unit {
            0 => length,
            bytes => length * bytes / BYTES_PER_CHARGE as i64,
        };
        // With a budget of the fixed operators plus the length's cost, the
        // call runs; one charge short of the length's cost, it traps.
        let fixed = 20;
        assert_eq!(
            run(&module, cost + fixed, "run", length as i32),
            Ok(0),
            "{name}({length}) within its budget"
        );
        assert_eq!(
            run(&module, cost - 1, "run", length as i32),
            Err(Trap::UnreachableCodeReached),
            "{name}({length}) past its budget"
        );
        assert_eq!(
            run(&module, fixed, "run", 0),
            Ok(0),
            "{name}(0) costs its operators only"
        );
    }
}

#[test]
fn a_loop_of_bulk_fills_traps_with_the_default_budget() {
    // 16 MiB filled over and over, as `v.fill(i)` in a loop compiles to.
    let text = r#"(module (memory 256)
      (func (export "fill") (param i32) (result i32)
        loop
          i32.const 0 local.get 0 i32.const 16777216 memory.fill
          local.get 0 i32.const 1 i32.add local.set 0
          br 0
        end
        local.get 0))"#;
    assert_eq!(
        run(text, DEFAULT_BUDGET, "fill", 0),
        Err(Trap::UnreachableCodeReached)
    );
}

#[test]
fn a_memory_grows_no_further_than_its_maximum() {
    // memory.grow answers the old size in pages, or -1 when it cannot grow.
    let text = r#"(module (memory 1)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#;
    let limits = Limits {
        max_memory: 4 * 65536,
        ..Limits::default()
    };
    let wasm = instrument(&wat::parse_str(text).unwrap(), limits)
        .unwrap()
        .wasm;
    assert_eq!(call(&wasm, "grow", 3), Ok(1), "to 4 pages: the maximum");
    assert_eq!(call(&wasm, "grow", 4), Ok(-1), "to 5 pages: one past it");
    assert_eq!(call(&wasm, "grow", 16_384), Ok(-1), "to 1 GiB");
    assert_eq!(limits_of(&wasm), Some(limits));
    // A smaller maximum of the module's own is kept.
    let own = r#"(module (memory 1 2)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#;
    let wasm = instrument(&wat::parse_str(own).unwrap(), limits)
        .unwrap()
        .wasm;
    assert_eq!(call(&wasm, "grow", 2), Ok(-1), "past its own maximum");
}

#[test]
fn a_memory_that_starts_over_the_maximum_is_refused() {
    let text = r#"(module (memory 8) (func (export "f")))"#;
    let limits = Limits {
        max_memory: 4 * 65536,
        ..Limits::default()
    };
    let error = instrument(&wat::parse_str(text).unwrap(), limits)
        .err()
        .expect("refused");
    assert!(format!("{error:#}").contains("memory maximum"), "{error:#}");
}

/// The default limits with this table maximum.
fn max_table_elements(max_table_elements: u64) -> Limits {
    Limits {
        max_table_elements,
        ..Limits::default()
    }
}

/// The error `result` holds, with its causes.
fn refusal<T>(result: anyhow::Result<T>) -> String {
    format!("{:#}", result.err().expect("refused"))
}

#[test]
fn a_table_grows_no_further_than_its_maximum() {
    // table.grow answers the old size in elements, or -1 when it cannot grow.
    let text = r#"(module (table 1 funcref)
      (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow 0))"#;
    let limits = max_table_elements(4);
    let wasm = instrument(&wat::parse_str(text).unwrap(), limits)
        .unwrap()
        .wasm;
    assert_eq!(call(&wasm, "grow", 3), Ok(1), "to 4 elements: the maximum");
    assert_eq!(call(&wasm, "grow", 4), Ok(-1), "to 5 elements: one past it");
    assert_eq!(call(&wasm, "grow", 1_000_000), Ok(-1), "to a million");
    assert_eq!(limits_of(&wasm), Some(limits));
    // A smaller maximum of the module's own is kept.
    let own = r#"(module (table 1 2 funcref)
      (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow 0))"#;
    let wasm = instrument(&wat::parse_str(own).unwrap(), limits)
        .unwrap()
        .wasm;
    assert_eq!(call(&wasm, "grow", 1), Ok(1), "to its own maximum");
    assert_eq!(call(&wasm, "grow", 2), Ok(-1), "past its own maximum");
}

#[test]
fn a_table_that_starts_over_the_maximum_is_refused() {
    let text = r#"(module (table 2 funcref) (table 8 funcref) (func (export "f")))"#;
    let error = refusal(instrument(
        &wat::parse_str(text).unwrap(),
        max_table_elements(4),
    ));
    assert!(
        error.contains("table index 1 starts at 8 elements, over the table maximum of 4"),
        "{error}"
    );
    // In a component, the module is named too.
    let component = r#"(component
      (core module (func (export "f")))
      (core module (table 8 funcref)))"#;
    let error = refusal(instrument(
        &wat::parse_str(component).unwrap(),
        max_table_elements(4),
    ));
    assert!(error.contains("core module 2"), "{error}");
    assert!(error.contains("table index 0 starts at 8"), "{error}");
}

#[test]
fn a_module_without_code_gets_its_maxima() {
    // What a component's linker may write: a module that only defines the
    // memory and the table the other modules import.
    let text = r#"(module
      (memory (export "memory") 1)
      (table (export "table") 1 funcref))"#;
    let limits = Limits {
        max_memory: 4 * 65536,
        max_table_elements: 8,
        ..Limits::default()
    };
    let instrumented = instrument(&wat::parse_str(text).unwrap(), limits).unwrap();
    assert_eq!(instrumented.modules, 0, "nothing counts work");
    assert_eq!(limits_of(&instrumented.wasm), None, "no marker: no budget");
    let engine = Engine::default();
    let module = Module::new(&engine, &instrumented.wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert_eq!(memory.ty(&store).maximum(), Some(4));
    assert_eq!(memory.grow(&mut store, 3).ok(), Some(1), "to the maximum");
    assert!(memory.grow(&mut store, 1).is_err(), "one page past it");
    let table = instance.get_table(&mut store, "table").unwrap();
    assert_eq!(table.ty(&store).maximum(), Some(8));
    let null = Ref::Func(None);
    assert_eq!(table.grow(&mut store, 7, null.clone()).ok(), Some(1));
    assert!(table.grow(&mut store, 1, null).is_err(), "one past it");

    // In a component, where the modules with code import them (as most of
    // CPython's import `env.memory`): it instantiates with the maxima.
    let component = format!(
        r#"(component
          {}
          (core module $code
            (import "env" "memory" (memory 1))
            (import "env" "table" (table 1 funcref))
            (func (export "f")))
          (core instance $env (instantiate 0))
          (core instance (instantiate $code (with "env" (instance $env)))))"#,
        text.replacen("(module", "(core module", 1)
    );
    let original = wat::parse_str(&component).unwrap();
    assert!(check(&original, limits).is_err(), "before rewriting");
    let instrumented = instrument(&original, limits).unwrap();
    assert_eq!(instrumented.modules, 1);
    check(&instrumented.wasm, limits).unwrap();
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    let engine = Engine::new(&config).unwrap();
    let component = wasmtime::component::Component::new(&engine, &instrumented.wasm).unwrap();
    let linker = wasmtime::component::Linker::<()>::new(&engine);
    linker
        .instantiate(&mut Store::new(&engine, ()), &component)
        .unwrap();
}

#[test]
fn a_memory_or_table_left_without_a_maximum_is_refused() {
    let limits = Limits {
        max_memory: 4 * 65536,
        max_table_elements: 8,
        ..Limits::default()
    };
    // What no rewrite leaves, but the check refuses all the same.
    let cases = [
        ("(memory 1)", "memory index 0 has no maximum"),
        ("(table 1 funcref)", "table index 0 has no maximum"),
        ("(memory 1 5)", "memory index 0 may grow to 320 KiB"),
        (
            "(table 1 9 funcref)",
            "table index 0 may grow to 9 elements",
        ),
        ("(memory i64 1)", "memory index 0 has no maximum"),
        ("(table i64 1 funcref)", "table index 0 has no maximum"),
    ];
    for (defined, expected) in cases {
        let component = format!(
            r#"(component
              (core module (func (export "f")))
              (core module {defined}))"#
        );
        let error = refusal(check(&wat::parse_str(&component).unwrap(), limits));
        assert!(error.contains("core module 2"), "{defined}: {error}");
        assert!(error.contains(expected), "{defined}: {error}");
        let nested = format!(r#"(component (component (core module {defined})))"#);
        let error = refusal(check(&wat::parse_str(&nested).unwrap(), limits));
        assert!(
            error.contains("component 1, core module 1"),
            "{defined}: {error}"
        );
        // Rewriting gives each its maximum, 64-bit ones too.
        let instrumented = instrument(&wat::parse_str(&component).unwrap(), limits).unwrap();
        check(&instrumented.wasm, limits).unwrap();
        let instrumented = instrument(&wat::parse_str(&nested).unwrap(), limits).unwrap();
        check(&instrumented.wasm, limits).unwrap();
    }
}

#[test]
fn memories_and_tables_from_outside_the_component_are_refused() {
    let limits = Limits::default();
    // A core module the host would give: what it defines has no maximum.
    let imports = [
        ("module", r#"(import "module" (core module))"#),
        ("component", r#"(import "component" (component))"#),
        (
            "instance",
            r#"(import "instance" (instance (export "module" (core module))))"#,
        ),
    ];
    for (name, import) in imports {
        let component = format!(r#"(component {import} (core module (func (export "f"))))"#);
        let error = refusal(instrument(&wat::parse_str(&component).unwrap(), limits));
        assert!(error.contains(&format!("imports {name:?}")), "{error}");
    }
    // Instances of functions, as WASI's, are fine.
    let wasi = r#"(component
      (import "wasi:cli/environment@0.2.0" (instance (export "get-arguments" (func (result (list string))))))
      (core module (func (export "f"))))"#;
    instrument(&wat::parse_str(wasi).unwrap(), limits).unwrap();
    // A module on its own gets an imported memory or table from its host.
    for (import, name) in [
        (r#"(memory (import "env" "memory") 1)"#, "memory env.memory"),
        (
            r#"(table (import "env" "table") 1 funcref)"#,
            "table env.table",
        ),
    ] {
        let module = format!(r#"(module {import} (func (export "f")))"#);
        let error = refusal(instrument(&wat::parse_str(&module).unwrap(), limits));
        assert!(error.contains(&format!("imports {name}")), "{error}");
    }
}
