//! Writes an N-table multi-tenant schema for benchmarks (filled in below).
fn main() {}
