//! Native lasso and elastic net: cyclic coordinate descent on the Gram matrix, with an active set
//! and a final exact solve on the support.
//!
//! Same objective, α, ρ and stopping rule as scikit-learn's `ElasticNet` (duality gap, in the
//! `n`-scaled units of its Cython solver, below `tol · ‖y − ȳ‖²`), but:
//! - the Gram matrix `G = XᵀX` and `q = Xᵀy` are formed once (shared by all targets), so a
//!   coordinate update costs `O(1)` plus `O(p)` only when the coefficient moves; sweeps between
//!   full passes run over the non-zero coefficients only;
//! - targets run in parallel;
//! - along an α path ([`Backend::solve_path`], which cross-validation uses) each target is
//!   solved in descending α, warm-started from the previous solution, as scikit-learn's
//!   `enet_path`; the Gram matrix is formed once per path;
//! - sweeps over the support are Anderson-accelerated (extrapolations kept only when they lower
//!   the objective);
//! - once converged, the KKT system restricted to the support and signs found,
//!   `(G_AA + λ₂I) w_A = q_A − λ₁ sign(w_A)`, is solved directly; the result is kept only if it is
//!   sign-consistent, satisfies the KKT conditions off the support, and lowers the objective. On the
//!   strongly collinear g(r) features coordinate descent crawls along flat directions; this jump
//!   lands on the exact optimum, so the objective is at or below scikit-learn's.

use super::{Backend, SolverOutput, TargetFit, per_target_path};
use crate::error::Result;
use crate::hyperparams::{FitParams, ModelKind};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// Backends of this file.
pub static BACKENDS: &[&dyn Backend] = &[
    &NativeEnet {
        name: "native-lasso",
        kind: ModelKind::Lasso,
    },
    &NativeEnet {
        name: "native-elasticnet",
        kind: ModelKind::ElasticNet,
    },
];

/// Native lasso (scikit-learn `Lasso`, same α) and elastic net (`ElasticNet`, same α and l1
/// ratio): one coordinate-descent solver, lasso being ρ = 1.
pub struct NativeEnet {
    name: &'static str,
    kind: ModelKind,
}

impl Backend for NativeEnet {
    fn name(&self) -> &'static str {
        self.name
    }
    fn kind(&self) -> ModelKind {
        self.kind
    }
    fn solve(&self, x: ArrayView2<f64>, y: ArrayView2<f64>, p: &FitParams) -> Result<SolverOutput> {
        Ok(self.solve_path(x, y, p, &[p.alpha])?.remove(0))
    }
    fn solve_path(
        &self,
        x: ArrayView2<f64>,
        y: ArrayView2<f64>,
        p: &FitParams,
        alphas: &[f64],
    ) -> Result<Vec<SolverOutput>> {
        let rho = self.kind.effective_l1_ratio(p.l1_ratio);
        solve_enet_path(x, y, alphas, rho, p.tol, p.max_iter)
    }
}

/// Solves for every α (returned in the given order) along the path in descending α, each target
/// warm-started from its solution at the previous, larger α (scikit-learn's `enet_path`); the
/// Gram matrix is formed once for the path. Every α gets the full `max_iter` and the same
/// stopping rule as a cold fit, so warm starts change the work, not the answer's tolerance.
fn solve_enet_path(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    alphas: &[f64],
    l1_ratio: f64,
    tol: f64,
    max_iter: usize,
) -> Result<Vec<SolverOutput>> {
    if let Some(&a) = alphas.iter().find(|a| !a.is_finite() || **a < 0.0) {
        return Err(crate::error::RegressError::InvalidParameter {
            name: "alpha",
            value: a,
            reason: "must be finite and ≥ 0",
        });
    }
    let n = x.nrows() as f64;
    let gram = x.t().dot(&x);
    let q_all = x.t().dot(&y);
    let mut order: Vec<usize> = (0..alphas.len()).collect();
    order.sort_by(|&i, &j| alphas[j].total_cmp(&alphas[i]));
    let mut outs = per_target_path(x, y, alphas.len(), |t, yt| {
        let q = q_all.column(t);
        let yy = yt.dot(&yt);
        let mut fits: Vec<Option<TargetFit>> = vec![None; alphas.len()];
        let mut warm: Option<Array1<f64>> = None;
        for &k in &order {
            // scikit-learn's Cython solver works with the objective multiplied by n.
            let (l1, l2) = (n * alphas[k] * l1_ratio, n * alphas[k] * (1.0 - l1_ratio));
            let fit = Cd::new(&gram, q, yy, l1, l2, warm.take()).run(tol, max_iter);
            warm = Some(fit.coef.clone());
            fits[k] = Some(fit);
        }
        Ok(fits.into_iter().flatten().collect())
    })?;
    for out in &mut outs {
        out.info.notes.push(
            "dual_gap in scikit-learn's n-scaled units: ½‖r‖² + nαρ‖w‖₁ + ½nα(1−ρ)‖w‖² objective"
                .into(),
        );
    }
    Ok(outs)
}

/// Coordinate-descent state for one target.
struct Cd<'a> {
    g: &'a Array2<f64>,
    /// `g` in memory order (symmetric, so rows and columns coincide).
    gs: &'a [f64],
    q: Array1<f64>,
    yy: f64,
    l1: f64,
    l2: f64,
    w: Array1<f64>,
    /// `G w`, kept current so a coordinate's gradient costs O(1).
    gw: Array1<f64>,
}

impl<'a> Cd<'a> {
    /// State at `w0` (a warm start) or at zero.
    fn new(
        g: &'a Array2<f64>,
        q: ArrayView1<'a, f64>,
        yy: f64,
        l1: f64,
        l2: f64,
        w0: Option<Array1<f64>>,
    ) -> Self {
        let w = w0.unwrap_or_else(|| Array1::zeros(q.len()));
        let gw = if w.iter().all(|&v| v == 0.0) {
            Array1::zeros(q.len())
        } else {
            g.dot(&w)
        };
        Self {
            g,
            gs: g
                .as_slice_memory_order()
                .expect("the Gram matrix is formed contiguous"),
            q: q.to_owned(),
            yy,
            l1,
            l2,
            w,
            gw,
        }
    }

    /// One cyclic pass over `idx`; returns (largest |Δw|, largest |w|) as scikit-learn tracks them.
    fn sweep(&mut self, idx: &[usize]) -> (f64, f64) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (just checked); the body is safe code.
            return unsafe { self.sweep_avx2(idx) };
        }
        self.sweep_generic(idx)
    }

    /// [`Self::sweep`] compiled for AVX2 (twice the SIMD width for the axpy). Rust never fuses
    /// multiply and add on its own, so the result is bit-for-bit the generic one.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn sweep_avx2(&mut self, idx: &[usize]) -> (f64, f64) {
        self.sweep_generic(idx)
    }

    #[inline(always)]
    fn sweep_generic(&mut self, idx: &[usize]) -> (f64, f64) {
        let p = self.w.len();
        // Plain slices: the axpy below is the solver's inner loop and vectorises as such.
        let (g, q) = (self.gs, &self.q);
        let (Some(w), Some(gw)) = (self.w.as_slice_mut(), self.gw.as_slice_mut()) else {
            unreachable!("owned 1-D arrays are contiguous")
        };
        let (mut d_max, mut w_max) = (0.0f64, 0.0f64);
        for &j in idx {
            let gjj = g[j * p + j];
            if gjj == 0.0 {
                continue;
            }
            let old = w[j];
            let rho = q[j] - gw[j] + gjj * old;
            let new = soft(rho, self.l1) / (gjj + self.l2);
            if new != old {
                let d = new - old;
                for (a, &b) in gw.iter_mut().zip(&g[j * p..(j + 1) * p]) {
                    *a += d * b;
                }
                w[j] = new;
                d_max = d_max.max(d.abs());
            }
            w_max = w_max.max(new.abs());
        }
        (d_max, w_max)
    }

    /// Primal objective in n-scaled units: ½‖y − Xw‖² + λ₁‖w‖₁ + ½λ₂‖w‖².
    fn objective(&self, w: &Array1<f64>, gw: &Array1<f64>) -> f64 {
        let r2 = self.yy - 2.0 * self.q.dot(w) + w.dot(gw);
        0.5 * r2 + self.l1 * w.mapv(f64::abs).sum() + 0.5 * self.l2 * w.dot(w)
    }

    /// scikit-learn's duality gap (`enet_coordinate_descent_gram`).
    fn gap(&self) -> f64 {
        let (w, gw) = (&self.w, &self.gw);
        let qw = self.q.dot(w);
        let r2 = (self.yy - 2.0 * qw + w.dot(gw)).max(0.0);
        let dual_norm = self
            .q
            .iter()
            .zip(gw.iter().zip(w.iter()))
            .map(|(q, (gw, w))| (q - gw - self.l2 * w).abs())
            .fold(0.0, f64::max);
        let (c, mut gap) = if dual_norm > self.l1 {
            let c = self.l1 / dual_norm;
            (c, 0.5 * (r2 + r2 * c * c))
        } else {
            (1.0, r2)
        };
        let w_norm2 = w.dot(w);
        gap += self.l1 * w.mapv(f64::abs).sum() - c * (self.yy - qw)
            + 0.5 * self.l2 * (1.0 + c * c) * w_norm2;
        gap
    }

    fn run(mut self, tol: f64, max_iter: usize) -> TargetFit {
        let p = self.q.len();
        let all: Vec<usize> = (0..p).collect();
        let gap_tol = tol * self.yy;
        // Sweeps over the support stop at this relative change; the exact solve on the support
        // (not more sweeps) is what then takes the iterate the rest of the way.
        let inner_tol = tol.max(1e-3);
        let mut n_iter = 0;
        let mut gap = f64::INFINITY;
        let mut converged = false;
        let mut last_support: Option<Vec<usize>> = None;
        let mut tried: Option<Vec<usize>> = None;
        while n_iter < max_iter {
            let (d, m) = self.sweep(&all);
            n_iter += 1;
            if m == 0.0 || d / m < tol || n_iter == max_iter {
                gap = self.gap();
                if gap <= gap_tol {
                    converged = true;
                    break;
                }
            }
            let support: Vec<usize> = all.iter().copied().filter(|&j| self.w[j] != 0.0).collect();
            // A support that survived a full pass unchanged is likely the optimal one: try the
            // exact solve on it (|A|³, |A| ≤ n: a few sweeps' worth), once per support; the KKT
            // check rejects a wrong support and the gap decides whether to stop.
            if last_support.as_ref() == Some(&support)
                && tried.as_ref() != Some(&support)
                && self.polish()
            {
                gap = self.gap();
                if gap <= gap_tol {
                    converged = true;
                    break;
                }
            }
            if last_support.as_ref() == Some(&support) {
                tried = Some(support.clone());
            }
            let mut anderson = Anderson::new(ANDERSON_K);
            while n_iter < max_iter && !support.is_empty() {
                let (d, m) = self.sweep(&support);
                n_iter += 1;
                if m == 0.0 || d / m < inner_tol {
                    break;
                }
                if let Some(w_acc) = anderson.push(&self.w) {
                    self.accept_if_better(w_acc);
                }
            }
            last_support = Some(support);
        }
        if converged && self.polish() {
            gap = self.gap();
        }
        TargetFit {
            coef: self.w,
            n_iter: Some(n_iter),
            gap: Some(gap),
            converged,
        }
    }

    /// Replaces the iterate by `w` if that lowers the objective. Returns whether it did.
    fn accept_if_better(&mut self, w: Array1<f64>) -> bool {
        let mut gw = Array1::zeros(w.len());
        for (j, &v) in w.iter().enumerate() {
            if v != 0.0 {
                gw.scaled_add(v, &self.g.row(j));
            }
        }
        if self.objective(&w, &gw) < self.objective(&self.w, &self.gw) {
            self.w = w;
            self.gw = gw;
            return true;
        }
        false
    }

    /// Exact solve on the support (see the module doc); keeps the CD solution unless it improves.
    /// Returns whether the iterate was replaced.
    fn polish(&mut self) -> bool {
        let support: Vec<usize> = (0..self.w.len()).filter(|&j| self.w[j] != 0.0).collect();
        if support.is_empty() {
            return false;
        }
        let k = support.len();
        let mut a = Array2::zeros((k, k));
        let mut rhs = Array1::zeros(k);
        for (r, &i) in support.iter().enumerate() {
            for (c, &j) in support.iter().enumerate() {
                a[[r, c]] = self.g[[i, j]];
            }
            a[[r, r]] += self.l2;
            rhs[r] = self.q[i] - self.l1 * self.w[i].signum();
        }
        let Some(sol) = cholesky_solve(a, rhs) else {
            return false;
        };
        let mut w = Array1::zeros(self.w.len());
        for (r, &i) in support.iter().enumerate() {
            if sol[r].signum() != self.w[i].signum() || !sol[r].is_finite() {
                return false;
            }
            w[i] = sol[r];
        }
        let gw = self.g.dot(&w);
        // KKT off the support: |q_j − (Gw)_j| ≤ λ₁ (a relative slack for rounding).
        let slack = 1e-9 * self.l1.max(f64::MIN_POSITIVE);
        let kkt = (0..w.len())
            .filter(|&j| w[j] == 0.0)
            .all(|j| (self.q[j] - gw[j]).abs() <= self.l1 + slack);
        if kkt && self.objective(&w, &gw) <= self.objective(&self.w, &self.gw) {
            self.w = w;
            self.gw = gw;
            return true;
        }
        false
    }
}

/// Iterates per Anderson extrapolation.
const ANDERSON_K: usize = 5;

/// Anderson acceleration of coordinate descent (Bertrand & Massias, "Anderson acceleration of
/// coordinate descent", AISTATS 2021; as in skglm): every `k` sweeps, the affine combination of
/// the last `k` iterates that minimises the norm of the combined differences. The caller keeps it
/// only if it lowers the objective, so convergence guarantees and the stopping rule are CD's.
struct Anderson {
    k: usize,
    hist: Vec<Array1<f64>>,
}

impl Anderson {
    fn new(k: usize) -> Self {
        Self {
            k,
            hist: Vec::with_capacity(k + 1),
        }
    }

    /// Records an iterate; every `k + 1` iterates returns the extrapolated point (if defined).
    fn push(&mut self, w: &Array1<f64>) -> Option<Array1<f64>> {
        self.hist.push(w.clone());
        if self.hist.len() < self.k + 1 {
            return None;
        }
        let h = std::mem::take(&mut self.hist);
        let k = self.k;
        let u: Vec<Array1<f64>> = (0..k).map(|i| &h[i + 1] - &h[i]).collect();
        let mut c = Array2::zeros((k, k));
        for i in 0..k {
            for j in 0..=i {
                let v = u[i].dot(&u[j]);
                c[[i, j]] = v;
                c[[j, i]] = v;
            }
        }
        // A relative ridge keeps the (often nearly singular) system solvable.
        let trace: f64 = (0..k).map(|i| c[[i, i]]).sum();
        if !(trace > 0.0 && trace.is_finite()) {
            return None;
        }
        for i in 0..k {
            c[[i, i]] += 1e-10 * trace;
        }
        let z = cholesky_solve(c, Array1::ones(k))?;
        let sum = z.sum();
        if !(sum.is_finite() && sum != 0.0) {
            return None;
        }
        let mut w_acc = Array1::zeros(w.len());
        for i in 0..k {
            w_acc.scaled_add(z[i] / sum, &h[i + 1]);
        }
        Some(w_acc)
    }
}

/// Solves `A x = b` for symmetric positive definite `A` by Cholesky; `None` if a pivot is not
/// positive (a singular support: then the support solve is skipped). Plain Rust: the systems are
/// small (|A| ≤ n) and solved from many threads at once.
fn cholesky_solve(a: Array2<f64>, mut b: Array1<f64>) -> Option<Array1<f64>> {
    let k = b.len();
    // Row-major lower triangle in a flat buffer: inner loops are slice dot products.
    let mut l = a.into_raw_vec_and_offset().0;
    let scale = (0..k).map(|i| l[i * k + i]).fold(0.0f64, f64::max);
    for j in 0..k {
        let (head, tail) = l.split_at_mut(j * k);
        let row_j = &mut tail[..k];
        for i in 0..j {
            let row_i = &head[i * k..i * k + i];
            let v = row_j[i] - dot(&row_j[..i], row_i);
            row_j[i] = v / head[i * k + i];
        }
        let d = row_j[j] - dot(&row_j[..j], &row_j[..j]);
        if d.is_nan() || d <= 1e-13 * scale {
            return None;
        }
        row_j[j] = d.sqrt();
    }
    let bs = b.as_slice_mut()?;
    for i in 0..k {
        bs[i] = (bs[i] - dot(&l[i * k..i * k + i], &bs[..i])) / l[i * k + i];
    }
    for i in (0..k).rev() {
        let mut v = bs[i];
        for m in i + 1..k {
            v -= l[m * k + i] * bs[m];
        }
        bs[i] = v / l[i * k + i];
    }
    Some(b)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn soft(v: f64, t: f64) -> f64 {
    if v > t {
        v - t
    } else if v < -t {
        v + t
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperparams::FitOptions;
    use approx::assert_abs_diff_eq;

    #[test]
    fn lasso_satisfies_kkt_in_scikit_learn_units() {
        let x = Array2::from_shape_fn((30, 6), |(i, j)| {
            ((i * 13 + j * 7) % 11) as f64 / 5.0 + (j as f64) * 0.01 * i as f64
        });
        let x = &x - &x.mean_axis(ndarray::Axis(0)).unwrap();
        let y = x.dot(&ndarray::array![[1.0], [0.0], [-2.0], [0.0], [0.5], [0.0]]);
        let alpha = 0.05;
        let p = FitOptions::new()
            .alpha(alpha)
            .tol(1e-12)
            .max_iter(100_000)
            .validate()
            .unwrap();
        let out = crate::backend::by_name("native-lasso")
            .unwrap()
            .solve(x.view(), y.view(), &p)
            .unwrap();
        assert_eq!(out.info.converged, Some(true));
        // Subgradient of (1/2n)‖y − Xw‖² + α‖w‖₁ contains 0.
        let n = x.nrows() as f64;
        let grad = x.t().dot(&(&y.column(0) - &x.dot(&out.w.row(0)))) / n;
        for j in 0..6 {
            let wj = out.w[[0, j]];
            if wj != 0.0 {
                assert_abs_diff_eq!(grad[j], alpha * wj.signum(), epsilon = 1e-9);
            } else {
                assert!(grad[j].abs() <= alpha + 1e-9);
            }
        }
    }

    /// Warm starts along the path change the work, not the answer: every α of the path meets the
    /// same duality-gap tolerance as a cold fit, so path and cold objectives agree to that
    /// tolerance (gap ≤ tol·‖y‖² in n-scaled units bounds each one's excess over the optimum;
    /// 1e-10 relative to ‖y‖²/n leaves both within 2·tol of it).
    #[test]
    fn warm_started_path_matches_cold_fits() {
        let x = Array2::from_shape_fn((25, 12), |(i, j)| {
            ((i * 13 + j * 7) % 11) as f64 / 5.0 + (0.2 * (i * j) as f64).cos()
        });
        let x = &x - &x.mean_axis(ndarray::Axis(0)).unwrap();
        let y = Array2::from_shape_fn((25, 3), |(i, t)| {
            x[[i, 0]] - 2.0 * x[[i, 4]] + (t as f64) * x[[i, 7]] + 0.05 * ((i * 31) % 7) as f64
        });
        let y = &y - &y.mean_axis(ndarray::Axis(0)).unwrap();
        let tol = 1e-10;
        let p = FitOptions::new()
            .l1_ratio(0.5)
            .tol(tol)
            .max_iter(100_000)
            .validate()
            .unwrap();
        // Deliberately not sorted: outputs come back in the order asked.
        let alphas = [1e-3, 1.0, 1e-2, 1e-1];
        let path = crate::backend::by_name("native-elasticnet")
            .unwrap()
            .solve_path(x.view(), y.view(), &p, &alphas)
            .unwrap();
        for (k, &a) in alphas.iter().enumerate() {
            let pa = p.with_alpha(a).unwrap();
            let cold = crate::backend::by_name("native-elasticnet")
                .unwrap()
                .solve(x.view(), y.view(), &pa)
                .unwrap();
            assert_eq!(path[k].info.converged, Some(true));
            let obj = |w: &Array2<f64>| {
                crate::model::objective(ModelKind::ElasticNet, &pa, x.view(), y.view(), w)
            };
            let (ow, oc) = (obj(&path[k].w), obj(&cold.w));
            for t in 0..3 {
                let scale = y.column(t).dot(&y.column(t)) / 25.0;
                assert!(
                    (ow[t] - oc[t]).abs() <= 2.0 * tol * scale,
                    "α {a}, target {t}: {} vs {}",
                    ow[t],
                    oc[t]
                );
            }
        }
    }

    #[test]
    fn anderson_extrapolates_a_linear_iteration_exactly() {
        // Iterates w_k = w* + c·0.5^k (one contraction direction): the affine combination with
        // zero combined difference is w* itself, to rounding.
        let target = Array1::from(vec![1.0, -2.0, 0.5]);
        let dir = Array1::from(vec![0.3, 0.1, -0.2]);
        let mut acc = Anderson::new(2);
        let mut out = None;
        for k in 0..3 {
            out = acc.push(&(&target + &(&dir * 0.5f64.powi(k))));
        }
        assert_abs_diff_eq!(out.unwrap(), target, epsilon = 1e-6);
    }
}
