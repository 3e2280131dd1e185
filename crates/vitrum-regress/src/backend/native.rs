//! Native SVD solvers: minimum-norm least squares and ridge.
//!
//! One thin SVD `X = U S Vᵀ` of the centred design serves every target and every α:
//! `W_α = Cᵀ diag(s/(s²+α)) Vᵀ` with `C = UᵀY`, so a whole α path for all targets costs one SVD
//! plus `O(α · k · (p + t))`. This is what makes cross-validated ridge cheap; validation scores
//! are computed in the same basis without forming weights ([`RidgeBasis::validation_r2`]). When
//! `n ≫ p` the basis comes from the eigendecomposition of `XᵀX` instead ([`RidgeBasis`]). The SVD also handles
//! `n < p` and rank deficiency (collinear g(r) bins, all-zero bins inside the core) without the
//! normal equations' squared condition number.

use super::{Backend, SolverInfo, SolverOutput};
use crate::error::{RegressError, Result};
use crate::hyperparams::{FitParams, ModelKind};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
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

/// Ridge through one factorisation for the whole α path (scikit-learn `Ridge`; same α).
pub struct NativeRidge;

/// Designs with at least this many rows per feature are factorised through the eigendecomposition
/// of the `p × p` Gram matrix `XᵀX` instead of an SVD of `X` (fewer flops when `n ≫ p`; the same
/// normal-equation conditioning as scikit-learn's own `cholesky` solver, which it uses there).
pub const GRAM_ROWS_PER_FEATURE: usize = 2;

/// What ridge needs of a centred design `X = U S Vᵀ` and centred targets `Y`, for every α:
/// `W_αᵀ = V diag(1/(λ + α)) Q` with `λ = s²` and `Q = Vᵀ XᵀY = S UᵀY` `[r × t]`.
pub struct RidgeBasis {
    /// Right singular vectors `Vᵀ`, `[r × p]`.
    pub vt: Array2<f64>,
    /// Squared singular values λ = s² (eigenvalues of `XᵀX`), descending, `[r]`.
    pub lambda: Array1<f64>,
    /// `Q = Vᵀ XᵀY`, `[r × t]`.
    pub q: Array2<f64>,
    /// Numerical rank (see [`Svd::rank`]; through the Gram matrix, eigenvalues above
    /// `p · ε · λ_max`).
    pub rank: usize,
    /// Smallest λ kept by the minimum-norm (α = 0) filter.
    pub lambda_cut: f64,
    /// Whether the basis came from the Gram matrix (else from an SVD of `X`).
    pub via_gram: bool,
}

impl RidgeBasis {
    /// Factorises: through `XᵀX` when `n ≥ GRAM_ROWS_PER_FEATURE · p` and no α is 0 (the
    /// minimum-norm limit needs the SVD's resolution of small singular values), else by SVD.
    pub fn new(x: ArrayView2<f64>, y: ArrayView2<f64>, alphas: &[f64]) -> Result<Self> {
        let (n, p) = x.dim();
        if n >= GRAM_ROWS_PER_FEATURE * p && alphas.iter().all(|&a| a > 0.0) {
            return Self::via_gram(x, y);
        }
        let svd = Svd::new(x)?;
        let rank = svd.rank();
        let q = svd.u.t().dot(&y) * svd.s.view().insert_axis(Axis(1));
        let s_max = svd.s.first().copied().unwrap_or(0.0);
        let cut = s_max * f64::EPSILON;
        Ok(Self {
            lambda: svd.s.mapv(|v| v * v),
            lambda_cut: cut * cut,
            vt: svd.vt,
            q,
            rank,
            via_gram: false,
        })
    }

    fn via_gram(x: ArrayView2<f64>, y: ArrayView2<f64>) -> Result<Self> {
        let gram = x.t().dot(&x);
        // The eigendecomposition of the symmetric positive semi-definite Gram matrix is its SVD,
        // and LAPACK's divide-and-conquer SVD (`gesdd`) is several times faster than `syev`'s QR
        // iteration for the eigenvectors. A rounding-level negative eigenvalue appears as a
        // rounding-level singular value: harmless, as is any λ below the cut-off.
        let (_, lambda, vt) = gram.svddc(JobSvd::Some).map_err(|e| RegressError::Linalg {
            context: "eigendecomposition of XᵀX",
            message: e.to_string(),
        })?;
        let vt = vt.ok_or_else(|| RegressError::Linalg {
            context: "eigendecomposition of XᵀX",
            message: "LAPACK returned no singular vectors".into(),
        })?;
        let q = vt.dot(&x.t().dot(&y));
        let l_max = lambda.first().copied().unwrap_or(0.0);
        let cut = l_max * f64::EPSILON * x.ncols() as f64;
        Ok(Self {
            rank: lambda.iter().filter(|&&l| l > cut).count(),
            lambda_cut: cut,
            lambda,
            vt,
            q,
            via_gram: true,
        })
    }

    /// Ridge filter `1/(λ + α)`; α = 0 falls back to the minimum-norm pseudo-inverse.
    pub fn filter(&self, alpha: f64) -> Array1<f64> {
        self.lambda.mapv(|l| {
            if alpha > 0.0 {
                1.0 / (l + alpha)
            } else if l > self.lambda_cut {
                1.0 / l
            } else {
                0.0
            }
        })
    }

    /// Coefficients in the basis, `D = diag(filter) Q`, `[r × t]`.
    pub fn coefficients(&self, alpha: f64) -> Array2<f64> {
        &self.q * &self.filter(alpha).insert_axis(Axis(1))
    }

    /// Weights `[targets × p]` for one α.
    pub fn weights(&self, alpha: f64) -> Array2<f64> {
        self.coefficients(alpha).t().dot(&self.vt)
    }

    fn info(&self) -> SolverInfo {
        SolverInfo {
            rank: Some(self.rank),
            notes: if self.via_gram {
                vec!["factorised through the eigendecomposition of XᵀX (n ≥ 2p)".into()]
            } else {
                Vec::new()
            },
            ..Default::default()
        }
    }

    /// Validation R² (uniform average, [`crate::metrics::r2_per_target`]'s rule for constant
    /// columns) of every α on rows `xv` (preprocessed like `x`) against raw targets `yv`, the
    /// prediction being `xv Wᵀ + y_mean`, without forming any weight matrix or prediction per α.
    ///
    /// With `P = X_v V` `[n_v × r]` projected once, `E = Y_v − ȳ`, `A = PᵀP` and `B = PᵀE`, the
    /// residual sum of squares of target t at filter `f = 1/(λ + α)` is
    /// `‖e_t‖² − 2 Σ_i f_i q_it b_it + Σ_ij f_i f_j q_it q_jt A_ij`. The uniform R² needs only the
    /// sum of `SSE_t / SST_t` over targets, so the target sums are taken once:
    /// `g_i = Σ_t q_it b_it / SST_t` and `M = A ∘ (Q diag(1/SST) Qᵀ)`, after which each α costs
    /// `fᵀ M f − 2 fᵀ g`, `O(r²)` — the `O(r² · t)` of the whole path is paid once, not per α (at
    /// 1 000 × 200 → 200 and 17 α that was half of the cross-validation's flops). The expansion's
    /// rounding is `ε · ‖e_t‖² / SST_t` per target, so R² is exact to ~1e-14 however good the fit.
    /// Columns whose validation values are constant are scored from their exact residuals, because
    /// there scikit-learn's rule distinguishes an exactly zero residual from a tiny one.
    pub fn validation_r2(
        &self,
        xv: ArrayView2<f64>,
        yv: ArrayView2<f64>,
        y_mean: ArrayView1<f64>,
        alphas: &[f64],
    ) -> Vec<f64> {
        let pv = xv.dot(&self.vt.t());
        let e = &yv - &y_mean;
        let t = yv.ncols();
        // Σ (y − ȳ_v)² of the raw column, exactly as `metrics::r2_per_target` computes it.
        let sst: Vec<f64> = yv
            .axis_iter(Axis(1))
            .map(|c| {
                let m = c.mean().unwrap_or(0.0);
                c.iter().map(|v| (v - m).powi(2)).sum()
            })
            .collect();
        let inv_sst = Array1::from_iter(sst.iter().map(|&s| if s != 0.0 { 1.0 / s } else { 0.0 }));
        let constant: Vec<usize> = (0..t).filter(|&k| sst[k] == 0.0).collect();
        let varying = (t - constant.len()) as f64;
        let a = pv.t().dot(&pv);
        let b = pv.t().dot(&e);
        let q_scaled = &self.q * &inv_sst.view().insert_axis(Axis(0));
        let m = &a * &q_scaled.dot(&self.q.t());
        let g = (&q_scaled * &b).sum_axis(Axis(1));
        let ee: f64 = e
            .axis_iter(Axis(1))
            .zip(&inv_sst)
            .map(|(c, w)| c.dot(&c) * w)
            .sum();
        alphas
            .iter()
            .map(|&alpha| {
                let f = self.filter(alpha);
                let sse_over_sst = ee - 2.0 * f.dot(&g) + f.dot(&m.dot(&f));
                let exact_constant = constant
                    .iter()
                    .filter(|&&k| {
                        let dk = &self.q.column(k) * &f;
                        let pred = pv.dot(&dk) + y_mean[k];
                        yv.column(k).iter().zip(&pred).all(|(y, p)| y == p)
                    })
                    .count() as f64;
                (varying - sse_over_sst + exact_constant) / t.max(1) as f64
            })
            .collect()
    }
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
        let basis = RidgeBasis::new(x, y, alphas)?;
        Ok(alphas
            .iter()
            .map(|&a| SolverOutput {
                w: basis.weights(a),
                info: basis.info(),
            })
            .collect())
    }
    fn validation_r2_path(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        xv: ArrayView2<f64>,
        yv: ArrayView2<f64>,
        y_mean: ArrayView1<f64>,
        _: &FitParams,
        alphas: &[f64],
    ) -> Result<Vec<f64>> {
        check_alphas(alphas)?;
        Ok(RidgeBasis::new(x, y, alphas)?.validation_r2(xv, yv, y_mean, alphas))
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

    /// n ≥ 2p goes through the eigendecomposition of XᵀX: same weights as the SVD (1e-9 relative:
    /// the normal equations square the condition number, ~1e3 here, so ~1e-13 is expected).
    #[test]
    fn gram_basis_matches_svd_basis() {
        let x = centred(&Array2::from_shape_fn((40, 6), |(i, j)| {
            ((i * 7 + j * 3) % 5) as f64 + (0.37 * (i * j) as f64).sin()
        }));
        let y = centred(&Array2::from_shape_fn((40, 3), |(i, t)| {
            x[[i, 1]] - 0.5 * x[[i, 4]] * t as f64 + 0.1 * ((i * 13) % 7) as f64
        }));
        let gram = RidgeBasis::new(x.view(), y.view(), &[0.1, 3.0]).unwrap();
        let svd = RidgeBasis::new(x.view(), y.view(), &[0.0, 0.1, 3.0]).unwrap();
        assert!(gram.via_gram && !svd.via_gram);
        assert_eq!(gram.rank, svd.rank);
        for a in [0.1, 3.0] {
            let (wg, ws) = (gram.weights(a), svd.weights(a));
            let scale = ws.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            assert_abs_diff_eq!(wg, ws, epsilon = 1e-9 * scale);
        }
    }

    /// Scoring in the basis is the same R² as predicting and scoring, including scikit-learn's
    /// rule for constant validation columns (an all-zero column predicted exactly scores 1, a
    /// constant column predicted inexactly 0). 1e-12: the expansion's rounding is ~1e-15.
    #[test]
    fn basis_validation_r2_equals_predict_then_score() {
        for (n, p) in [(9usize, 4usize), (30, 4), (5, 8)] {
            let x = Array2::from_shape_fn((n + 4, p), |(i, j)| {
                ((i * 7 + j * 3) % 5) as f64 + 0.1 * (i * j) as f64
            });
            let mut y = Array2::from_shape_fn((n + 4, 4), |(i, t)| {
                x[[i, 0]] - 2.0 * x[[i, 2]] + t as f64 * x[[i, 1]] + 0.3 * (i as f64).sin()
            });
            y.column_mut(2).fill(0.0); // empty bin: exact
            y.slice_mut(s![n.., 3]).fill(0.7); // constant only in validation: inexact
            let (xt, yt) = (x.slice(s![..n, ..]), y.slice(s![..n, ..]));
            let (xv, yv) = (x.slice(s![n.., ..]), y.slice(s![n.., ..]));
            let (mx, my) = (
                xt.mean_axis(Axis(0)).unwrap(),
                yt.mean_axis(Axis(0)).unwrap(),
            );
            let (xc, yc, xvc) = (&xt - &mx, &yt - &my, &xv - &mx);
            let alphas = [1e-3, 0.5, 20.0];
            let basis = RidgeBasis::new(xc.view(), yc.view(), &alphas).unwrap();
            assert_eq!(basis.via_gram, n >= 2 * p);
            let fast = basis.validation_r2(xvc.view(), yv, my.view(), &alphas);
            for (k, &a) in alphas.iter().enumerate() {
                let pred = xvc.dot(&basis.weights(a).t()) + &my;
                let slow = crate::metrics::r2_uniform(yv, pred.view());
                assert_abs_diff_eq!(fast[k], slow, epsilon = 1e-12);
                let per = crate::metrics::r2_per_target(yv, pred.view());
                assert_eq!((per[2], per[3]), (1.0, 0.0));
            }
        }
    }
}
