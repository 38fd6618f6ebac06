//! The router's core, natively, with the app's real functions called
//! in-process ([`in_process`]): the wire contract case by case, how the
//! calls of a batch travel, `rpc.discover`, and a grammar-aware fuzzer.
//! One test binary: `cargo test -p rpc-router --test core` (add a name to
//! run a part, `-- fuzz`).

mod batches;
mod contract;
mod discovery;
mod fuzz;
mod in_process;
mod rate_limits;
