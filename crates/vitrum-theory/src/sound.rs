//! Sound speeds of one configuration from its own normal modes, and the Debye model they define.
//!
//! The excess of a glass's VDOS over the Debye model of the same sample (the boson peak) needs
//! that sample's sound speeds. They are read from its modes at the smallest wave vectors the
//! periodic cell allows, k = the d shortest reciprocal vectors b_a (|b_a| = 2π/L_a in an
//! orthorhombic cell): the weight of mode n in the longitudinal and transverse plane waves,
//! F_L(n) = |Σ_i (k̂·e_n,i) e^{ik·r_i}|², F_T(n) = |Σ_i (e_n,i − k̂(k̂·e_n,i)) e^{ik·r_i}|² (e the
//! mass-weighted eigenvector, so this is the mass-weighted current), and the frequency of each
//! branch is the F-weighted median of the mode frequencies: the sound peak, robust to the
//! high-frequency tail that a plane wave in a glass also touches (its F-weighted ⟨ω²⟩ is the
//! unrelaxed Born value, not the sound speed). c = ω/|k|, averaged over the d directions.
//! In a Bravais crystal the plane wave is itself a mode and the median is exact.

use crate::error::{Result, TheoryError};
use ndarray::ArrayView2;
use vitrum_io::Configuration;

/// Longitudinal and transverse sound speeds of one sample (frequency unit × length unit).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SoundSpeeds {
    pub c_l: f64,
    pub c_t: f64,
    /// The mean |k| of the wave vectors used.
    pub k: f64,
}

/// Sound speeds from the modes of `config`: `omega` the angular frequencies of the columns of
/// `vectors` (mass-weighted eigenvectors, d·N rows, particle-major); modes with ω ≤ 0 (the
/// translations, any unstable mode) are left out.
pub fn sound_speeds(
    config: &Configuration,
    omega: &[f64],
    vectors: ArrayView2<f64>,
) -> Result<SoundSpeeds> {
    let d = config.dim.get();
    let n = config.len();
    if vectors.nrows() != d * n || vectors.ncols() != omega.len() {
        return Err(TheoryError::Invalid(format!(
            "sound speeds: {} × {} eigenvectors for {n} particles in {d}D and {} frequencies",
            vectors.nrows(),
            vectors.ncols(),
            omega.len()
        )));
    }
    let inv = config.cell.inverse(config.dim);
    let (mut c_l, mut c_t, mut k_sum) = (0.0, 0.0, 0.0);
    for a in 0..d {
        let k: Vec<f64> = (0..d)
            .map(|c| 2.0 * std::f64::consts::PI * inv[a][c])
            .collect();
        let k_norm = k.iter().map(|v| v * v).sum::<f64>().sqrt();
        let k_hat: Vec<f64> = k.iter().map(|v| v / k_norm).collect();
        // (cos, sin) of k·r_i: the same for every mode
        let phases: Vec<(f64, f64)> = config
            .positions
            .iter()
            .map(|p| {
                let (s, c) = (0..d).map(|c| k[c] * p[c]).sum::<f64>().sin_cos();
                (c, s)
            })
            .collect();
        let (mut w_l, mut w_t) = (Vec::new(), Vec::new());
        for (m, &w) in omega.iter().enumerate() {
            if !(w > 0.0 && w.is_finite()) {
                continue;
            }
            let e = vectors.column(m);
            // Σ_i e_i e^{ik·r_i}, split into its component along k̂ and across it
            let mut sum = vec![[0.0f64; 2]; d];
            for (i, &(co, s)) in phases.iter().enumerate() {
                for c in 0..d {
                    sum[c][0] += e[d * i + c] * co;
                    sum[c][1] += e[d * i + c] * s;
                }
            }
            let along = [0, 1].map(|z| (0..d).map(|c| k_hat[c] * sum[c][z]).sum::<f64>());
            let f_l = along[0] * along[0] + along[1] * along[1];
            let f_all: f64 = sum.iter().map(|s| s[0] * s[0] + s[1] * s[1]).sum();
            w_l.push((w, f_l));
            w_t.push((w, (f_all - f_l).max(0.0)));
        }
        c_l += weighted_median(&mut w_l)? / k_norm;
        c_t += weighted_median(&mut w_t)? / k_norm;
        k_sum += k_norm;
    }
    let d = d as f64;
    Ok(SoundSpeeds {
        c_l: c_l / d,
        c_t: c_t / d,
        k: k_sum / d,
    })
}

/// [`sound_speeds`] from a sample's eigen-decomposition as `eigh` returns it: eigenvalues λ
/// ascending and the mass-weighted eigenvectors as columns; ω = √max(λ, 0) with the d lowest
/// (the translations) left out, as in the dataset's histogram.
pub fn sound_speeds_of_modes(
    config: &Configuration,
    eigenvalues: &[f64],
    vectors: ArrayView2<f64>,
) -> Result<SoundSpeeds> {
    let d = config.dim.get();
    let omega: Vec<f64> = eigenvalues
        .iter()
        .enumerate()
        .map(|(m, l)| if m < d { 0.0 } else { l.max(0.0).sqrt() })
        .collect();
    sound_speeds(config, &omega, vectors)
}

/// The value at which the cumulative weight reaches half the total (values sorted in place).
fn weighted_median(pairs: &mut [(f64, f64)]) -> Result<f64> {
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    if total.is_nan() || total <= 0.0 {
        return Err(TheoryError::Invalid(
            "sound speeds: no mode has weight at the smallest wave vector of the cell".into(),
        ));
    }
    let mut acc = 0.0;
    for &(w, f) in pairs.iter() {
        acc += f;
        if acc >= 0.5 * total {
            return Ok(w);
        }
    }
    Ok(pairs.last().map_or(0.0, |p| p.0))
}

/// The Debye model of a sample: D(ω) = A ω^{d−1} up to ω_D, with A from the sound speeds,
/// normalised like the dataset's VDOS over `modes` non-zero modes: the number of plane waves
/// of branch b below ω is V S_d ω^d / (d (2π)^d c_b^d) (S_d = 2π, 4π), so
/// A = V S_d (1/c_L^d + (d − 1)/c_T^d) / ((2π)^d · modes), and ω_D closes the normalisation,
/// A ω_D^d / d = 1 (the Debye frequency of these speeds and this density).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Debye {
    pub dim: usize,
    pub a: f64,
    pub omega_d: f64,
}

impl Debye {
    pub fn new(dim: usize, volume: f64, modes: usize, speeds: SoundSpeeds) -> Result<Debye> {
        let SoundSpeeds { c_l, c_t, .. } = speeds;
        if !(c_l > 0.0 && c_t > 0.0 && c_l.is_finite() && c_t.is_finite()) {
            return Err(TheoryError::Invalid(format!(
                "the Debye model needs positive sound speeds (c_L = {c_l}, c_T = {c_t})"
            )));
        }
        if !(dim == 2 || dim == 3) || volume.is_nan() || volume <= 0.0 || modes == 0 {
            return Err(TheoryError::Invalid(format!(
                "the Debye model needs d = 2 or 3, a positive volume and modes (d = {dim}, V = \
                 {volume}, {modes} modes)"
            )));
        }
        let two_pi = 2.0 * std::f64::consts::PI;
        let (s_d, d) = if dim == 2 {
            (two_pi, 2i32)
        } else {
            (2.0 * two_pi, 3i32)
        };
        let a = volume * s_d * (1.0 / c_l.powi(d) + (d - 1) as f64 / c_t.powi(d))
            / (two_pi.powi(d) * modes as f64);
        Ok(Debye {
            dim,
            a,
            omega_d: (dim as f64 / a).powf(1.0 / dim as f64),
        })
    }

    /// The mean of D_Debye over each bin between consecutive `edges` (integrates to 1 when the
    /// edges reach ω_D).
    pub fn binned(&self, edges: &[f64]) -> Vec<f64> {
        let d = self.dim as i32;
        let cumulative = |w: f64| self.a * w.clamp(0.0, self.omega_d).powi(d) / self.dim as f64;
        edges
            .windows(2)
            .map(|e| (cumulative(e[1]) - cumulative(e[0])) / (e[1] - e[0]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactions::registry;
    use crate::modes::dense_modes;
    use std::f64::consts::PI;
    use vitrum_io::{Cell, Dim, Species};

    /// A triangular lattice of nx × ny rows, spacing `a`, in an orthorhombic periodic cell.
    fn triangular(nx: usize, ny: usize, a: f64) -> Configuration {
        let h = a * 3f64.sqrt() / 2.0;
        let mut positions = Vec::new();
        for j in 0..ny {
            for i in 0..nx {
                let x = a * (i as f64 + 0.5 * (j % 2) as f64);
                positions.push([x, h * j as f64, 0.0]);
            }
        }
        let n = positions.len();
        Configuration {
            positions,
            types: vec![0; n],
            species: vec![Species {
                label: "1".into(),
                mass: Some(1.0),
            }],
            cell: Cell::orthorhombic([a * nx as f64, h * ny as f64, 1.0]),
            dim: Dim::Two,
            frame: 0,
            step: None,
        }
    }

    /// A triangular crystal of harmonic springs (φ = ε/2 (1 − r/σ)² for r < σ: only the six
    /// nearest neighbours at a < σ interact, pre-compressed, so φ′/r ≠ 0): its plane waves are
    /// modes, so the measured speeds equal the lattice's own ω(k)/k at the cell's smallest k
    /// (D(k) = Σ_δ (1 − cos k·δ)[φ″ δ̂δ̂ᵀ + (φ′/a)(I − δ̂δ̂ᵀ)], along x and y, whose eigenvectors
    /// are along and across k̂ by symmetry) to rounding (1e-9), and lie within the lattice
    /// dispersion, −(ka)²/24 ≈ −0.9 % at ka = 0.46, of the continuum speeds of the hexagonal
    /// (isotropic in 2D) lattice, c_L² = (a²/m)(9φ″/8 + 3φ′/(8a)), c_T² = (a²/m)(3φ″/8 +
    /// 9φ′/(8a)) (Born–Huang; the first-order theory's k → 0 limit). The Debye model then
    /// integrates to 1 and ends at ω_D.
    #[test]
    fn a_triangular_spring_crystal_has_its_continuum_sound_speeds() {
        let model = registry::from_toml(
            "name = \"springs\"\nstyle = \"harmonic\"\nunits = \"lj\"\n[masses]\n1 = 1.0\n\
             [pair.1-1]\nepsilon = 1.0\nsigma = 1.2\n",
            "springs",
        )
        .unwrap();
        let a = 1.0;
        let c = triangular(16, 14, a);
        let sys = model.bind(&c).unwrap();
        let (spec, vecs) = dense_modes(&model, &sys).unwrap();
        let omega: Vec<f64> = spec.eigenvalues.iter().map(|l| l.max(0.0).sqrt()).collect();
        let s = sound_speeds(&c, &omega, vecs.view()).unwrap();
        // φ = ½(1 − r/1.2)² → φ″ = 1/1.44, φ′ = −(1 − a/1.2)/1.2
        let (d2, d1) = (1.0 / 1.44, -(1.0 - a / 1.2) / 1.2);
        let cl = ((9.0 * d2 / 8.0 + 3.0 * d1 / (8.0 * a)) * a * a).sqrt();
        let ct = ((3.0 * d2 / 8.0 + 9.0 * d1 / (8.0 * a)) * a * a).sqrt();
        // the lattice's own dispersion at the two k the cell allows
        let inv = c.cell.inverse(c.dim);
        let (mut lat_l, mut lat_t) = (0.0, 0.0);
        for dir in 0..2 {
            let k = [2.0 * PI * inv[dir][0], 2.0 * PI * inv[dir][1]];
            let kn = k[0].hypot(k[1]);
            let (mut dl, mut dt) = (0.0, 0.0);
            for m in 0..6 {
                let t = m as f64 * PI / 3.0;
                let u = [t.cos(), t.sin()];
                let one_minus_cos = 1.0 - ((k[0] * u[0] + k[1] * u[1]) * a).cos();
                let along = (k[0] * u[0] + k[1] * u[1]) / kn;
                dl += one_minus_cos * (d2 * along * along + d1 / a * (1.0 - along * along));
                dt += one_minus_cos * (d2 * (1.0 - along * along) + d1 / a * along * along);
            }
            lat_l += dl.sqrt() / kn / 2.0;
            lat_t += dt.sqrt() / kn / 2.0;
        }
        eprintln!(
            "c_L {} (lattice {lat_l}, continuum {cl}), c_T {} (lattice {lat_t}, continuum {ct}), k {}",
            s.c_l, s.c_t, s.k
        );
        assert!((s.c_l / lat_l - 1.0).abs() < 1e-9, "{} vs {lat_l}", s.c_l);
        assert!((s.c_t / lat_t - 1.0).abs() < 1e-9, "{} vs {lat_t}", s.c_t);
        assert!((s.c_l / cl - 1.0).abs() < 0.01, "{} vs {cl}", s.c_l);
        assert!((s.c_t / ct - 1.0).abs() < 0.01, "{} vs {ct}", s.c_t);
        let debye = Debye::new(2, c.volume(), 2 * c.len() - 2, s).unwrap();
        let edges: Vec<f64> = (0..=200)
            .map(|k| k as f64 * 0.01 * debye.omega_d * 1.5)
            .collect();
        let integral: f64 = debye
            .binned(&edges)
            .iter()
            .zip(edges.windows(2))
            .map(|(v, e)| v * (e[1] - e[0]))
            .sum();
        assert!((integral - 1.0).abs() < 1e-12, "{integral}");
    }

    #[test]
    fn bad_input_is_an_error() {
        let c = triangular(4, 4, 1.0);
        let v = ndarray::Array2::<f64>::zeros((32, 3));
        assert!(sound_speeds(&c, &[1.0, 2.0], v.view()).is_err());
        let s = SoundSpeeds {
            c_l: 1.0,
            c_t: 0.0,
            k: 1.0,
        };
        assert!(Debye::new(2, 1.0, 10, s).is_err());
    }
}
