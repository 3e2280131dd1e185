use super::*;
use crate::grid::{Binning, Grid, Quantity};
use crate::manifest::{PotentialFormat, PotentialSpec, SampleRecord, UnitSystem};
use ndarray::{Array3, array};

fn tiny() -> DatasetArrays {
    DatasetArrays {
        features: array![[0.0, 1.0, 2.0], [0.5, 1.5, 2.5]],
        targets: array![[0.25, 0.75], [0.5, 0.5]],
        grid_r: array![0.5, 1.5, 2.5],
        grid_omega: array![1.0, 3.0],
        eigenvalues: Some(array![[0.0, 1.0], [0.0, 4.0]]),
    }
}

#[test]
fn a_written_dataset_reads_back_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let a = tiny();
    a.write(dir.path()).unwrap();
    write_json(
        &dir.path().join(META),
        &serde_json::json!({"n_samples": 2, "dim": 2, "samples": [{"index": 0}, {"index": 1}]}),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(SAMPLES)).unwrap();
    for i in [1usize, 0] {
        std::fs::write(sample_path(dir.path(), i, "dump"), "x").unwrap();
        std::fs::write(sample_path(dir.path(), i, "json"), "{}").unwrap();
    }
    std::fs::write(dir.path().join(SAMPLES).join(".vitrum-partial-x"), "").unwrap();
    let d = Dataset::read(dir.path()).unwrap();
    assert_eq!(d.arrays, a);
    assert_eq!(d.n_samples(), 2);
    let files = d.sample_files().unwrap();
    assert_eq!(
        files.iter().map(|f| f.0).collect::<Vec<_>>(),
        vec![0, 1],
        "{files:?}"
    );
    assert!(files[0].1.ends_with("samples/0000.dump"));
}

#[test]
fn inconsistent_shapes_and_counts_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = tiny();
    a.grid_omega = array![1.0];
    assert!(
        a.write(dir.path())
            .unwrap_err()
            .to_string()
            .contains(GRID_OMEGA)
    );
    let a = tiny();
    a.write(dir.path()).unwrap();
    write_json(
        &dir.path().join(META),
        &serde_json::json!({"n_samples": 3, "dim": 2}),
    )
    .unwrap();
    let e = Dataset::read(dir.path()).unwrap_err().to_string();
    assert!(e.contains("n_samples is 3"), "{e}");
    assert!(Dataset::read(&dir.path().join("nope")).is_err());
    let mut b = a.clone();
    b.targets = array![[0.25, 0.75]];
    assert!(matches!(
        b.check(dir.path()).unwrap_err(),
        IoError::Dataset { .. }
    ));
}

#[test]
fn a_dataset_without_manifest_reads_with_null_meta() {
    let dir = tempfile::tempdir().unwrap();
    tiny().write(dir.path()).unwrap();
    let d = Dataset::read(dir.path()).unwrap();
    assert!(d.meta.is_null());
    assert_eq!(d.n_samples(), 2);
    // the dimension is not guessed
    let e = d.dim().unwrap_err().to_string();
    assert!(e.contains("dimension is unknown"), "{e}");
}

#[test]
fn a_legacy_meta_without_dim_is_an_error_not_3d() {
    let dir = tempfile::tempdir().unwrap();
    tiny().write(dir.path()).unwrap();
    write_json(&dir.path().join(META), &serde_json::json!({"n_samples": 2})).unwrap();
    let e = Dataset::read(dir.path()).unwrap_err().to_string();
    assert!(e.contains("\"dim\""), "{e}");
}

#[test]
fn the_reference_dataset_fixture_reads_with_its_partials() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dataset-ka2d");
    let d = Dataset::read(&dir).unwrap();
    assert_eq!(d.n_samples(), 150);
    assert_eq!(d.arrays.features.ncols(), 200);
    assert_eq!(d.arrays.targets.ncols(), 100);
    // grids are bin midpoints of linspace(0, 5, 201) and linspace(0, 72, 101)
    assert!((d.arrays.grid_r[0] - 0.0125).abs() < 1e-15);
    assert!((d.arrays.grid_omega[99] - 71.64).abs() < 1e-12);
    assert_eq!(d.meta["samples"].as_array().unwrap().len(), 150);
    // each target row is a density on a grid of width 0.72: it integrates to 1
    for row in d.arrays.targets.rows() {
        assert!((row.sum() * 0.72 - 1.0).abs() < 1e-12);
    }
    // the typed manifest
    let m = &d.manifest;
    assert_eq!((m.dim, m.units, m.n_samples), (2, UnitSystem::Lj, 150));
    assert_eq!(m.species, vec!["1", "2"]);
    assert_eq!(m.composition, vec![333, 179]);
    assert_eq!(m.samples[0].seed, Some(1000));
    assert_eq!(m.samples[149].index, 149);
    assert_eq!(m.samples[0].density, Some(1.2562738666511675));
    assert_eq!(m.samples[0].varied["quench"], 953.0);
    let pot = m.potential.as_ref().unwrap();
    assert_eq!(pot.table.as_ref().unwrap()["pairs"]["1-2"]["eps"], 1.5);
    let r = d.feature(&FeatureKind::TotalRdf).unwrap();
    assert_eq!(r.entry.grid.edges[200], 5.0);
    assert_eq!(r.entry.grid.unit, "σ");
    assert_eq!(
        d.target(&TargetKind::VdosHistogram)
            .unwrap()
            .entry
            .grid
            .max(),
        72.0
    );
    // partials [150, 3, 200] → one block, channels 1-1, 1-2, 2-2; g = Σ x_a x_b g_ab with
    // ordered pairs (the cross term twice), to round-off of the sums (1e-12 relative)
    let p = d.feature(&FeatureKind::PartialRdf).unwrap();
    assert_eq!(p.entry.channels, vec!["1-1", "1-2", "2-2"]);
    assert_eq!(p.data.dim(), (150, 600));
    let (x1, x2) = (333.0 / 512.0, 179.0 / 512.0);
    for s in [0, 77, 149] {
        for k in 0..200 {
            let g = x1 * x1 * p.data[[s, k]]
                + 2.0 * x1 * x2 * p.data[[s, 200 + k]]
                + x2 * x2 * p.data[[s, 400 + k]];
            let want = r.data[[s, k]];
            assert!(
                (g - want).abs() <= 1e-12 * want.abs().max(1.0),
                "{s} {k}: {g} {want}"
            );
        }
    }
}

/// The layout and meta.json vitrum wrote before format 2 (vitrum-sim `assemble`).
fn write_vitrum_v1(dir: &Path, corrupt: bool) {
    tiny().write(dir).unwrap();
    let partials = Array3::from_shape_fn((2, 3, 3), |(s, p, k)| (s * 9 + p * 3 + k) as f64);
    write_npy(&dir.join(PARTIALS_LEGACY), &partials).unwrap();
    let rec = |i: usize| {
        serde_json::json!({
            "index": i, "seed": 1000 + i, "seed_used": 1000 + i, "attempts": 1,
            "varied": [["density", 1.2], ["quench", 400.0]],
            "protocol": {"density": 1.2}, "energy_per_atom": -3.0, "force_norm": 1e-11,
            "force_max": 1e-12, "min_iterations": 100, "species_counts": [2, 1],
            "density_actual": 1.2, "n_eigenvalues": 2, "backend": "native", "software": []
        })
    };
    let mut second = rec(1);
    if corrupt {
        second["energy_per_atom"] = "not a number".into();
    }
    write_json(
        &dir.join(META),
        &serde_json::json!({
            "name": "ka2d", "n_samples": 2, "dim": 2, "n_atoms": 3, "units": "lj",
            "masses": {"A": 1.0, "B": 1.0}, "potential": "kob-andersen",
            "composition": [0.65, 0.35], "settings": {"samples": 2},
            "samples": [rec(0), second], "backend": "native",
            "grid_r": {"r_max": 3.0, "n_bins": 3}, "grid_omega": {"omega_max": 4.0, "n_bins": 2}
        }),
    )
    .unwrap();
}

#[test]
fn a_dataset_vitrum_generated_before_format_2_loads() {
    let dir = tempfile::tempdir().unwrap();
    write_vitrum_v1(dir.path(), false);
    let d = Dataset::read(dir.path()).unwrap();
    let m = &d.manifest;
    assert_eq!(
        (m.dim, m.species.clone(), m.composition.clone()),
        (2, vec!["A".into(), "B".into()], vec![2, 1])
    );
    assert_eq!(m.samples[1].seed, Some(1001));
    assert_eq!(m.samples[1].varied["quench"], 400.0);
    assert_eq!(m.samples[1].extra["backend"], "native");
    assert_eq!(m.potential.as_ref().unwrap().name, "kob-andersen");
    let p = d.feature(&FeatureKind::PartialRdf).unwrap();
    assert_eq!(p.entry.channels, vec!["A-A", "A-B", "B-B"]);
    assert_eq!(
        p.data.row(1).to_vec(),
        (9..18).map(|x| x as f64).collect::<Vec<_>>()
    );
    assert_eq!(p.entry.grid.edges, vec![0.0, 1.0, 2.0, 3.0]);
}

#[test]
fn a_corrupt_sample_record_is_an_error_naming_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    write_vitrum_v1(dir.path(), true);
    let e = Dataset::read(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("sample 0001") && e.contains("energy_per_atom"),
        "{e}"
    );
    assert!(e.contains(META), "{e}");
}

fn typed(dir: &Path) -> (Manifest, Vec<FeatureBlock>, Vec<TargetBlock>) {
    let r = Grid::linspace(Quantity::R, "σ", 0.0, 3.0, 3, Binning::Histogram).unwrap();
    let w = Grid::linspace(Quantity::Omega, "τ⁻¹", 0.0, 4.0, 2, Binning::Histogram).unwrap();
    let mut m = Manifest::new("t", 2, 2, UnitSystem::Lj);
    m.species = vec!["A".into(), "B".into()];
    m.composition = vec![2, 1];
    m.masses = vec![1.0, 1.0];
    m.potential = Some(PotentialSpec {
        name: "kob-andersen".into(),
        format: PotentialFormat::VitrumToml,
        text: Some("name = \"kob-andersen\"\nstyle = \"lj\"\n".into()),
        table: None,
    });
    m.samples = (0..2)
        .map(|i| SampleRecord {
            index: i,
            seed: Some(7 + i as u64),
            density: Some(1.2),
            varied: [("density".to_string(), 1.2)].into(),
            energy_per_atom: Some(-3.0),
            force_norm: Some(1e-12),
            extra: serde_json::Map::new(),
        })
        .collect();
    let f = vec![
        FeatureBlock {
            entry: BlockEntry {
                kind: FeatureKind::TotalRdf,
                file: feature_file(&FeatureKind::TotalRdf),
                grid: r.clone(),
                channels: vec![],
                params: serde_json::json!({"r_max": 3.0}),
            },
            data: tiny().features,
        },
        FeatureBlock {
            entry: BlockEntry {
                kind: FeatureKind::PartialRdf,
                file: feature_file(&FeatureKind::PartialRdf),
                grid: r,
                channels: vec!["A-A".into(), "A-B".into(), "B-B".into()],
                params: serde_json::Value::Null,
            },
            data: Array2::from_shape_fn((2, 9), |(s, k)| (s * 9 + k) as f64 + 0.1),
        },
    ];
    let t = vec![TargetBlock {
        entry: BlockEntry {
            kind: TargetKind::VdosHistogram,
            file: target_file(&TargetKind::VdosHistogram),
            grid: w,
            channels: vec![],
            params: serde_json::Value::Null,
        },
        data: tiny().targets,
    }];
    let _ = dir;
    (m, f, t)
}

#[test]
fn a_typed_dataset_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let (m, f, t) = typed(dir.path());
    let eig = tiny().eigenvalues.unwrap();
    Dataset::write(dir.path(), m.clone(), &f, &t, Some(&eig)).unwrap();
    assert!(dir.path().join("features/partial-rdf.npy").exists());
    let d = Dataset::read(dir.path()).unwrap();
    assert_eq!(d.features, f);
    assert_eq!(d.targets, t);
    assert_eq!(d.manifest.samples, m.samples);
    assert_eq!(d.manifest.potential, m.potential);
    assert_eq!(d.manifest.format_version, FORMAT_VERSION);
    assert_eq!(d.arrays, tiny());
    // an older reader's files are there too
    assert_eq!(
        read_npy_2d(&dir.path().join(FEATURES)).unwrap(),
        tiny().features
    );
}

#[test]
fn typed_manifests_refuse_bad_records_versions_and_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let (m, f, t) = typed(dir.path());
    Dataset::write(dir.path(), m, &f, &t, None).unwrap();
    let meta_path = dir.path().join(META);
    let good = read_json(&meta_path).unwrap();
    let mut v = good.clone();
    v["samples"][1]["seed"] = "x".into();
    write_json(&meta_path, &v).unwrap();
    let e = Dataset::read(dir.path()).unwrap_err().to_string();
    assert!(e.contains("sample 0001"), "{e}");
    let mut v = good.clone();
    v["format_version"] = 99.into();
    write_json(&meta_path, &v).unwrap();
    let e = Dataset::read(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("format_version 99") && e.contains("version 2"),
        "{e}"
    );
    let mut v = good;
    v["features"][1]["channels"] = serde_json::json!(["A-A"]);
    write_json(&meta_path, &v).unwrap();
    let e = Dataset::read(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("partial-rdf.npy") && e.contains("9 columns"),
        "{e}"
    );
}
