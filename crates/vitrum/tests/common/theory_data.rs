//! fixtures/dataset-ka2d and dataset-ka3d as the first-order theory takes them: the Kob–Andersen
//! pair table on the partials' r grid, the partial-g rows, each sample's density, the VDOS
//! histograms and their ω edges (shared by the theory-only and theory-prior-ridge tests).

use ndarray::Array2;
use vitrum_io::Dataset;
use vitrum_io::manifest::{FeatureKind, TargetKind};
use vitrum_theory::perturbation::PairTable;
use vitrum_theory::registry;

pub struct Data {
    pub table: PairTable,
    pub g: Array2<f64>,
    pub rho: Vec<f64>,
    pub y: Array2<f64>,
    pub omega_edges: Vec<f64>,
}

/// 150 2D glasses; the tests train on 0..120 and hold out 120..150.
pub fn ka2d() -> Data {
    load("dataset-ka2d")
}

/// 80 3D glasses; the tests train on 0..64 and hold out 64..80.
pub fn ka3d() -> Data {
    load("dataset-ka3d")
}

fn load(name: &str) -> Data {
    let ds = Dataset::read(&super::fixture(name)).unwrap();
    let model = registry::preset("kob-andersen").unwrap();
    assert_eq!(model.labels, ds.manifest.species);
    let fractions = ds.manifest.fractions().unwrap();
    let partials = ds.feature(&FeatureKind::PartialRdf).unwrap();
    let target = ds.target(&TargetKind::VdosHistogram).unwrap();
    Data {
        table: PairTable::from_model(
            &model,
            &fractions,
            &partials.entry.grid.edges,
            ds.dim().unwrap(),
        )
        .unwrap(),
        g: partials.data.clone(),
        rho: ds.manifest.densities().unwrap(),
        y: target.data.clone(),
        omega_edges: target.entry.grid.edges.clone(),
    }
}
