//! What the benchmarks share: [`load`], the load generator. The benchmarks
//! themselves are `benches/rpc` (a call through the router next to its
//! alternatives, and the work budget's cost) and `benches/soak` (sustained
//! mixed load, every answer checked, memory watched).

pub mod load;
