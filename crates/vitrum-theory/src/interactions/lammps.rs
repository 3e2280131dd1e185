//! An interaction as LAMMPS commands: what the LAMMPS backend puts after `mass` (pair_style,
//! pair_coeff, pair_modify) and the files those commands read.
//!
//! A pair interaction is written in the first form that is exact for every species pair:
//! 1. the LAMMPS style the potential names ([`PairPotential::lammps_style`]: `lj/cut`, `morse`,
//!    ...), when all pairs agree on it;
//! 2. `pair_style lepton` with the potential's closed form ([`PairPotential::lepton`]) and the
//!    truncation written out (φ − φ(r_c) − (r − r_c) φ′(r_c));
//! 3. `pair_style table spline` with a table sampled from the truncated potential — any pair
//!    potential, including one a user registered without telling LAMMPS anything.

use super::Interaction as _;
use super::pair::{PairInteraction, PairPotential, PairTerm};
use crate::error::{Result, TheoryError};
use crate::spec::Truncation;
use std::fmt::Write as _;

/// LAMMPS commands and the files they read (name relative to the run directory, contents).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LammpsPair {
    pub commands: Vec<String>,
    pub files: Vec<(String, String)>,
}

/// A LAMMPS pair style computing one species pair's (truncated) potential exactly:
/// `pair_coeff i j {coeffs} {cutoff}` under `pair_style {style} {cutoff}`, with
/// `pair_modify shift yes` when `shift`.
#[derive(Debug, Clone, PartialEq)]
pub struct PairStyleForm {
    pub style: String,
    pub coeffs: String,
    pub shift: bool,
}

impl PairStyleForm {
    pub fn new(style: &str, coeffs: String, shift: bool) -> Self {
        PairStyleForm {
            style: style.into(),
            coeffs,
            shift,
        }
    }
}

/// Points of a written table (LAMMPS interpolates them by cubic splines: at 10 000 points over
/// [0.2 r_c, r_c] the interpolation error of smooth potentials is far below the dynamical
/// matrix's finite-difference error).
const TABLE_POINTS: usize = 10_000;

/// The file name of a written table.
pub const TABLE_FILE: &str = "vitrum-pair.table";

/// The commands of a pair interaction for LAMMPS types whose model species are `types`
/// (LAMMPS type k + 1 is model species `types[k]`).
pub fn pair_commands(pair: &PairInteraction, types: &[usize]) -> Result<LammpsPair> {
    let n = types.len();
    if let Some(&bad) = types.iter().find(|&&t| t >= pair.n_species()) {
        return Err(TheoryError::Invalid(format!(
            "LAMMPS type maps to model species {bad}, but the model has {}",
            pair.n_species()
        )));
    }
    let pairs: Vec<(usize, usize, &PairTerm)> = (0..n)
        .flat_map(|p| (p..n).map(move |q| (p, q)))
        .map(|(p, q)| (p + 1, q + 1, pair.term(types[p], types[q])))
        .collect();
    let rc_max = pairs.iter().map(|t| t.2.cutoff).fold(0.0, f64::max);
    // 1. a native style
    let forms: Option<Vec<PairStyleForm>> = pairs
        .iter()
        .map(|(_, _, t)| t.potential.lammps_style(t.cutoff, t.truncation()))
        .collect();
    let agree = |f: &[PairStyleForm]| {
        f.iter()
            .all(|x| x.style == f[0].style && x.shift == f[0].shift)
    };
    if let Some(forms) = forms.filter(|f| agree(f)) {
        let mut commands = vec![format!("pair_style {} {rc_max}", forms[0].style)];
        for ((p, q, t), f) in pairs.iter().zip(&forms) {
            commands.push(format!("pair_coeff {p} {q} {} {}", f.coeffs, t.cutoff));
        }
        if forms[0].shift {
            commands.push("pair_modify shift yes".into());
        }
        return Ok(LammpsPair {
            commands,
            files: Vec::new(),
        });
    }
    // 2. lepton
    let exprs: Option<Vec<String>> = pairs.iter().map(|(_, _, t)| lepton(t)).collect();
    if let Some(exprs) = exprs {
        let mut commands = vec![format!("pair_style lepton {rc_max}")];
        for ((p, q, t), e) in pairs.iter().zip(&exprs) {
            commands.push(format!("pair_coeff {p} {q} \"{e}\" {}", t.cutoff));
        }
        return Ok(LammpsPair {
            commands,
            files: Vec::new(),
        });
    }
    // 3. a table
    let mut file = format!(
        "# {}: pair_style table, written by vitrum-theory from the truncated potential\n",
        pair.style()
    );
    let mut commands = vec![format!("pair_style table spline {TABLE_POINTS}")];
    for (p, q, t) in &pairs {
        let key = format!("PAIR_{p}_{q}");
        write_table(&mut file, &key, t)?;
        commands.push(format!(
            "pair_coeff {p} {q} {TABLE_FILE} {key} {}",
            t.cutoff
        ));
    }
    Ok(LammpsPair {
        commands,
        files: vec![(TABLE_FILE.into(), file)],
    })
}

/// The truncated potential as a lepton expression.
fn lepton(t: &PairTerm) -> Option<String> {
    let e = t.potential.lepton()?;
    let [ec, fc, _] = t.potential.eval(t.cutoff);
    Some(match t.truncation() {
        Truncation::None => e,
        Truncation::Shift => format!("{e}-({ec})"),
        Truncation::ForceShift => format!("{e}-({ec})-(r-({}))*({fc})", t.cutoff),
    })
}

/// The truncated φ and its force −φ′ at r ≤ r_c (the limit from inside at r_c).
fn inside(t: &PairTerm, r: f64) -> (f64, f64) {
    let [e, d1, _] = t.potential.eval(r);
    let [ec, fc, _] = t.potential.eval(t.cutoff);
    match t.truncation() {
        Truncation::None => (e, -d1),
        Truncation::Shift => (e - ec, -d1),
        Truncation::ForceShift => (e - ec - (r - t.cutoff) * fc, -(d1 - fc)),
    }
}

/// One `pair_style table` section: N points from r_lo = 0.2 r_c (or the first r where the
/// potential is finite) to r_c, at the distances LAMMPS computes from `R r_lo r_c`.
fn write_table(out: &mut String, key: &str, t: &PairTerm) -> Result<()> {
    let rc = t.cutoff;
    let mut lo = 0.2 * rc;
    for _ in 0..100 {
        let (e, f) = inside(t, lo);
        if e.is_finite() && f.is_finite() {
            break;
        }
        lo += 0.01 * (rc - lo);
    }
    let n = TABLE_POINTS;
    let _ = writeln!(out, "\n{key}\nN {n} R {lo} {rc}\n");
    for k in 0..n {
        let r = lo + (rc - lo) * k as f64 / (n - 1) as f64;
        let (e, f) = inside(t, r);
        if !(e.is_finite() && f.is_finite()) {
            return Err(TheoryError::NonFinite {
                what: "tabulated pair energy",
                value: e,
            });
        }
        let _ = writeln!(out, "{} {r:.17e} {e:.17e} {f:.17e}", k + 1);
    }
    Ok(())
}
