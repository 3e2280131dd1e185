//! fixtures/dataset-ka2d as the first-order theory takes it: the Kob–Andersen pair table on the
//! partials' r grid, the partial-g rows, each sample's density, the VDOS histograms and their ω
//! edges (shared by the theory-only and theory-prior-ridge tests).

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

pub fn ka2d() -> Data {
    let ds = Dataset::read(&super::fixture("dataset-ka2d")).unwrap();
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
