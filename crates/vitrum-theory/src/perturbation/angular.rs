//! Angular averages of a plane wave over the directions of a pair, the only special functions
//! the quasi-crystalline approximation needs.
//!
//! For a pair along the unit vector n and a wave vector k with μ = k̂·n and x = |k| r:
//! `c0(x) = ⟨cos(x μ)⟩` and `cl(x) = ⟨μ² cos(x μ)⟩`, averaged over isotropic directions n.
//! - 3D: c0 = j0(x) = sin x/x, cl = sin x/x + 2 cos x/x² − 2 sin x/x³ (physics.md's J2);
//! - 2D: c0 = J0(x), cl = (J0(x) − J2(x))/2 (Bessel functions of the first kind, from `libm`,
//!   the Rust port of musl/FreeBSD msun, accurate to a few ulp; J2 by its `jn`).
//!
//! Their x-derivatives are needed for the density response (k_D moves with ρ). Near x = 0 the
//! closed 3D forms cancel catastrophically, so there the Taylor series is summed instead.

/// c0, cl and their derivatives with respect to x at one x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Angular {
    pub c0: f64,
    pub cl: f64,
    pub dc0: f64,
    pub dcl: f64,
}

/// ⟨μ²⟩ = 1/d and ⟨μ⁴⟩ = 3/(d(d+2)), the x → 0 moments (the sound-speed coefficients).
pub fn mu2(d: usize) -> f64 {
    1.0 / d as f64
}

pub fn mu4(d: usize) -> f64 {
    3.0 / (d * (d + 2)) as f64
}

/// Below this x the 3D forms are summed as series (12 terms: the first dropped term is
/// x²⁴/24! < 2e-24 at x = 1).
const SERIES_BELOW: f64 = 1.0;
const SERIES_TERMS: i32 = 12;

/// The averages at x = k r ≥ 0 in `d` = 2 or 3 dimensions.
pub fn averages(d: usize, x: f64) -> Angular {
    if d == 2 {
        bessel_2d(x)
    } else {
        spherical_3d(x)
    }
}

fn bessel_2d(x: f64) -> Angular {
    let j0 = libm::j0(x);
    let j1 = libm::j1(x);
    let j2 = libm::jn(2, x);
    // J0' = −J1, J2' = J1 − 2 J2/x, so cl' = (−J1 − J1 + 2 J2/x)/2 = −J1 + J2/x;
    // J2/x = x/8 + O(x³) near 0.
    let j2_over_x = if x < 1e-6 { x / 8.0 } else { j2 / x };
    Angular {
        c0: j0,
        cl: 0.5 * (j0 - j2),
        dc0: -j1,
        dcl: -j1 + j2_over_x,
    }
}

fn spherical_3d(x: f64) -> Angular {
    if x < SERIES_BELOW {
        // c0 = Σ (−1)ⁿ x²ⁿ/(2n+1)!, cl = Σ (−1)ⁿ x²ⁿ/((2n)! (2n+3)) (⟨μ^{2n+2}⟩ = 1/(2n+3)).
        let (mut c0, mut cl, mut dc0, mut dcl) = (0.0, 0.0, 0.0, 0.0);
        let mut fact = 1.0; // (2n)!
        for n in 0..SERIES_TERMS {
            let two_n = 2.0 * n as f64;
            if n > 0 {
                fact *= (two_n - 1.0) * two_n;
            }
            let sign = if n % 2 == 0 { 1.0 } else { -1.0 };
            let a0 = sign / (fact * (two_n + 1.0));
            let al = sign / (fact * (two_n + 3.0));
            c0 += a0 * x.powi(2 * n);
            cl += al * x.powi(2 * n);
            if n > 0 {
                dc0 += a0 * two_n * x.powi(2 * n - 1);
                dcl += al * two_n * x.powi(2 * n - 1);
            }
        }
        return Angular { c0, cl, dc0, dcl };
    }
    let (s, c) = x.sin_cos();
    let (x2, x3, x4) = (x * x, x * x * x, x * x * x * x);
    Angular {
        c0: s / x,
        cl: s / x + 2.0 * c / x2 - 2.0 * s / x3,
        dc0: (x * c - s) / x2,
        dcl: c / x - 3.0 * s / x2 - 6.0 * c / x3 + 6.0 * s / x4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ⟨f(μ)⟩ by quadrature: 2D over θ ∈ [0, 2π) (trapezoid, spectrally accurate for a periodic
    /// integrand), 3D over μ ∈ [−1, 1] (composite Simpson with h = 1e-4: error
    /// (b − a) h⁴ max|f⁗|/180 ≤ 2e-16·60⁴/90 ≈ 2e-11 at x = 60).
    fn average(d: usize, f: impl Fn(f64) -> f64) -> f64 {
        if d == 2 {
            let n = 2000;
            (0..n)
                .map(|i| f((2.0 * std::f64::consts::PI * i as f64 / n as f64).cos()))
                .sum::<f64>()
                / n as f64
        } else {
            let n = 20000;
            let h = 2.0 / n as f64;
            let mut s = f(-1.0) + f(1.0);
            for i in 1..n {
                let w = if i % 2 == 1 { 4.0 } else { 2.0 };
                s += w * f(-1.0 + i as f64 * h);
            }
            s * h / 3.0 / 2.0
        }
    }

    #[test]
    fn averages_match_direct_quadrature_and_their_derivatives_match_differences() {
        for d in [2, 3] {
            for &x in &[0.0, 1e-4, 0.3, 0.99, 1.01, 2.5, 7.0, 19.0, 60.0] {
                let a = averages(d, x);
                let c0 = average(d, |mu| (x * mu).cos());
                let cl = average(d, |mu| mu * mu * (x * mu).cos());
                // quadrature error ≤ 2e-11 (above); the library functions are accurate to ~1e-15
                assert!(
                    (a.c0 - c0).abs() < 1e-10,
                    "d={d} x={x}: c0 {} vs {c0}",
                    a.c0
                );
                assert!(
                    (a.cl - cl).abs() < 1e-10,
                    "d={d} x={x}: cl {} vs {cl}",
                    a.cl
                );
                if x > 1e-3 {
                    // central difference, error h²/6 f‴ ≲ 1e-11, plus round-off ε/h ~ 1e-10
                    let h = 1e-5;
                    let (p, m) = (averages(d, x + h), averages(d, x - h));
                    assert!(
                        (a.dc0 - (p.c0 - m.c0) / (2.0 * h)).abs() < 1e-8,
                        "d={d} x={x}"
                    );
                    assert!(
                        (a.dcl - (p.cl - m.cl) / (2.0 * h)).abs() < 1e-8,
                        "d={d} x={x}"
                    );
                }
            }
        }
    }

    #[test]
    fn small_x_limits_are_the_direction_moments() {
        for d in [2, 3] {
            let a = averages(d, 0.0);
            assert!((a.c0 - 1.0).abs() < 1e-15);
            assert!((a.cl - mu2(d)).abs() < 1e-15);
            // c0 ≈ 1 − x²/(2d), cl ≈ 1/d − x² ⟨μ⁴⟩/2
            let x = 1e-3;
            let b = averages(d, x);
            assert!((b.c0 - (1.0 - x * x / (2.0 * d as f64))).abs() < 1e-13);
            assert!((b.cl - (mu2(d) - x * x * mu4(d) / 2.0)).abs() < 1e-13);
        }
    }
}
