//! What docs/extending.md promises: a style registered at run time, the Morse worked example
//! through the whole chain, every built-in pair style as LAMMPS commands, and table files with
//! errors that name the file and the line.

mod support;

use vitrum_io::{ReadOptions, read_configuration};
use vitrum_theory::interactions::registry::{self, Style};
use vitrum_theory::modes::dense_spectrum;
use vitrum_theory::{FrequencyGrid, Interaction, TheoryError, vdos};

fn ka3d() -> vitrum_io::Configuration {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/ka3d/config.dump");
    read_configuration(path, &ReadOptions::default()).unwrap()
}

#[test]
fn a_style_registered_at_run_time_builds_models() {
    fn build(spec: &vitrum_theory::ModelSpec) -> vitrum_theory::Result<Box<dyn Interaction>> {
        vitrum_theory::interactions::lj::build(spec)
    }
    let style = Style {
        name: "my-lj",
        about: "Lennard-Jones under another name, registered by a test",
        build,
    };
    registry::register(style).unwrap();
    // a name is never silently replaced
    assert!(registry::register(style).is_err());
    assert!(
        registry::register(Style {
            name: "lj",
            ..style
        })
        .is_err()
    );
    let text =
        include_str!("../presets/kob-andersen.toml").replace("style = \"lj\"", "style = \"my-lj\"");
    let mine = registry::from_toml(&text, "mine").unwrap();
    let lj = registry::preset("kob-andersen").unwrap();
    let config = ka3d();
    let e = |m: &vitrum_theory::Model| m.interaction.energy(&m.bind(&config).unwrap()).unwrap();
    assert_eq!(e(&mine).to_bits(), e(&lj).to_bits());
    assert!(registry::styles().iter().any(|s| s.name == "my-lj"));
}

/// Morse: energy, forces at the fixture (finite, sum to zero), Hessian → spectrum (3 zero modes
/// of translation in a configuration that is not a Morse minimum: negative modes are allowed)
/// and a normalised VDOS.
#[test]
fn morse_goes_through_the_whole_chain() {
    let model = registry::preset("morse-ka").unwrap();
    let config = ka3d();
    let sys = model.bind(&config).unwrap();
    let (e, f) = model.interaction.energy_forces(&sys).unwrap();
    assert!(e.is_finite() && e < 0.0, "{e}");
    // Newton's third law: the total force vanishes to round-off
    for k in 0..3 {
        let total: f64 = f.iter().map(|v| v[k]).sum();
        let scale: f64 = f.iter().map(|v| v[k].abs()).sum();
        assert!(total.abs() < 1e-10 * scale, "{total}");
    }
    let spectrum = dense_spectrum(&model, &sys).unwrap();
    assert_eq!(spectrum.eigenvalues.len(), 1500);
    assert_eq!(spectrum.n_zero, 3);
    let max = spectrum.eigenvalues[1499];
    let grid = FrequencyGrid::new(1.05 * max.sqrt(), 60).unwrap();
    let g = vdos(&spectrum, model.units, grid, None).unwrap();
    // normalised to the real modes: a histogram of unit area up to round-off (zero and
    // negative modes are left out of the bins and the count alike)
    let area: f64 = g.density.iter().sum::<f64>() * grid.max / grid.bins as f64;
    assert!(g.density.iter().all(|x| x.is_finite() && *x >= 0.0));
    assert!(area > 0.5 && area < 1.0 + 1e-9, "{area}");
    // LAMMPS: the native style, shifted
    let l = model.interaction.lammps(&[0, 1]).unwrap();
    assert_eq!(
        l.commands,
        [
            "pair_style morse 2.5",
            "pair_coeff 1 1 1 5.345 1.122462 2.5",
            "pair_coeff 1 2 1.5 6.681 0.89797 2",
            "pair_coeff 2 2 0.5 6.074 0.987767 2.2",
            "pair_modify shift yes",
        ]
    );
}

#[test]
fn every_pair_style_writes_lammps_commands() {
    let lj = registry::preset("kob-andersen").unwrap();
    assert_eq!(
        lj.interaction.lammps(&[0, 1]).unwrap().commands,
        [
            "pair_style lj/cut 2.5",
            "pair_coeff 1 1 1 1 2.5",
            "pair_coeff 1 2 1.5 0.8 2",
            "pair_coeff 2 2 0.5 0.88 2.2",
            "pair_modify shift yes",
        ]
    );
    // one LAMMPS type of species 2 only
    assert_eq!(
        lj.interaction.lammps(&[1]).unwrap().commands,
        [
            "pair_style lj/cut 2.2",
            "pair_coeff 1 1 0.5 0.88 2.2",
            "pair_modify shift yes"
        ]
    );
    // force-shifted Yukawa: lepton with the shift written out
    let y = registry::preset("yukawa-binary").unwrap();
    let c = y.interaction.lammps(&[0, 1]).unwrap().commands;
    assert!(c[0].starts_with("pair_style lepton"), "{c:?}");
    assert!(
        c[1].starts_with("pair_coeff 1 1 \"(1)*exp(-(1)*r)/r-("),
        "{c:?}"
    );
    assert!(c[1].contains(")-(r-(3.5))*(") && c.len() == 4, "{c:?}");
    for preset in ["wca", "soft-spheres", "harmonic-spheres"] {
        let m = registry::preset(preset).unwrap();
        let c = m.interaction.lammps(&[0, 1]).unwrap().commands;
        assert!(c[0].starts_with("pair_style"), "{preset}: {c:?}");
    }
    // Stillinger–Weber writes its .sw file
    let sw = registry::preset("si-sw").unwrap();
    let l = sw.interaction.lammps(&[0]).unwrap();
    assert_eq!(l.commands, ["pair_style sw", "pair_coeff * * vitrum.sw X"]);
    assert!(
        l.files[0].1.contains("X X X 2.1683 2.0951 1.8 21 1.2"),
        "{:?}",
        l.files
    );
    // a table: written as a LAMMPS table, 10 000 points per pair
    let path = std::env::temp_dir().join(format!("vitrum-theory-lmp-{}.table", std::process::id()));
    std::fs::write(
        &path,
        support::section("LJ", 0.8, 2.5, 500, support::lj(1.0, 1.0)),
    )
    .unwrap();
    let t = registry::from_toml(
        &format!(
            "style = \"table\"\n[masses]\n1 = 1.0\n[pair.1-1]\nfile = '{}'\nkeyword = \"LJ\"\n",
            path.display()
        ),
        "t",
    )
    .unwrap();
    let l = t.interaction.lammps(&[0]).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        l.commands,
        [
            "pair_style table spline 10000",
            "pair_coeff 1 1 vitrum-pair.table PAIR_1_1 2.5"
        ]
    );
    assert_eq!(
        l.files[0]
            .1
            .lines()
            .filter(|l| l.starts_with("10000 "))
            .count(),
        1
    );
}

#[test]
fn bad_tables_name_the_file_and_the_line() {
    let model = |table: &str, extra: &str| {
        let (path, dir) = support::write_temp("bad.table", table);
        let text = format!(
            "style = \"table\"\n[masses]\n1 = 1.0\n[pair.1-1]\nfile = '{}'\nkeyword = \"LJ\"\n{extra}",
            path.display()
        );
        let r = registry::from_toml(&text, "t").map(|_| ());
        drop(dir);
        r
    };
    let good = support::section("LJ", 0.8, 2.5, 50, support::lj(1.0, 1.0));
    model(&good, "").unwrap();
    // the force column with the wrong sign (+φ′): the energy column is not its integral
    let flipped: String = good
        .lines()
        .map(|l| {
            let v: Vec<&str> = l.split_whitespace().collect();
            if v.len() == 4 {
                let f: f64 = v[3].parse().unwrap();
                format!("{} {} {} {:e}\n", v[0], v[1], v[2], -f)
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let e = model(&flipped, "").unwrap_err();
    assert!(
        matches!(e, TheoryError::Table { line, .. } if line > 4),
        "{e}"
    );
    assert!(
        e.to_string().contains("bad.table:") && e.to_string().contains("−dφ/dr"),
        "{e}"
    );
    // a malformed line: named by its number (line 9 = the 5th point)
    let broken = good.replacen("\n5 ", "\n5 x", 1);
    let e = model(&broken, "").unwrap_err();
    assert!(matches!(e, TheoryError::Table { line: 9, .. }), "{e}");
    // a missing section, a short section, a cutoff beyond the table
    let e = model(&good.replace("LJ\n", "XX\n"), "").unwrap_err();
    assert!(
        e.to_string().contains("no section 'LJ'") && e.to_string().contains("XX"),
        "{e}"
    );
    let short: String = good.lines().take(30).map(|l| format!("{l}\n")).collect();
    assert!(
        model(&short, "")
            .unwrap_err()
            .to_string()
            .contains("ends after")
    );
    assert!(matches!(
        model(&good, "cutoff = 3.0").unwrap_err(),
        TheoryError::BadParameter { .. }
    ));
    // a missing file
    let e = registry::from_toml(
        "style = \"table\"\n[masses]\n1 = 1.0\n[pair.1-1]\nfile = '/no/such.table'\nkeyword = \"LJ\"\n",
        "t",
    )
    .unwrap_err();
    assert!(e.to_string().contains("/no/such.table"), "{e}");
}
