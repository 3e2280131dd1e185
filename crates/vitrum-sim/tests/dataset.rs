//! Datasets: resumable generation, bit-identical to an uninterrupted run (featurizing is the
//! facade's, tested in crates/vitrum/tests/dataset.rs).

use std::path::Path;
use vitrum_sim::dataset::{GenerateSettings, SampleRecord, Vary, generate};
use vitrum_sim::{NativeSampler, Protocol, SimError};

fn settings(samples: usize) -> GenerateSettings {
    GenerateSettings {
        protocol: Protocol {
            n: 128,
            melt_steps: 200,
            quench_steps: 300,
            ..Protocol::preset("ka2d").unwrap()
        },
        samples,
        seed: 1000,
        vary: Vary::parse_list("density=1.1..1.35,quench=100..1000:log").unwrap(),
    }
}

/// Every file of the directory tree, relative path → bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_interrupted_run_resumes_to_the_same_bytes_as_an_uninterrupted_one() {
    let full = tempfile::tempdir().unwrap();
    let resumed = tempfile::tempdir().unwrap();
    let s = settings(3);
    let r = generate(full.path(), &s, &NativeSampler, &|_| {}).unwrap();
    assert_eq!(r.generated, vec![0, 1, 2]);
    // "killed" after two samples: a run of 2, a stray temporary file, then the full run
    generate(resumed.path(), &settings(2), &NativeSampler, &|_| {}).unwrap();
    let rec1 = std::fs::read(resumed.path().join("samples/0001.json")).unwrap();
    let t1 = std::fs::metadata(resumed.path().join("samples/0001.dump"))
        .unwrap()
        .modified()
        .unwrap();
    let r = generate(resumed.path(), &s, &NativeSampler, &|_| {}).unwrap();
    assert_eq!(r.skipped, vec![0, 1]);
    assert_eq!(r.generated, vec![2]);
    // finished samples are not rewritten
    assert_eq!(
        std::fs::read(resumed.path().join("samples/0001.json")).unwrap(),
        rec1
    );
    let t2 = std::fs::metadata(resumed.path().join("samples/0001.dump"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(t1, t2);
    let (a, b) = (snapshot(full.path()), snapshot(resumed.path()));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (x, y) in a.iter().zip(&b) {
        assert!(x.1 == y.1, "{} differs", x.0);
    }
    // the records and eigenvalues read back
    for i in 0..3 {
        let rec = SampleRecord::read(full.path(), i).unwrap();
        assert_eq!(rec.seed, 1000 + i as u64);
        assert!(rec.force_norm < 1e-10);
        let rho = rec.protocol.density;
        assert!((1.1..=1.35).contains(&rho));
        assert!((rec.density_actual - rho).abs() < 1e-12);
        let eig = vitrum_io::read_npy_1d(&full.path().join(format!("samples/{i:04}.eig.npy")));
        assert_eq!(eig.unwrap().len(), 256);
        let m = rec.to_manifest();
        assert_eq!(
            (m.index, m.seed, m.density),
            (i, Some(1000 + i as u64), Some(rec.density_actual))
        );
        assert_eq!(m.extra["backend"], "native");
    }
    // a corrupt record is an error naming the sample, not a silent skip
    std::fs::write(full.path().join("samples/0001.json"), "{\"index\": 1}").unwrap();
    let e = generate(full.path(), &s, &NativeSampler, &|_| {}).unwrap_err();
    assert!(e.to_string().contains("sample 0001"), "{e}");
}

#[test]
fn a_directory_made_with_another_protocol_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &settings(1), &NativeSampler, &|_| {}).unwrap();
    let mut other = settings(1);
    other.seed = 5;
    let e = generate(dir.path(), &other, &NativeSampler, &|_| {}).unwrap_err();
    assert!(matches!(e, SimError::Dataset { .. }), "{e}");
    assert!(e.to_string().contains("never rewritten"), "{e}");
}

/// A varied density that leaves the cell too small for the cutoff (examples/yukawa.toml did,
/// failing after a minute of work) is refused before any sample is made, naming the sample and
/// the N that would fit.
#[test]
fn a_density_the_cell_cannot_hold_fails_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(6);
    // KA 2D: cutoff 2.5 σ + skin 0.3; N = 128 at ρ = 1.3 gives a half width of 4.96 σ — fine;
    // N = 20 at ρ ≥ 0.64 does not fit (half width < 2.8 σ)
    s.protocol.n = 20;
    s.vary = Vary::parse_list("density=0.5..1.3").unwrap();
    let e = generate(dir.path(), &s, &NativeSampler, &|_| {}).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("too small") && text.contains("more particles (N ≥"),
        "{text}"
    );
    assert!(
        !dir.path().join("samples").exists(),
        "nothing may be written before the check"
    );
}

#[test]
fn vary_specs_parse_and_reject_nonsense() {
    let v = Vary::parse_list("density=1.1..1.35,quench=300..30000:log").unwrap();
    assert_eq!(v.len(), 2);
    assert!(v[1].log && v[1].lo == 300.0);
    for bad in [
        "rho=1..2",
        "density=2..1",
        "quench=0..10:log",
        "density=1..x",
        "density",
        "density=1..2,density=1..2",
    ] {
        assert!(Vary::parse_list(bad).is_err(), "{bad}");
    }
    // draws depend on (seed, index) only: sample 1 is the same in datasets of 2 and 50
    assert_eq!(
        settings(2).sample_protocol(1),
        settings(50).sample_protocol(1)
    );
}
