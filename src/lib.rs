//! Holder of the workspace's cross-crate tests and benches.
