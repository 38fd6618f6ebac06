//! What the benchmarks share: [`load`], the load generator; and what the
//! `rpc` benchmark measures, declared once in [`targets`] (in the terms of
//! [`entries`], checked by [`check`] before anything runs, at the
//! concurrencies of [`plan`]). The benchmarks themselves are `benches/rpc`
//! (a call through the router next to its alternatives, and the work
//! budget's cost) and `benches/soak` (sustained mixed load, every answer
//! checked, memory watched).

pub mod check;
pub mod entries;
pub mod load;
pub mod plan;
pub mod targets;
