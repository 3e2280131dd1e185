//! Structure profiles of glasses: total and partial radial distribution functions, coordination
//! numbers, static structure factors and bond-angle distributions, in 2D and 3D, for orthorhombic
//! and triclinic periodic cells.
//!
//! Following freud, each computation keeps its validated parameters apart from its results, and
//! the neighbour search ([`neighbors::CellList`]) is one shared piece that every pair-based
//! computation uses. Every descriptor a dataset or study can name is registered in
//! [`descriptor::DESCRIPTORS`].

pub mod bond_angles;
pub mod descriptor;
pub mod error;
pub mod kinds;
pub mod local_order;
pub mod neighbors;
pub mod overlaps;
pub mod rdf;
pub mod scattering;
pub mod structure_factor;

pub use bond_angles::{BondAngleDistribution, PairCutoffs, bond_angles};
pub use descriptor::{Context, DESCRIPTORS, Descriptor, Params, Registration};
pub use error::{DescriptorError, Result};
pub use local_order::{AngleRings, BondNetwork, RingStatistics};
pub use neighbors::{CellList, Pair};
pub use overlaps::check_overlaps;
pub use rdf::{
    Normalization, PartialRdf, Rdf, RdfParams, RdfResult, pair_histogram, pair_index, rdf,
    shell_volumes, species_pairs,
};
pub use structure_factor::{
    QGrid, StructureFactor, Window, structure_factor_direct, structure_factor_from_g,
    structure_factor_from_rdf,
};
