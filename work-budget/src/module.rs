//! One core module, instrumented: a mutable global holds what is left of the
//! budget, and every region of every function body (see [`crate::charges`])
//! subtracts its charge on entry and traps (`unreachable`) once the global
//! goes below zero; a bulk operator also pays for its length just before it
//! runs. Every memory and table the module defines gets the maximum size it
//! was given, in a module with no code too (which gets nothing else).
//! Everything else is copied as it is.

use crate::charges::{self, LengthType, Unit, BYTES_PER_CHARGE};
use crate::{Limits, MARKER};
use anyhow::{bail, Context, Result};
use wasm_encoder::reencode::{utils, Error, Reencode};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, CustomSection, Function, GlobalSection, GlobalType,
    Instruction, MemorySection, Module, SectionId, TableSection, ValType,
};
use wasmparser::{
    CompositeInnerType, Import, MemoryType, Parser, Payload, RecGroup, TableType, TypeRef,
};

/// The size of a Wasm memory page.
pub const PAGE_BYTES: u64 = 64 * 1024;

/// What a module holds that decides how it is instrumented.
#[derive(Default)]
struct Shape {
    imported_globals: u32,
    defined_globals: u32,
    has_global_section: bool,
    has_code: bool,
    instrumented: bool,
    /// Whether each memory (imported ones first) is 64-bit.
    memory64: Vec<bool>,
    /// Whether each table (imported ones first) is 64-bit.
    table64: Vec<bool>,
    /// The number of parameters of each type (0 for a type that is not a
    /// function's), by type index.
    params: Vec<u32>,
    /// The type of each function the module defines, in order.
    defined_functions: Vec<u32>,
    /// The name of each memory the module imports, in order.
    imported_memories: Vec<String>,
    /// The name of each table the module imports, in order.
    imported_tables: Vec<String>,
    /// Each memory the module defines, in order (after the imported ones).
    defined_memories: Vec<MemoryType>,
    /// Each table the module defines, in order (after the imported ones).
    defined_tables: Vec<TableType>,
}

impl Shape {
    fn of(module: &[u8]) -> Result<Shape> {
        let mut shape = Shape::default();
        for payload in Parser::new(0).parse_all(module) {
            match payload? {
                Payload::TypeSection(types) => {
                    for group in types {
                        shape.add_types(group?)
                    }
                }
                Payload::ImportSection(imports) => {
                    for import in imports.into_imports() {
                        shape.add_import(import?)
                    }
                }
                Payload::FunctionSection(functions) => {
                    for ty in functions {
                        shape.defined_functions.push(ty?);
                    }
                }
                Payload::MemorySection(memories) => {
                    for memory in memories {
                        let memory = memory?;
                        shape.memory64.push(memory.memory64);
                        shape.defined_memories.push(memory);
                    }
                }
                Payload::TableSection(tables) => {
                    for table in tables {
                        let table = table?.ty;
                        shape.table64.push(table.table64);
                        shape.defined_tables.push(table);
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

    /// The number of params of each type of a recursion group.
    fn add_types(&mut self, group: RecGroup) {
        for ty in group.into_types() {
            self.params.push(match &ty.composite_type.inner {
                CompositeInnerType::Func(func) => func.params().len() as u32,
                _ => 0,
            });
        }
    }

    /// What an import adds to the index spaces the instrumentation shifts.
    fn add_import(&mut self, import: Import) {
        let name = || format!("{}.{}", import.module, import.name);
        match import.ty {
            TypeRef::Global(_) => self.imported_globals += 1,
            TypeRef::Memory(memory) => {
                self.memory64.push(memory.memory64);
                self.imported_memories.push(name());
            }
            TypeRef::Table(table) => {
                self.table64.push(table.table64);
                self.imported_tables.push(name());
            }
            _ => {}
        }
    }

    /// Each memory the module defines, with its index (imported ones first).
    fn indexed_memories(&self) -> impl Iterator<Item = (usize, &MemoryType)> {
        (self.imported_memories.len()..).zip(&self.defined_memories)
    }

    /// Each table the module defines, with its index (imported ones first).
    fn indexed_tables(&self) -> impl Iterator<Item = (usize, &TableType)> {
        (self.imported_tables.len()..).zip(&self.defined_tables)
    }
}

/// The size in bytes of `pages` pages of `memory` (whose pages may be
/// smaller than 64 KiB, with the custom page sizes proposal).
fn memory_bytes(memory: &MemoryType, pages: u64) -> u64 {
    pages.saturating_mul(1 << memory.page_size_log2.unwrap_or(16))
}

/// The maximum `memory` gets, in its own pages: its own maximum, if smaller,
/// or the limit (but no more than a 32-bit memory can address).
fn memory_maximum(memory: &MemoryType, limits: Limits) -> u64 {
    let page_bits = memory.page_size_log2.unwrap_or(16);
    let addressable = if memory.memory64 {
        u64::MAX >> page_bits
    } else {
        (1 << 32) >> page_bits
    };
    memory
        .maximum
        .unwrap_or(u64::MAX)
        .min(limits.max_memory >> page_bits)
        .min(addressable)
}

/// The maximum `table` gets, in elements: its own maximum, if smaller, or
/// the limit (but no more than a 32-bit table can index).
fn table_maximum(table: &TableType, limits: Limits) -> u64 {
    let addressable = if table.table64 {
        u64::MAX
    } else {
        u32::MAX.into()
    };
    table
        .maximum
        .unwrap_or(u64::MAX)
        .min(limits.max_table_elements)
        .min(addressable)
}

/// What became of one module.
pub enum Outcome {
    /// Instrumented: the new module's bytes.
    Instrumented(Vec<u8>),
    /// Nothing to instrument: no function bodies (for example a component's
    /// table of trampolines, or a module that only defines the memory and
    /// table other modules import); only its memories and tables got their
    /// maxima.
    NoCode(Vec<u8>),
}

impl Outcome {
    /// The module's bytes, instrumented or not.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Outcome::Instrumented(module) | Outcome::NoCode(module) => module,
        }
    }
}

/// Instruments one core module with `limits`.
pub fn instrument(module: &[u8], limits: Limits) -> Result<Outcome> {
    let shape = Shape::of(module)?;
    if shape.instrumented {
        bail!("already instrumented: it has a `{MARKER}` section (instrument the build's own output, not this tool's)");
    }
    refuse_what_starts_over_its_maximum(&shape, limits)?;
    let mut encoded = Module::new();
    if !shape.has_code {
        Bounding { limits }
            .parse_core_module(&mut encoded, Parser::new(0), module)
            .map_err(|error| anyhow::anyhow!("{error}"))
            .context("re-encoding the module")?;
        return Ok(Outcome::NoCode(encoded.finish()));
    }
    let mut metering = Metering {
        limits,
        global: shape.imported_globals + shape.defined_globals,
        needs_global_section: !shape.has_global_section,
        next_body: 0,
        shape,
    };
    metering
        .parse_core_module(&mut encoded, Parser::new(0), module)
        .map_err(|error| anyhow::anyhow!("{error}"))
        .context("re-encoding the module")?;
    Ok(Outcome::Instrumented(encoded.finish()))
}

fn refuse_what_starts_over_its_maximum(shape: &Shape, limits: Limits) -> Result<()> {
    for (index, memory) in shape.indexed_memories() {
        if memory.initial > memory_maximum(memory, limits) {
            bail!(
                "its memory index {index} starts at {} KiB, over the memory maximum of {} KiB",
                memory_bytes(memory, memory.initial) / 1024,
                limits.max_memory / 1024
            );
        }
    }
    for (index, table) in shape.indexed_tables() {
        if table.initial > table_maximum(table, limits) {
            bail!(
                "its table index {index} starts at {} elements, over the table maximum of {} elements",
                table.initial,
                limits.max_table_elements
            );
        }
    }
    Ok(())
}

/// Checks, after rewriting, that every memory and table `module` defines has
/// a maximum within `limits`; with `alone`, that it imports none either (a
/// module on its own gets them from its host, where no maximum is compiled
/// in; a component's modules import them from one another).
pub fn check_maxima(module: &[u8], limits: Limits, alone: bool) -> Result<()> {
    let shape = Shape::of(module)?;
    if alone {
        if let Some(name) = shape.imported_memories.first() {
            bail!("it imports memory {name}: on its own, it gets it from its host, with no maximum compiled in");
        }
        if let Some(name) = shape.imported_tables.first() {
            bail!("it imports table {name}: on its own, it gets it from its host, with no maximum compiled in");
        }
    }
    for (index, memory) in shape.indexed_memories() {
        let Some(maximum) = memory.maximum else {
            bail!("its memory index {index} has no maximum");
        };
        let bytes = memory_bytes(memory, maximum);
        if bytes > limits.max_memory {
            bail!(
                "its memory index {index} may grow to {} KiB, over the memory maximum of {} KiB",
                bytes / 1024,
                limits.max_memory / 1024
            );
        }
    }
    for (index, table) in shape.indexed_tables() {
        let Some(maximum) = table.maximum else {
            bail!("its table index {index} has no maximum");
        };
        if maximum > limits.max_table_elements {
            bail!(
                "its table index {index} may grow to {maximum} elements, over the table maximum of {} elements",
                limits.max_table_elements
            );
        }
    }
    Ok(())
}

/// The re-encoder of a module with no code: copies it, giving each memory
/// and table it defines its maximum.
struct Bounding {
    limits: Limits,
}

impl Reencode for Bounding {
    type Error = std::convert::Infallible;

    fn parse_memory_section(
        &mut self,
        memories: &mut MemorySection,
        section: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        bound_memories(self, self.limits, memories, section)
    }

    fn parse_table(
        &mut self,
        tables: &mut TableSection,
        table: wasmparser::Table<'_>,
    ) -> Result<(), Error<Self::Error>> {
        bound_table(self, self.limits, tables, table)
    }
}

/// Copies a memory section, each memory with its maximum.
fn bound_memories<R: Reencode>(
    reencoder: &mut R,
    limits: Limits,
    memories: &mut MemorySection,
    section: wasmparser::MemorySectionReader<'_>,
) -> Result<(), Error<R::Error>> {
    for memory in section {
        let memory = memory?;
        let maximum = memory_maximum(&memory, limits);
        let mut bounded = reencoder.memory_type(memory)?;
        bounded.maximum = Some(maximum);
        memories.memory(bounded);
    }
    Ok(())
}

/// Copies a table the module defines (an imported one keeps its type),
/// with its maximum.
fn bound_table<R: Reencode>(
    reencoder: &mut R,
    limits: Limits,
    tables: &mut TableSection,
    table: wasmparser::Table<'_>,
) -> Result<(), Error<R::Error>> {
    let maximum = table_maximum(&table.ty, limits);
    let mut ty = reencoder.table_type(table.ty)?;
    ty.maximum = Some(maximum);
    match table.init {
        wasmparser::TableInit::RefNull => tables.table(ty),
        wasmparser::TableInit::Expr(init) => {
            tables.table_with_init(ty, &reencoder.const_expr(init)?)
        }
    };
    Ok(())
}

/// The re-encoder: copies the module, adding the budget global, the charges
/// and the marker section.
struct Metering {
    limits: Limits,
    /// The index of the budget global: after every global the module has.
    global: u32,
    /// The module has no global section, so one must be added.
    needs_global_section: bool,
    /// Which defined function the next body is.
    next_body: usize,
    shape: Shape,
}

/// The two locals a body with bulk operators gets, to read a length while
/// leaving it on the stack for the operator.
struct Scratch {
    i32: u32,
    i64: u32,
}

/// The length above which a 64-bit length is charged as if it were this
/// one: no real operation gets there, and the charge cannot overflow.
const LARGEST_CHARGED_LENGTH: i64 = 1 << 48;

impl Metering {
    fn budget_global(&self) -> (GlobalType, ConstExpr) {
        let ty = GlobalType {
            val_type: ValType::I64,
            mutable: true,
            shared: false,
        };
        (ty, ConstExpr::i64_const(self.limits.budget))
    }

    /// `left -= cost; if left < 0 { trap }`
    fn charge(&self, function: &mut Function, cost: u64) {
        let cost = i64::try_from(cost).unwrap_or(i64::MAX);
        function
            .instruction(&Instruction::GlobalGet(self.global))
            .instruction(&Instruction::I64Const(cost));
        self.pay(function);
    }

    /// With what is left and a cost on the stack: `left -= cost; if left < 0 { trap }`.
    fn pay(&self, function: &mut Function) {
        function
            .instruction(&Instruction::I64Sub)
            .instruction(&Instruction::GlobalSet(self.global))
            .instruction(&Instruction::GlobalGet(self.global))
            .instruction(&Instruction::I64Const(0))
            .instruction(&Instruction::I64LtS)
            .instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::Unreachable)
            .instruction(&Instruction::End);
    }

    /// `left -= cost of the length on top of the stack; if left < 0 { trap }`,
    /// leaving the length where it was.
    fn charge_by_length(
        &self,
        function: &mut Function,
        unit: Unit,
        length: LengthType,
        scratch: &Scratch,
    ) {
        let wide = self.is_64_bit(length);
        let local = if wide { scratch.i64 } else { scratch.i32 };
        function
            .instruction(&Instruction::LocalTee(local))
            .instruction(&Instruction::GlobalGet(self.global))
            .instruction(&Instruction::LocalGet(local));
        if wide {
            // min(length, LARGEST_CHARGED_LENGTH), unsigned
            function
                .instruction(&Instruction::I64Const(LARGEST_CHARGED_LENGTH))
                .instruction(&Instruction::LocalGet(local))
                .instruction(&Instruction::I64Const(LARGEST_CHARGED_LENGTH))
                .instruction(&Instruction::I64LtU)
                .instruction(&Instruction::Select);
        } else {
            function.instruction(&Instruction::I64ExtendI32U);
        }
        let shift = BYTES_PER_CHARGE.trailing_zeros() as i64;
        let page_shift = PAGE_BYTES.trailing_zeros() as i64;
        match unit {
            Unit::Bytes => {
                function
                    .instruction(&Instruction::I64Const(shift))
                    .instruction(&Instruction::I64ShrU);
            }
            Unit::Pages => {
                function
                    .instruction(&Instruction::I64Const(page_shift - shift))
                    .instruction(&Instruction::I64Shl);
            }
            Unit::Elements => {}
        }
        self.pay(function);
    }

    fn is_64_bit(&self, length: LengthType) -> bool {
        let memory = |index: u32| self.shape.memory64.get(index as usize) == Some(&true);
        let table = |index: u32| self.shape.table64.get(index as usize) == Some(&true);
        match length {
            LengthType::Memory(index) => memory(index),
            LengthType::Memories(dst, src) => memory(dst) && memory(src),
            LengthType::Table(index) => table(index),
            LengthType::Tables(dst, src) => table(dst) && table(src),
            LengthType::I32 => false,
        }
    }

    /// The number of parameters of the next function body.
    fn params_of_next_body(&mut self) -> u32 {
        let ty = self.shape.defined_functions.get(self.next_body).copied();
        self.next_body += 1;
        ty.and_then(|ty| self.shape.params.get(ty as usize).copied())
            .unwrap_or(0)
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
                data: self.limits.to_marker().into_bytes().into(),
            });
        }
        Ok(())
    }

    fn parse_memory_section(
        &mut self,
        memories: &mut MemorySection,
        section: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        let limits = self.limits;
        bound_memories(self, limits, memories, section)
    }

    fn parse_table(
        &mut self,
        tables: &mut TableSection,
        table: wasmparser::Table<'_>,
    ) -> Result<(), Error<Self::Error>> {
        let limits = self.limits;
        bound_table(self, limits, tables, table)
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        body: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error<Self::Error>> {
        let mut charges = charges::of_body(&body)?.into_iter();
        let params = self.params_of_next_body();
        let mut locals = Vec::new();
        let mut declared = 0u32;
        for local in body.get_locals_reader()? {
            let (count, ty) = local?;
            declared += count;
            locals.push((count, self.val_type(ty)?));
        }
        let has_bulk = {
            let mut operators = body.get_operators_reader()?;
            let mut found = false;
            while !operators.eof() && !found {
                found = charges::by_length(&operators.read()?).is_some();
            }
            found
        };
        let scratch = has_bulk.then(|| {
            locals.extend([(1, ValType::I32), (1, ValType::I64)]);
            Scratch {
                i32: params + declared,
                i64: params + declared + 1,
            }
        });
        let mut function = Function::new(locals);
        self.charge(&mut function, charges.next().unwrap_or(0));
        let mut operators = body.get_operators_reader()?;
        while !operators.eof() {
            let operator = operators.read()?;
            let enters_loop = matches!(operator, wasmparser::Operator::Loop { .. });
            if let (Some((unit, length)), Some(scratch)) = (charges::by_length(&operator), &scratch)
            {
                self.charge_by_length(&mut function, unit, length, scratch);
            }
            function.instruction(&self.instruction(operator)?);
            if enters_loop {
                self.charge(&mut function, charges.next().unwrap_or(0));
            }
        }
        code.function(&function);
        Ok(())
    }
}
