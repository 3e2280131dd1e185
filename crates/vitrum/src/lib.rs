//! vitrum: from glass structures to vibrational spectra with linear models grounded in
//! perturbation theory. This crate composes the workspace's crates into pipelines and the
//! `vitrum` command line.

pub mod blas;
pub mod cli;
pub mod compare;
pub mod dataset;
pub mod debye_excess;
pub mod measured;
pub mod pipeline;
pub mod plots;
pub mod progress;
pub mod registry;
pub mod relative;
pub mod report;
pub mod shards;
pub mod theory_models;
pub mod validate;

pub use vitrum_descriptors as descriptors;
pub use vitrum_io as io;
