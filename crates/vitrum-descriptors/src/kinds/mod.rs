//! The registered descriptors, one file each (see [`crate::descriptor`]).

pub mod bond_angles;
pub mod coordination;
pub mod partial_rdf;
pub mod sq;
pub mod sq_direct;
pub mod total_rdf;
pub mod weighted_rdf;
