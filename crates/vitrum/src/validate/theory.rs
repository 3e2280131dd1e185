//! vitrum-theory against LAMMPS and numpy: eigenvalues of the four structure fixtures, their
//! energies, the M2 sum rule, the zero modes, and the M2 quadrature over g_ab(r).

use super::{Fixtures, Row, max_rel, rel};
use anyhow::{Context, Result};
use vitrum_descriptors::{RdfParams, rdf};
use vitrum_io::{ReadOptions, read_configuration};
use vitrum_theory::modes::dense_spectrum;
use vitrum_theory::registry;

const AREA: &str = "vitrum-theory";

/// (fixture, preset, tolerance against LAMMPS's eigenvalues, has numpy's analytic ones).
/// Tolerances: LAMMPS's central differences (step 1e-6, or 1e-5 Å for SW) leave ~1e-10–1e-8
/// relative, except yukawa3d, where two pairs sit within the FD step of r_c (its README
/// documents 4.1e-6 of λ_max); numpy's analytic Hessians agree to round-off (1e-9).
const FIXTURES: [(&str, &str, f64, bool); 4] = [
    ("ka3d", "kob-andersen", 1e-6, true),
    ("ka2d", "kob-andersen", 1e-6, true),
    ("yukawa3d", "yukawa-binary", 1e-5, true),
    ("asi-sw", "si-sw", 1e-6, false),
];

fn eigenvalues(fx: &Fixtures, rel_path: &str) -> Result<Vec<f64>> {
    let p = fx.path(rel_path);
    std::fs::read_to_string(&p)
        .with_context(|| format!("{}", p.display()))?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.trim()
                .parse::<f64>()
                .with_context(|| format!("{}: '{l}'", p.display()))
        })
        .collect()
}

pub fn rows(fx: &Fixtures, rows: &mut Vec<Row>) -> Result<()> {
    for (name, preset, lammps_tol, analytic) in FIXTURES {
        let model = registry::preset(preset)?;
        let config = read_configuration(
            fx.path(&format!("{name}/config.dump")),
            &ReadOptions::default(),
        )?;
        let sys = model.bind(&config)?;
        let spectrum = dense_spectrum(&model, &sys)?;
        let w = &spectrum.eigenvalues;
        let meta = format!("{name}/meta.json");
        rows.push(Row::new(
            AREA,
            format!("{name}: eigenvalues of the dynamical matrix"),
            format!("LAMMPS dynamical_matrix ({name}/eigenvalues.txt)"),
            "max |Δλ| / max |λ|",
            max_rel(w, &eigenvalues(fx, &format!("{name}/eigenvalues.txt"))?),
            lammps_tol,
        ));
        if analytic {
            rows.push(Row::new(
                AREA,
                format!("{name}: eigenvalues, analytic Hessian"),
                format!("numpy eigvalsh of the exact Hessian ({name}/eigenvalues_analytic.txt)"),
                "max |Δλ| / max |λ|",
                max_rel(
                    w,
                    &eigenvalues(fx, &format!("{name}/eigenvalues_analytic.txt"))?,
                ),
                1e-9,
            ));
        }
        let e = model.interaction.energy(&sys)? / config.len() as f64;
        let e_ref = fx.number(&meta, "/energy_per_atom")?;
        // LAMMPS prints 15 significant digits
        rows.push(Row::new(
            AREA,
            format!("{name}: energy per particle"),
            format!("LAMMPS thermo ({meta} energy_per_atom)"),
            "|ΔE| / |E|",
            rel(e, e_ref),
            1e-11,
        ));
        let d = config.dim.get();
        rows.push(Row::new(
            AREA,
            format!("{name}: zero modes (translations)"),
            format!("d = {d} for a periodic glass at a minimum"),
            "|n_zero − d| + n_negative",
            (spectrum.n_zero as f64 - d as f64).abs() + spectrum.n_negative as f64,
            0.0,
        ));
        if let Some(pair) = model.interaction.as_pair() {
            let m2_ref = fx.number(
                &meta,
                "/validation/analytic_hessian_from_dump_positions/M2_exact_pair_sum",
            )?;
            // the same sum in another order: round-off only
            rows.push(Row::new(
                AREA,
                format!("{name}: M2 = ⟨ω²⟩ from the eigenvalues (sum rule)"),
                format!("numpy pair sum ({meta} M2_exact_pair_sum)"),
                "|ΔM2| / M2",
                rel(spectrum.m2(), m2_ref),
                1e-9,
            ));
            let r_max = fx.number(&meta, "/r_max")?;
            let bins = fx.number(&meta, "/n_bins")? as usize;
            let g = rdf(&config, &RdfParams::new(r_max, bins)?)?;
            // midpoint quadrature over the partials: O(Δr²) plus the steep first peak's edge,
            // measured 5.3e-3 (ka3d), 8.7e-3 (ka2d), 1e-5 (yukawa3d) at Δr = 0.025
            rows.push(Row::new(
                AREA,
                format!(
                    "{name}: M2 from partial g_ab(r) (quadrature, Δr = {})",
                    r_max / bins as f64
                ),
                format!("numpy pair sum ({meta} M2_exact_pair_sum)"),
                "|ΔM2| / M2",
                rel(pair.m2_from_rdf(&sys, &g)?, m2_ref),
                1e-2,
            ));
        } else {
            let m2_ref = fx.number(&meta, "/eigenvalues/M2")?;
            // both are central FD Hessians (h = 1e-5 Å LAMMPS, 1e-4 Å ours): O(h²)
            rows.push(Row::new(
                AREA,
                format!("{name}: M2 = ⟨ω²⟩ from the eigenvalues"),
                format!("LAMMPS eigenvalues ({meta} eigenvalues.M2)"),
                "|ΔM2| / M2",
                rel(spectrum.m2(), m2_ref),
                1e-6,
            ));
        }
    }
    Ok(())
}
