//! Scalar properties of the spectrum (⟨ω²⟩, ⟨ω⟩, C_v(T), S_vib(T): linear functionals
//! P = fᵀD, `vitrum_theory::spectral_properties`) predicted two ways on the held-out samples:
//! through the best spectrum model (P̂ = fᵀŷ, i.e. the weights fᵀW), and by ridge fitted to P
//! directly (α by cross-validation on the training samples). If the spectrum model has learned
//! the structure → spectrum map, the first is as good as the second without a model per property.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use vitrum_io::{Grid, UnitSystem};
use vitrum_regress::ndarray::{Array1, Array2, ArrayView2, Axis};
use vitrum_regress::{CvSpec, FitOptions, FittedAxes, backend, fit_cv, kfold, logspace, metrics};
use vitrum_theory::spectral_properties::SpectralProperty;

/// Held-out R² and mean absolute error of one way of predicting a property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub r2: f64,
    pub mae: f64,
}

/// One property's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyResult {
    pub property: String,
    pub label: String,
    /// Mean and standard deviation of the true values over the test samples.
    pub test_mean: f64,
    pub test_std: f64,
    /// Through the spectrum model (`via`: its backend).
    pub via: String,
    pub via_spectrum: Score,
    /// Ridge on the same features, fitted to the property (α by CV).
    pub direct: Score,
    pub direct_alpha: f64,
}

fn score(truth: &Array1<f64>, pred: &Array1<f64>) -> Score {
    let t = truth.view().insert_axis(Axis(1));
    let p = pred.view().insert_axis(Axis(1));
    Score {
        r2: metrics::r2_uniform(t, p),
        mae: (truth - pred).mapv(f64::abs).mean().unwrap_or(f64::NAN),
    }
}

/// The properties named in the study, scored on the test samples.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    names: &[String],
    grid: &Grid,
    units: UnitSystem,
    dim: usize,
    train: (ArrayView2<f64>, ArrayView2<f64>),
    test: (ArrayView2<f64>, ArrayView2<f64>),
    best: &str,
    predicted: &Array2<f64>,
) -> Result<Vec<PropertyResult>> {
    let widths = grid.widths();
    let mut out = Vec::new();
    for name in names {
        let property: SpectralProperty = name.parse()?;
        let f = Array1::from(property.weights(&grid.points, &widths, units, dim)?);
        let p_train = train.1.dot(&f);
        let p_test = test.1.dot(&f);
        let via = predicted.dot(&f);
        let n = train.0.nrows();
        let spec = CvSpec {
            alphas: logspace(-6.0, 2.0, 17),
            l1_ratios: vec![0.0],
            folds: kfold(n, n.clamp(2, 5))?,
        };
        let y = p_train.clone().insert_axis(Axis(1));
        let model = fit_cv(
            backend::by_name("native-ridge")?,
            train.0,
            y.view(),
            &FittedAxes::default(),
            &FitOptions::new().validate()?,
            &spec,
        )
        .with_context(|| format!("ridge fitted to {name}"))?;
        let direct = model.predict(test.0)?.column(0).to_owned();
        let alpha = model
            .diagnostics
            .cv
            .as_ref()
            .map_or(f64::NAN, |c| c.best_alpha);
        out.push(PropertyResult {
            property: name.clone(),
            label: property.label(units),
            test_mean: p_test.mean().unwrap_or(f64::NAN),
            test_std: p_test.std(0.0),
            via: best.to_string(),
            via_spectrum: score(&p_test, &via),
            direct: score(&p_test, &direct),
            direct_alpha: alpha,
        });
    }
    Ok(out)
}
