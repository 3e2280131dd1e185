//! Native SVD solvers: minimum-norm least squares and ridge.
//!
//! One thin SVD `X = U S Vᵀ` of the centred design serves every target and every α:
//! `W_α = Cᵀ diag(s/(s²+α)) Vᵀ` with `C = UᵀY`, so a whole α path for all targets costs one SVD
//! plus `O(α · k · (p + t))`. This is what makes cross-validated ridge cheap. The SVD also handles
//! `n < p` and rank deficiency (collinear g(r) bins, all-zero bins inside the core) without the
//! normal equations' squared condition number.

use super::{Backend, SolverInfo, SolverOutput};
use crate::error::{RegressError, Result};
use crate::hyperparams::{FitParams, ModelKind};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use ndarray_linalg::{JobSvd, SVDDC};

/// Native backends of this file.
pub static BACKENDS: &[&dyn Backend] = &[&NativeOls, &NativeRidge];

/// Thin SVD of a (centred) design.
pub struct Svd {
    /// Left singular vectors, `[n × r]`.
    pub u: Array2<f64>,
    /// Singular values, descending, `[r]`.
    pub s: Array1<f64>,
    /// Right singular vectors, `[r × p]`.
    pub vt: Array2<f64>,
}

impl Svd {
    /// Divide-and-conquer SVD (LAPACK `gesdd`).
    pub fn new(x: ArrayView2<f64>) -> Result<Self> {
        let (u, s, vt) = x.svddc(JobSvd::Some).map_err(|e| RegressError::Linalg {
            context: "SVD of the centred features",
            message: e.to_string(),
        })?;
        match (u, vt) {
            (Some(u), Some(vt)) => Ok(Self { u, s, vt }),
            _ => Err(RegressError::Linalg {
                context: "SVD of the centred features",
                message: "LAPACK returned no singular vectors".into(),
            }),
        }
    }

    /// Weights `[targets × p]` for the spectral filter `f(s)` applied to `C = UᵀY` `[r × t]`.
    pub fn filtered_weights(&self, c: &Array2<f64>, f: &Array1<f64>) -> Array2<f64> {
        let fc = c * &f.view().insert_axis(Axis(1));
        fc.t().dot(&self.vt)
    }

    /// Numerical rank with scikit-learn `LinearRegression`'s cut-off, `s > max(n, p) · ε · s_max`
    /// (the `cond` it passes to scipy `lstsq`): the same cut-off gives the same minimum-norm
    /// solution.
    pub fn rank(&self) -> usize {
        let dims = self.u.nrows().max(self.vt.ncols()) as f64;
        let cut = self.s.first().copied().unwrap_or(0.0) * f64::EPSILON * dims;
        self.s.iter().filter(|&&v| v > cut).count()
    }
}

/// Minimum-norm least squares (scikit-learn `LinearRegression`).
pub struct NativeOls;

impl Backend for NativeOls {
    fn name(&self) -> &'static str {
        "native-ols"
    }
    fn kind(&self) -> ModelKind {
        ModelKind::Ols
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, _: &FitParams) -> Result<SolverOutput> {
        let svd = Svd::new(x)?;
        let rank = svd.rank();
        let f = Array1::from_iter(
            svd.s
                .iter()
                .enumerate()
                .map(|(k, &s)| if k < rank { 1.0 / s } else { 0.0 }),
        );
        let c = svd.u.t().dot(&y);
        Ok(SolverOutput {
            w: svd.filtered_weights(&c, &f),
            info: SolverInfo {
                rank: Some(rank),
                ..Default::default()
            },
        })
    }
}

/// Ridge through one SVD for the whole α path (scikit-learn `Ridge`; same α).
pub struct NativeRidge;

/// Ridge filter factors `s/(s² + α)`; α = 0 falls back to the minimum-norm pseudo-inverse.
fn ridge_filter(s: &Array1<f64>, alpha: f64) -> Array1<f64> {
    let cut = s.first().copied().unwrap_or(0.0) * f64::EPSILON;
    s.mapv(|v| {
        if alpha > 0.0 {
            v / (v * v + alpha)
        } else if v > cut {
            1.0 / v
        } else {
            0.0
        }
    })
}

impl Backend for NativeRidge {
    fn name(&self) -> &'static str {
        "native-ridge"
    }
    fn kind(&self) -> ModelKind {
        ModelKind::Ridge
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, p: &FitParams) -> Result<SolverOutput> {
        Ok(self.solve_path(x, y, p, &[p.alpha])?.remove(0))
    }
    fn solve_path(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        _: &FitParams,
        alphas: &[f64],
    ) -> Result<Vec<SolverOutput>> {
        check_alphas(alphas)?;
        let svd = Svd::new(x)?;
        let c = svd.u.t().dot(&y);
        let rank = svd.rank();
        Ok(alphas
            .iter()
            .map(|&a| SolverOutput {
                w: svd.filtered_weights(&c, &ridge_filter(&svd.s, a)),
                info: SolverInfo {
                    rank: Some(rank),
                    ..Default::default()
                },
            })
            .collect())
    }
}

fn check_alphas(alphas: &[f64]) -> Result<()> {
    match alphas.iter().find(|a| !a.is_finite() || **a < 0.0) {
        Some(&a) => Err(RegressError::InvalidParameter {
            name: "alpha",
            value: a,
            reason: "must be finite and ≥ 0",
        }),
        None => Ok(()),
    }
}

/// Leave-one-out and generalised cross-validation scores of ridge for one α.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LooScore {
    /// The α scored.
    pub alpha: f64,
    /// Exact leave-one-out mean squared error (over samples and targets), intercept refitted in
    /// every fold.
    pub loo_mse: f64,
    /// Generalised cross-validation score `mean(e²) / (1 − tr(H)/n)²`.
    pub gcv: f64,
}

/// Exact leave-one-out and GCV errors of ridge (with intercept) for every α, from one SVD of the
/// centred features: with the hat matrix `H = 11ᵀ/n + U diag(s²/(s²+α)) Uᵀ`, the LOO residual of
/// sample i is `eᵢ / (1 − Hᵢᵢ)`. No refit; exact, not an approximation.
pub fn ridge_loo_gcv(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    alphas: &[f64],
) -> Result<Vec<LooScore>> {
    crate::data::check_training_data(x, y)?;
    check_alphas(alphas)?;
    let n = x.nrows();
    let xc = &x - &x.mean_axis(Axis(0)).unwrap_or_default();
    let yc = &y - &y.mean_axis(Axis(0)).unwrap_or_default();
    let svd = Svd::new(xc.view())?;
    let c = svd.u.t().dot(&yc);
    let u2 = svd.u.mapv(|v| v * v);
    let nf = n as f64;
    let mut out = Vec::with_capacity(alphas.len());
    for &alpha in alphas {
        let shrink = svd.s.mapv(|s| {
            if alpha > 0.0 {
                s * s / (s * s + alpha)
            } else {
                1.0
            }
        });
        let fitted = svd.u.dot(&(&c * &shrink.view().insert_axis(Axis(1))));
        let resid = &yc - &fitted;
        let h = u2.dot(&shrink) + 1.0 / nf;
        let mut loo = 0.0;
        for (i, row) in resid.axis_iter(Axis(0)).enumerate() {
            let d = 1.0 - h[i];
            // A sample the fit interpolates exactly (H_ii = 1) has an undefined LOO residual.
            let d = if d.abs() < 1e-12 { f64::INFINITY } else { d };
            loo += row.iter().map(|e| (e / d).powi(2)).sum::<f64>();
        }
        let trace = 1.0 + shrink.sum();
        let mse = resid.mapv(|e| e * e).mean().unwrap_or(0.0);
        let denom = (1.0 - trace / nf).powi(2);
        out.push(LooScore {
            alpha,
            loo_mse: loo / (n * y.ncols()) as f64,
            gcv: if denom > 0.0 {
                mse / denom
            } else {
                f64::INFINITY
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperparams::FitOptions;
    use approx::assert_abs_diff_eq;
    use ndarray::{Array2, array, s};

    fn toy() -> (Array2<f64>, Array2<f64>) {
        let x = Array2::from_shape_fn((9, 4), |(i, j)| {
            ((i * 7 + j * 3) % 5) as f64 + 0.1 * (i * j) as f64
        });
        let y = Array2::from_shape_fn((9, 2), |(i, t)| {
            x[[i, 0]] - 2.0 * x[[i, 2]] + t as f64 * x[[i, 1]] + 0.01 * (i as f64).sin()
        });
        (x, y)
    }

    fn centred(a: &Array2<f64>) -> Array2<f64> {
        a - &a.mean_axis(Axis(0)).unwrap()
    }

    #[test]
    fn ridge_matches_normal_equations() {
        let (x, y) = toy();
        let (xc, yc) = (centred(&x), centred(&y));
        let alpha = 0.3;
        let p = FitOptions::new().alpha(alpha).validate().unwrap();
        let w = NativeRidge.solve(xc.view(), yc.view(), &p).unwrap().w;
        // (XᵀX + αI) wᵀ = Xᵀy: the ridge objective ‖y − Xw‖² + α‖w‖² (scikit-learn's α).
        let lhs = xc.t().dot(&xc) + Array2::<f64>::eye(4) * alpha;
        assert_abs_diff_eq!(lhs.dot(&w.t()), xc.t().dot(&yc), epsilon = 1e-10);
    }

    #[test]
    fn ols_is_minimum_norm_when_underdetermined() {
        let (x, y) = toy();
        let (xc, yc) = (
            centred(&x.slice(s![..3, ..]).to_owned()),
            centred(&y.slice(s![..3, ..]).to_owned()),
        );
        let out = NativeOls
            .solve(xc.view(), yc.view(), &FitOptions::new().validate().unwrap())
            .unwrap();
        assert_eq!(out.info.rank, Some(2));
        // Interpolates, and lies in the row space of X (minimum norm).
        assert_abs_diff_eq!(xc.dot(&out.w.t()), yc, epsilon = 1e-10);
        let svd = Svd::new(xc.view()).unwrap();
        let vr = svd.vt.slice(s![..2, ..]);
        let proj = out.w.dot(&vr.t()).dot(&vr);
        assert_abs_diff_eq!(proj, out.w, epsilon = 1e-10);
    }

    #[test]
    fn exact_loo_equals_brute_force_refits() {
        let (x, y) = toy();
        let alpha = 0.5;
        let scores = ridge_loo_gcv(x.view(), y.view(), &[alpha]).unwrap();
        let n = x.nrows();
        let mut sse = 0.0;
        for i in 0..n {
            let keep: Vec<usize> = (0..n).filter(|&k| k != i).collect();
            let (xt, yt) = (x.select(Axis(0), &keep), y.select(Axis(0), &keep));
            let (mx, my) = (
                xt.mean_axis(Axis(0)).unwrap(),
                yt.mean_axis(Axis(0)).unwrap(),
            );
            let p = FitOptions::new().alpha(alpha).validate().unwrap();
            let w = NativeRidge
                .solve((&xt - &mx).view(), (&yt - &my).view(), &p)
                .unwrap()
                .w;
            let pred = (&x.row(i) - &mx).dot(&w.t()) + &my;
            sse += (&y.row(i) - &pred).mapv(|e| e * e).sum();
        }
        assert_abs_diff_eq!(scores[0].loo_mse, sse / (n * 2) as f64, epsilon = 1e-12);
        assert!(scores[0].gcv.is_finite());
    }

    #[test]
    fn negative_alpha_on_the_path_is_rejected() {
        let (x, y) = toy();
        let p = FitOptions::new().validate().unwrap();
        let err = NativeRidge
            .solve_path(x.view(), y.view(), &p, &[1.0, -1.0])
            .err()
            .unwrap();
        assert!(matches!(
            err,
            RegressError::InvalidParameter { name: "alpha", .. }
        ));
        let _ = array![1.0];
    }
}
