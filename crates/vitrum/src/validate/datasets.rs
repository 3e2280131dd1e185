//! The first-order theory and the noise ceiling on the two multi-sample reference datasets
//! (fixtures/dataset-ka2d: 150 2D glasses, train 0..120, test 120..150; fixtures/dataset-ka3d: 80
//! 3D glasses, train 0..64, test 64..80), against their LAMMPS eigenvalues and the acceptance
//! bounds of the issues that asked for them. Thresholds are written as differences: a row passes
//! when (bound − measured) or (measured − bound) stays ≤ its tolerance.

use super::{Fixtures, Row};
use anyhow::{Context, Result};
use std::ops::Range;
use vitrum_io::Dataset;
use vitrum_io::manifest::FeatureKind;
use vitrum_regress::metrics::r2_variance_weighted;
use vitrum_regress::ndarray::s;
use vitrum_theory::perturbation::{
    PairTable, SpectrumGrid, TheoryModel, TrainingSet, choose_sigma, default_sigmas, m2_kernel,
};

const AREA: &str = "vitrum-theory (datasets)";

/// One dataset's checks.
struct Check {
    name: &'static str,
    train: Range<usize>,
    test: Range<usize>,
    /// Tolerance of the relative M2 quadrature error against the eigenvalues.
    m2_tol: f64,
    /// The theory-only held-out R² must reach this.
    r2_bound: f64,
}

// M2: midpoint quadrature across the repulsive core at Δr = 0.025, measured 2.51e-2 / 1.73e-2;
// theory-only R²: issue 11's acceptance 0.65 in 2D (measured 0.685); 0.69 in 3D (0.707)
const DATASETS: [Check; 2] = [
    Check {
        name: "dataset-ka2d",
        train: 0..120,
        test: 120..150,
        m2_tol: 0.026,
        r2_bound: 0.65,
    },
    Check {
        name: "dataset-ka3d",
        train: 0..64,
        test: 64..80,
        m2_tol: 0.0175,
        r2_bound: 0.69,
    },
];

pub fn rows(fx: &Fixtures, rows: &mut Vec<Row>) -> Result<()> {
    for Check {
        name,
        train,
        test,
        m2_tol,
        r2_bound,
    } in DATASETS
    {
        let ds = Dataset::read(&fx.path(name)).with_context(|| format!("reading {name}"))?;
        let model = vitrum_theory::registry::preset("kob-andersen")?;
        let partials = ds
            .feature(&FeatureKind::PartialRdf)
            .with_context(|| format!("{name}: no partial-rdf block"))?;
        let target = ds
            .target(&vitrum_io::manifest::TargetKind::VdosHistogram)
            .with_context(|| format!("{name}: no VDOS histograms"))?;
        let table = PairTable::from_model(
            &model,
            &ds.manifest
                .fractions()
                .with_context(|| format!("{name}: no composition"))?,
            &partials.entry.grid.edges,
            ds.dim()?,
        )?;
        let rho = ds
            .manifest
            .densities()
            .with_context(|| format!("{name}: no per-sample densities"))?;
        let eig = ds
            .arrays
            .eigenvalues
            .as_ref()
            .with_context(|| format!("{name}: no eigenvalues.npy"))?;
        let g = &partials.data;
        let mut worst = 0.0f64;
        for (i, row) in g.rows().into_iter().enumerate() {
            let m2: f64 = m2_kernel(&table, rho[i])?
                .iter()
                .zip(row)
                .map(|(k, v)| k * v)
                .sum();
            let e = eig.row(i);
            let m2_eig = e.sum() / e.len() as f64;
            worst = worst.max((m2 - m2_eig).abs() / m2_eig);
        }
        rows.push(Row::new(
            AREA,
            format!("{name}: M2 through the sum-rule kernel K₂ over g_ab(r), every sample"),
            format!("LAMMPS eigenvalues, Tr D/(dN) ({name}/eigenvalues.npy)"),
            "max |ΔM2| / M2",
            worst,
            m2_tol,
        ));

        let y = &target.data;
        let training = TrainingSet {
            g: g.slice(s![train.clone(), ..]),
            rho: &rho[train.clone()],
            targets: y.slice(s![train.clone(), ..]),
        };
        let edges = &target.entry.grid.edges;
        let omega_max = *edges.last().unwrap_or(&1.0);
        let choice = choose_sigma(&table, training, edges, &default_sigmas(omega_max), 5)?;
        let fitted = TheoryModel::fit(
            &table,
            training,
            &SpectrumGrid::new(edges.clone(), choice.sigma)?,
        )?;
        let pred = fitted.predict(g.slice(s![test.clone(), ..]), &rho[test.clone()])?;
        let r2 = r2_variance_weighted(y.slice(s![test.clone(), ..]), pred.view());
        rows.push(Row::new(
            AREA,
            format!(
                "{name}: theory-only held-out R² {r2:.4} (σ = {:.2} by CV), bound {r2_bound}",
                choice.sigma
            ),
            format!(
                "first-order QCA, no fitted weight; test rows {}..{}",
                test.start, test.end
            ),
            "bound − R²",
            r2_bound - r2,
            0.0,
        ));

        // the noise ceiling must lie above what a model reaches: ridge on the total g(r)
        let ceiling = crate::compare::ceiling::of_dataset(&ds, ds.arrays.targets.view(), &test)
            .map_err(|why| anyhow::anyhow!("{name}: no noise ceiling: {why}"))?;
        let ridge = ridge_held_out(&ds, &train, &test)?;
        rows.push(Row::new(
            AREA,
            format!(
                "{name}: noise ceiling {:.4} above ridge's held-out R² {ridge:.4}",
                ceiling.r2_variance_weighted
            ),
            "native ridge, α by 5-fold CV over 1e-6…1e2".to_string(),
            "R²(ridge) − ceiling",
            ridge - ceiling.r2_variance_weighted,
            0.0,
        ));
    }
    Ok(())
}

/// Held-out variance-weighted R² of native ridge on the total g(r), α by 5-fold CV.
fn ridge_held_out(ds: &Dataset, train: &Range<usize>, test: &Range<usize>) -> Result<f64> {
    use vitrum_regress::{CvSpec, FitOptions, FittedAxes, backend, fit_cv, kfold, logspace};
    let (x, y) = (&ds.arrays.features, &ds.arrays.targets);
    let spec = CvSpec {
        alphas: logspace(-6.0, 2.0, 17),
        l1_ratios: vec![0.5],
        folds: kfold(train.len(), 5)?,
    };
    let model = fit_cv(
        backend::by_name("native-ridge")?,
        x.slice(s![train.clone(), ..]),
        y.slice(s![train.clone(), ..]),
        &FittedAxes::default(),
        &FitOptions::new().validate()?,
        &spec,
    )?;
    let pred = vitrum_regress::Predictor::predict(&model, x.slice(s![test.clone(), ..]))?;
    Ok(vitrum_regress::metrics::r2_variance_weighted(
        y.slice(s![test.clone(), ..]),
        pred.view(),
    ))
}
