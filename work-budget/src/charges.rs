//! Where a function body pays for its work, and how much.
//!
//! A body is cut into regions: the body itself, and each `loop`. A region
//! pays on entry for every operator directly inside it (not inside a nested
//! loop), whether or not a branch skips some of them. Every operator that
//! runs belongs to exactly one region, and runs at most once per entry of
//! that region (the only way back to an earlier operator is a branch to a
//! loop's start, which enters that loop's region again), so the charges add
//! up to at least the number of operators executed. A call is one operator
//! here; the callee pays for its own body.
//!
//! A bulk operator (`memory.fill`, `memory.copy`, `table.grow`, ...) does
//! work in proportion to a length it reads at run time, so besides its one
//! operator in its region it pays for that length just before it runs (see
//! [`by_length`]): one charge per [`BYTES_PER_CHARGE`] bytes of memory, per
//! table or array element. A loop whose body is one `memory.fill` of 16 MiB
//! would otherwise pay a handful of operators per pass.

use wasmparser::{FunctionBody, Operator};

/// How many bytes of a bulk memory operator (fill, copy, init, grow) cost
/// as much as one Wasm operator. A tight loop runs about 2.5·10⁹ operators a
/// second here, and `memory.fill` writes about 10 GB: at 4 bytes per charge
/// a loop of fills spends a budget in about the time a plain loop does.
pub const BYTES_PER_CHARGE: u64 = 4;
// The instrumented code divides by it with a shift.
const _: () = assert!(BYTES_PER_CHARGE.is_power_of_two());

/// What a bulk operator's length counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of memory.
    Bytes,
    /// Pages of memory (64 KiB each), for `memory.grow`.
    Pages,
    /// Elements of a table or an array.
    Elements,
}

/// Where a bulk operator's length (its last operand, on top of the stack)
/// gets its type: a memory's or a table's index type (`i64` for a 64-bit
/// one), both of two (`i64` only if both are), or always `i32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthType {
    Memory(u32),
    Memories(u32, u32),
    Table(u32),
    Tables(u32, u32),
    I32,
}

/// The length-dependent charge of a bulk operator, `None` for any other.
pub fn by_length(operator: &Operator<'_>) -> Option<(Unit, LengthType)> {
    use LengthType as L;
    use Operator as O;
    Some(match *operator {
        O::MemoryFill { mem } | O::MemoryDiscard { mem } => (Unit::Bytes, L::Memory(mem)),
        O::MemoryCopy { dst_mem, src_mem } => (Unit::Bytes, L::Memories(dst_mem, src_mem)),
        O::MemoryInit { .. } => (Unit::Bytes, L::I32),
        O::MemoryGrow { mem } => (Unit::Pages, L::Memory(mem)),
        O::TableFill { table } | O::TableGrow { table } => (Unit::Elements, L::Table(table)),
        O::TableCopy {
            dst_table,
            src_table,
        } => (Unit::Elements, L::Tables(dst_table, src_table)),
        O::TableInit { .. }
        | O::ArrayNew { .. }
        | O::ArrayNewDefault { .. }
        | O::ArrayNewData { .. }
        | O::ArrayNewElem { .. }
        | O::ArrayFill { .. }
        | O::ArrayCopy { .. }
        | O::ArrayInitData { .. }
        | O::ArrayInitElem { .. } => (Unit::Elements, L::I32),
        _ => return None,
    })
}

/// The charges of one function body, in the order its code meets them: the
/// body's own first, then one for each `loop`, in the order they appear.
pub fn of_body(body: &FunctionBody<'_>) -> wasmparser::Result<Vec<u64>> {
    let mut charges = vec![0u64];
    // For each block still open, the region its operators belong to.
    let mut open: Vec<usize> = vec![0];
    let mut operators = body.get_operators_reader()?;
    while !operators.eof() {
        let operator = operators.read()?;
        let Some(&region) = open.last() else {
            // Operators after the body's final `end`: the validator refuses
            // such a body, and so does the encoder's caller.
            break;
        };
        charges[region] += 1;
        match operator {
            Operator::Loop { .. } => {
                charges.push(0);
                open.push(charges.len() - 1);
            }
            Operator::Block { .. }
            | Operator::If { .. }
            | Operator::Try { .. }
            | Operator::TryTable { .. } => open.push(region),
            Operator::End | Operator::Delegate { .. } => {
                open.pop();
            }
            _ => {}
        }
    }
    Ok(charges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{Parser, Payload};

    #[test]
    fn bulk_operators_pay_by_their_length_and_others_do_not() {
        let bulk = [
            ("memory.fill", Unit::Bytes),
            ("memory.copy", Unit::Bytes),
            ("memory.init 0", Unit::Bytes),
            ("memory.grow", Unit::Pages),
            ("table.fill 0", Unit::Elements),
            ("table.copy", Unit::Elements),
            ("table.init 0", Unit::Elements),
            ("table.grow 0", Unit::Elements),
            ("i32.add", Unit::Bytes), // the odd one out
        ];
        for (text, unit) in bulk {
            let module = format!(
                "(module (memory 1) (table 1 funcref) (data \"\") (elem func) \
                 (func {text} unreachable))"
            );
            let wasm = wat::parse_str(&module).unwrap();
            let mut found = None;
            for payload in Parser::new(0).parse_all(&wasm) {
                if let Payload::CodeSectionEntry(body) = payload.unwrap() {
                    let mut operators = body.get_operators_reader().unwrap();
                    found = by_length(&operators.read().unwrap()).map(|(unit, _)| unit);
                }
            }
            let expected = (text != "i32.add").then_some(unit);
            assert_eq!(found, expected, "{text}");
        }
    }

    /// The charges of each function of a module written as text.
    fn charges(text: &str) -> Vec<Vec<u64>> {
        let wasm = wat::parse_str(text).unwrap();
        let mut all = Vec::new();
        for payload in Parser::new(0).parse_all(&wasm) {
            if let Payload::CodeSectionEntry(body) = payload.unwrap() {
                all.push(of_body(&body).unwrap());
            }
        }
        all
    }

    #[test]
    fn straight_code_pays_once_for_every_operator() {
        // i32.const, i32.const, i32.add, end
        let text = "(module (func (result i32) i32.const 1 i32.const 2 i32.add))";
        assert_eq!(charges(text), vec![vec![4]]);
    }

    #[test]
    fn a_loop_pays_for_its_own_body_on_every_entry() {
        let text = r#"(module (func (param i32)
            block                          ;; body: block
              loop                         ;; body: loop
                local.get 0                ;; loop: 1
                i32.eqz                    ;; loop: 2
                br_if 1                    ;; loop: 3
                local.get 0                ;; loop: 4
                i32.const 1                ;; loop: 5
                i32.sub                    ;; loop: 6
                local.set 0                ;; loop: 7
                br 0                       ;; loop: 8
              end                          ;; loop: 9
            end                            ;; body: end of block
          ))"#;
        // body: block, loop, end (of block), end (of body)
        assert_eq!(charges(text), vec![vec![4, 9]]);
    }

    #[test]
    fn nested_loops_and_blocks_pay_to_their_innermost_loop() {
        let text = r#"(module (func
            loop                ;; body: 1 (and the body's end: 2)
              nop               ;; outer: 1
              block             ;; outer: 2
                loop            ;; outer: 3
                  nop           ;; inner: 1
                end             ;; inner: 2
                nop             ;; outer: 4, after the inner loop
              end               ;; outer: 5, the block's end
              i32.const 0       ;; outer: 6
              if                ;; outer: 7
              end               ;; outer: 8
            end                 ;; outer: 9
          ))"#;
        assert_eq!(charges(text), vec![vec![2, 9, 2]]);
    }
}
