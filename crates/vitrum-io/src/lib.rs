//! Input and output for vitrum: periodic configurations read through chemfiles (LAMMPS dump and
//! data, XYZ and extended XYZ, and every other format chemfiles reads), writers for LAMMPS dumps
//! and extended XYZ, numeric tables (NPY, CSV), and the dataset directory with its typed,
//! versioned manifest ([`Manifest`]), feature/target blocks by kind and the one [`Grid`] type.
//! Every error names the file it is about, and every output is written atomically.

pub mod atomic;
pub mod cell;
pub mod configuration;
pub mod dataset;
pub mod error;
pub mod frames;
pub mod grid;
mod lammps_dump;
pub mod manifest;
pub mod pdf_file;
pub mod read;
pub mod table;
pub mod write;

pub use atomic::write_atomically;
pub use cell::{Cell, Dim};
pub use configuration::{Configuration, Species};
pub use dataset::{Block, Dataset, DatasetArrays, FeatureBlock, TargetBlock};
pub use error::{IoError, Result};
pub use frames::FrameSelection;
pub use grid::{Binning, Grid, Quantity};
pub use manifest::{
    BlockEntry, FeatureKind, Manifest, PotentialFormat, PotentialSpec, SampleRecord, TargetKind,
    UnitSystem,
};
pub use pdf_file::{MeasuredCurve, read_measured, write_gr};
pub use read::{
    ConfigurationReader, DimSource, ReadOptions, read_configuration, read_configurations,
    resolve_format,
};
pub use table::{
    Table, read_csv, read_npy_1d, read_npy_2d, read_npy_dyn, write_csv, write_csv_to, write_npy,
};
pub use write::{write_extxyz, write_lammps_dump};
