//! One core module, instrumented: a mutable global holds what is left of the
//! budget, and every region of every function body (see [`crate::charges`])
//! subtracts its charge on entry and traps (`unreachable`) once the global
//! goes below zero. Everything else is copied as it is.

use crate::charges;
use crate::MARKER;
use anyhow::{bail, Context, Result};
use wasm_encoder::reencode::{utils, Error, Reencode};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, CustomSection, Function, GlobalSection, GlobalType,
    Instruction, Module, SectionId, ValType,
};
use wasmparser::{Parser, Payload, TypeRef};

/// What a module holds that decides how it is instrumented.
#[derive(Default)]
struct Shape {
    imported_globals: u32,
    defined_globals: u32,
    has_global_section: bool,
    has_code: bool,
    instrumented: bool,
}

impl Shape {
    fn of(module: &[u8]) -> Result<Shape> {
        let mut shape = Shape::default();
        for payload in Parser::new(0).parse_all(module) {
            match payload? {
                Payload::ImportSection(imports) => {
                    for import in imports.into_imports() {
                        if matches!(import?.ty, TypeRef::Global(_)) {
                            shape.imported_globals += 1;
                        }
                    }
                }
                Payload::GlobalSection(globals) => {
                    shape.has_global_section = true;
                    shape.defined_globals = globals.count();
                }
                Payload::CodeSectionStart { .. } => shape.has_code = true,
                Payload::CustomSection(section) if section.name() == MARKER => {
                    shape.instrumented = true
                }
                _ => {}
            }
        }
        Ok(shape)
    }
}

/// What became of one module.
pub enum Outcome {
    /// Instrumented: the new module's bytes.
    Instrumented(Vec<u8>),
    /// Nothing to instrument: no function bodies (for example a component's
    /// table of trampolines), copied as it is.
    NoCode,
}

/// Instruments one core module with `budget`.
pub fn instrument(module: &[u8], budget: i64) -> Result<Outcome> {
    let shape = Shape::of(module)?;
    if shape.instrumented {
        bail!("already instrumented: it has a `{MARKER}` section (instrument the build's own output, not this tool's)");
    }
    if !shape.has_code {
        return Ok(Outcome::NoCode);
    }
    let mut metering = Metering {
        budget,
        global: shape.imported_globals + shape.defined_globals,
        needs_global_section: !shape.has_global_section,
    };
    let mut encoded = Module::new();
    metering
        .parse_core_module(&mut encoded, Parser::new(0), module)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("re-encoding the module")?;
    Ok(Outcome::Instrumented(encoded.finish()))
}

/// The re-encoder: copies the module, adding the budget global, the charges
/// and the marker section.
struct Metering {
    budget: i64,
    /// The index of the budget global: after every global the module has.
    global: u32,
    /// The module has no global section, so one must be added.
    needs_global_section: bool,
}

impl Metering {
    fn budget_global(&self) -> (GlobalType, ConstExpr) {
        let ty = GlobalType {
            val_type: ValType::I64,
            mutable: true,
            shared: false,
        };
        (ty, ConstExpr::i64_const(self.budget))
    }

    /// `left -= cost; if left < 0 { trap }`
    fn charge(&self, function: &mut Function, cost: u64) {
        let cost = i64::try_from(cost).unwrap_or(i64::MAX);
        function
            .instruction(&Instruction::GlobalGet(self.global))
            .instruction(&Instruction::I64Const(cost))
            .instruction(&Instruction::I64Sub)
            .instruction(&Instruction::GlobalSet(self.global))
            .instruction(&Instruction::GlobalGet(self.global))
            .instruction(&Instruction::I64Const(0))
            .instruction(&Instruction::I64LtS)
            .instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::Unreachable)
            .instruction(&Instruction::End);
    }
}

/// Sections that come after the global section in a module.
fn follows_globals(section: SectionId) -> bool {
    matches!(
        section,
        SectionId::Export
            | SectionId::Start
            | SectionId::Element
            | SectionId::DataCount
            | SectionId::Code
            | SectionId::Data
    )
}

impl Reencode for Metering {
    type Error = std::convert::Infallible;

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_global_section(self, globals, section)?;
        let (ty, init) = self.budget_global();
        globals.global(ty, &init);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), Error<Self::Error>> {
        if self.needs_global_section && before.is_none_or(follows_globals) {
            let mut globals = GlobalSection::new();
            let (ty, init) = self.budget_global();
            globals.global(ty, &init);
            module.section(&globals);
            self.needs_global_section = false;
        }
        if before.is_none() {
            module.section(&CustomSection {
                name: MARKER.into(),
                data: self.budget.to_string().into_bytes().into(),
            });
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        body: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error<Self::Error>> {
        let mut charges = charges::of_body(&body)?.into_iter();
        let mut function = self.new_function_with_parsed_locals(&body)?;
        self.charge(&mut function, charges.next().unwrap_or(0));
        let mut operators = body.get_operators_reader()?;
        while !operators.eof() {
            let operator = operators.read()?;
            let enters_loop = matches!(operator, wasmparser::Operator::Loop { .. });
            function.instruction(&self.instruction(operator)?);
            if enters_loop {
                self.charge(&mut function, charges.next().unwrap_or(0));
            }
        }
        code.function(&function);
        Ok(())
    }
}
