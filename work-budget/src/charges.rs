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

use wasmparser::{FunctionBody, Operator};

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
