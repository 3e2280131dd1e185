//! The noise ceiling (issue 12, item 4) validated on three datasets: the finite-size sampling
//! noise of the held-out VDOS histograms, measured on each sample's own spectrum
//! (`vitrum_theory::sampling_noise`), must never claim a ceiling below what a model already
//! reaches on the same held-out samples, and must not be vacuous (≈ 1).
//!
//! Measured (variance-weighted; numpy check of the same estimator in parentheses):
//! dataset-ka2d, held out 120..149: ceiling 0.9690 (0.9690), uniform 0.9528; ridge (α by 5-fold
//! CV, total g) reaches 0.9369. dataset-ka3d, held out 64..79: ceiling 0.9156 (0.9156), uniform
//! 0.8566; ridge 0.8437. dataset-sw2d (a 2D network, sharp spectral features; remade 1 Dec
//! 2026 after the thermostat fix), held out 80..99: ceiling 0.8848; ridge 0.8138, kernel ridge
//! 0.8342. On the fixture's earlier glasses (ceiling 0.8731 (numpy 0.8731), ridge 0.7975,
//! kernel ridge 0.8155) the running-mean estimator used before put it at 0.7886, below both.
//! Independent-draw (Poisson) noise would put the 2D ceiling at 0.586, below ridge: the reason
//! the estimate measures the spectra's own rigidity. The upper bound 0.99 asserts the ceiling says something (a ceiling of 1 would
//! never be wrong).

mod common;

use ndarray::s;
use vitrum::compare::ceiling;
use vitrum_io::Dataset;
use vitrum_regress::metrics::r2_variance_weighted;
use vitrum_regress::{CvSpec, FitOptions, FittedAxes, backend, fit_cv, kfold, logspace};

/// (ceiling, ridge's held-out variance-weighted R²) on `name` with the split train | test.
fn ceiling_and_ridge(
    name: &str,
    train: std::ops::Range<usize>,
    test: std::ops::Range<usize>,
) -> (ceiling::NoiseCeiling, f64) {
    let ds = Dataset::read(&common::fixture(name)).unwrap();
    let x = ds.arrays.features.clone();
    let y = ds.arrays.targets.clone();
    let c = ceiling::of_dataset(&ds, y.view(), &test).unwrap();
    let params = FitOptions::new().validate().unwrap();
    let spec = CvSpec {
        alphas: logspace(-6.0, 2.0, 17),
        l1_ratios: vec![0.5],
        folds: kfold(train.len(), 5).unwrap(),
    };
    let m = fit_cv(
        backend::by_name("native-ridge").unwrap(),
        x.slice(s![train.clone(), ..]),
        y.slice(s![train, ..]),
        &FittedAxes::default(),
        &params,
        &spec,
    )
    .unwrap();
    let pred = m.predict(x.slice(s![test.clone(), ..])).unwrap();
    let r2 = r2_variance_weighted(y.slice(s![test, ..]), pred.view());
    eprintln!(
        "{name}: noise ceiling {:.4} (uniform {:.4}); ridge {r2:.4}",
        c.r2_variance_weighted, c.r2_uniform
    );
    (c, r2)
}

/// Above what ridge reaches, and below 0.99 (informative).
fn assert_valid(name: &str, train: std::ops::Range<usize>, test: std::ops::Range<usize>) {
    let (c, ridge) = ceiling_and_ridge(name, train, test);
    let w = c.r2_variance_weighted;
    assert!(w > ridge, "{name}: {w} ≤ {ridge}");
    assert!(w < 0.99, "{name}: {w}");
}

#[test]
fn the_ceiling_is_above_what_ridge_reaches_in_2d_and_informative() {
    assert_valid("dataset-ka2d", 0..120, 120..150);
}

#[test]
fn the_ceiling_is_above_what_ridge_reaches_in_3d_and_informative() {
    assert_valid("dataset-ka3d", 0..64, 64..80);
}

#[test]
fn the_ceiling_is_above_what_ridge_reaches_on_a_network_glass_and_informative() {
    assert_valid("dataset-sw2d", 0..80, 80..100);
}

/// Targets that are not the histograms of the eigenvalues get no ceiling, with the reason.
#[test]
fn targets_that_are_not_the_histograms_get_no_ceiling() {
    let ds = Dataset::read(&common::fixture("dataset-ka2d")).unwrap();
    let mut y = ds.arrays.targets.clone();
    y[[125, 40]] += 0.01;
    let why = ceiling::of_dataset(&ds, y.view(), &(120..150)).unwrap_err();
    assert!(why.contains("sample 125"), "{why}");
}

/// A grid far wider than the spectrum (a metal study's omega_max given in THz: 15.6× too wide)
/// puts every mode in its first bins; the estimator would then call the spectra noise-free
/// (the ceiling 1.0000 seen once), so no ceiling is stated and the reason names the unit.
#[test]
fn a_grid_many_times_wider_than_the_spectrum_gets_no_ceiling() {
    let mut ds = Dataset::read(&common::fixture("dataset-ka2d")).unwrap();
    let eig = ds.arrays.eigenvalues.clone().unwrap();
    let block = ds
        .targets
        .iter_mut()
        .find(|b| b.entry.kind == vitrum_io::TargetKind::VdosHistogram)
        .unwrap();
    let top = *block.entry.grid.edges.last().unwrap();
    let bins = block.entry.grid.len();
    let wide = 15.633 * top;
    block.entry.grid = vitrum_io::Grid::linspace(
        vitrum_io::Quantity::Omega,
        "τ⁻¹",
        0.0,
        wide,
        bins,
        vitrum_io::Binning::Histogram,
    )
    .unwrap();
    // the targets are the histograms on the wide grid, so only the width can be refused
    let mut y = ndarray::Array2::zeros((eig.nrows(), bins));
    for (i, mut row) in y.rows_mut().into_iter().enumerate() {
        let w = vitrum_theory::spectrum::dataset_frequencies(&eig.row(i).to_vec(), 2);
        row.assign(&ndarray::Array1::from(
            vitrum_theory::spectrum::histogram_density(&w, wide, bins),
        ));
    }
    let why = ceiling::of_dataset(&ds, y.view(), &(120..150)).unwrap_err();
    assert!(why.contains("the dataset's ω unit"), "{why}");
    eprintln!("{why}");
}
