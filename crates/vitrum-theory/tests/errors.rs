//! Bad input gives a clear error, never a panic or a silent number.

use vitrum_io::{Cell, Configuration, Dim, Species};
use vitrum_theory::{TheoryError, registry};

fn config(positions: Vec<[f64; 3]>, labels: &[&str], types: Vec<usize>, l: f64) -> Configuration {
    Configuration {
        positions,
        types,
        species: labels
            .iter()
            .map(|s| Species {
                label: s.to_string(),
                mass: None,
            })
            .collect(),
        cell: Cell::orthorhombic([l, l, l]),
        dim: Dim::Three,
        frame: 0,
        step: None,
    }
}

const LJ: &str = r#"
style = "lj"
truncation = "shift"
[masses]
1 = 1.0
2 = 1.0
[pair.1-1]
epsilon = 1.0
sigma = 1.0
cutoff = 2.5
[pair.1-2]
epsilon = 1.5
sigma = 0.8
cutoff = 2.0
"#;

#[test]
fn a_species_the_potential_does_not_define_is_refused() {
    let model = registry::preset("kob-andersen").unwrap();
    let c = config(
        vec![[0.0; 3], [1.0, 0.0, 0.0]],
        &["1", "3"],
        vec![0, 1],
        6.0,
    );
    let err = model.bind(&c).unwrap_err();
    assert!(
        matches!(&err, TheoryError::UnknownSpecies { label, .. } if label == "3"),
        "{err}"
    );
    assert!(err.to_string().contains("'3'"));
}

#[test]
fn a_pair_table_naming_an_undeclared_species_is_refused() {
    let text = LJ.replace("[pair.1-2]", "[pair.1-3]");
    let err = registry::from_toml(&text, "t").unwrap_err();
    assert!(
        matches!(&err, TheoryError::UndeclaredSpecies { label, .. } if label == "3"),
        "{err}"
    );
}

#[test]
fn missing_pair_parameters_are_refused() {
    let err = registry::from_toml(LJ, "t").unwrap_err();
    assert!(
        matches!(&err, TheoryError::MissingPair(a, b) if a == "2" && b == "2"),
        "{err}"
    );
    assert!(err.to_string().contains("[pair.\"2-2\"]"));
}

#[test]
fn missing_masses_and_bad_parameters_are_refused() {
    let no_masses = LJ.replace("[masses]\n1 = 1.0\n2 = 1.0\n", "");
    assert!(matches!(
        registry::from_toml(&no_masses, "t").unwrap_err(),
        TheoryError::MissingMass(_) | TheoryError::UndeclaredSpecies { .. }
    ));
    let typo = LJ.replace("sigma = 1.0", "sgima = 1.0");
    let err = registry::from_toml(&typo, "t").unwrap_err();
    assert!(err.to_string().contains("sgima"), "{err}");
    let unknown = LJ.replace("style = \"lj\"", "style = \"no-such-style\"");
    assert!(matches!(
        registry::from_toml(&unknown, "t").unwrap_err(),
        TheoryError::UnknownStyle(..)
    ));
    assert!(matches!(
        registry::load("no-such-potential").unwrap_err(),
        TheoryError::UnknownPotential(..)
    ));
    let bad_mass = LJ.replace("2 = 1.0\n[pair", "2 = -1.0\n[pair");
    assert!(registry::from_toml(&bad_mass, "t").is_err());
}

#[test]
fn a_cutoff_longer_than_half_the_cell_is_refused() {
    let model = registry::preset("kob-andersen").unwrap();
    let c = config(
        vec![[0.0; 3], [1.0, 1.0, 1.0]],
        &["1", "2"],
        vec![0, 1],
        4.0,
    );
    let sys = model.bind(&c).unwrap();
    let err = model.interaction.energy_forces(&sys).unwrap_err();
    assert!(
        matches!(err, TheoryError::CutoffTooLong { cutoff, .. } if cutoff == 2.5),
        "{err}"
    );
    assert!(model.interaction.hessian(&sys).is_err());
}

#[test]
fn overlapping_particles_are_refused() {
    for preset in ["kob-andersen", "si-sw"] {
        let model = registry::preset(preset).unwrap();
        let c = config(
            vec![[1.0; 3], [1.0; 3], [2.0, 1.0, 1.0]],
            &["1"],
            vec![0, 0, 0],
            9.0,
        );
        let sys = model.bind(&c).unwrap();
        let err = model.interaction.energy_forces(&sys).unwrap_err();
        assert!(
            matches!(
                err,
                TheoryError::Overlap { i: 0, j: 1, .. } | TheoryError::Overlap { i: 1, j: 0, .. }
            ),
            "{preset}: {err}"
        );
        assert!(model.interaction.hessian(&sys).is_err());
    }
}

#[test]
fn a_non_finite_energy_is_refused() {
    // ε = 1e300 at r = 0.1σ: 4ε (σ/r)¹² = 4e312 overflows to +∞
    let text = LJ.replace("epsilon = 1.0", "epsilon = 1e300")
        + "[pair.2-2]\nepsilon = 1.0\nsigma = 1.0\ncutoff = 2.5\n";
    let model = registry::from_toml(&text, "t").unwrap();
    let c = config(vec![[1.0; 3], [1.1, 1.0, 1.0]], &["1"], vec![0, 0], 6.0);
    let sys = model.bind(&c).unwrap();
    let err = model.interaction.energy_forces(&sys).unwrap_err();
    assert!(
        matches!(err, TheoryError::NonFinite { what: "energy", .. }),
        "{err}"
    );
    let err = model.interaction.hessian(&sys).unwrap_err();
    assert!(matches!(err, TheoryError::NonFinite { .. }), "{err}");
    // a NaN coordinate is caught when binding
    let c = config(
        vec![[f64::NAN, 1.0, 1.0], [1.5, 1.0, 1.0]],
        &["1"],
        vec![0, 0],
        6.0,
    );
    assert!(matches!(
        model.bind(&c).unwrap_err(),
        TheoryError::NonFinite { .. }
    ));
}

#[test]
fn the_documented_example_files_parse() {
    // docs/potentials.md shows the presets; they are the files in presets/
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        registry::load(path.to_str().unwrap()).unwrap();
    }
}
