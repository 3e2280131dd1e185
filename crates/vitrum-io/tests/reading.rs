//! Reading every supported kind of file, and every kind of bad input, through the public API.

use approx::assert_relative_eq;
use std::path::{Path, PathBuf};
use vitrum_io::{
    Cell, Configuration, Dim, FrameSelection, IoError, ReadOptions, Species, read_configuration,
    read_configurations, write_extxyz, write_lammps_dump,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const ORTHO_DUMP: &str = "ITEM: TIMESTEP\n10\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS pp pp pp\n0 4\n0 5\n0 6\nITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n2 2 1.5 0.5 2.5\n3 1 3.5 4.5 5.5\n";

#[test]
fn reads_the_ka3d_fixture_with_species_counts_and_volume() {
    let c = read_configuration(fixture("ka3d/config.dump"), &ReadOptions::default()).unwrap();
    assert_eq!(c.len(), 500);
    assert_eq!(c.dim, Dim::Three);
    assert_eq!(c.labels(), vec!["1", "2"]);
    assert_eq!(c.species_counts(), vec![400, 100]);
    // meta.json: volume_or_area 416.6666666666668
    assert_relative_eq!(c.volume(), 416.6666666666668, max_relative = 1e-14);
}

#[test]
fn a_flat_configuration_is_detected_as_2d_and_dim_can_be_forced() {
    let c = read_configuration(fixture("ka2d/config.dump"), &ReadOptions::default()).unwrap();
    assert_eq!(c.dim, Dim::Two);
    assert_relative_eq!(c.volume(), 426.6666666666665, max_relative = 1e-13);
    let forced = ReadOptions {
        dim: Some(Dim::Three),
        ..Default::default()
    };
    assert_eq!(
        read_configuration(fixture("ka2d/config.dump"), &forced)
            .unwrap()
            .dim,
        Dim::Three
    );
    let wrong = ReadOptions {
        dim: Some(Dim::Two),
        ..Default::default()
    };
    let err = read_configuration(fixture("ka3d/config.dump"), &wrong)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("config.dump") && err.contains("--dim 3"),
        "{err}"
    );
}

/// LAMMPS writes triclinic boxes as bounding boxes: xlo_bound = xlo + min(0, xy, xz, xy+xz), ...
/// The reader must recover lx, ly from them (chemfiles alone does not).
#[test]
fn triclinic_dump_headers_give_the_true_cell_for_unscaled_and_scaled_coordinates() {
    let dir = tempfile::tempdir().unwrap();
    let (lx, ly, lz, xy, xz, yz) = (4.0, 5.0, 6.0, 1.5, -0.5, 0.75);
    let bounds = format!(
        "ITEM: BOX BOUNDS xy xz yz pp pp pp\n{} {} {xy}\n{} {} {xz}\n0 {lz} {yz}\n",
        0.0 + f64::min(0.0, f64::min(xy, f64::min(xz, xy + xz))),
        lx + f64::max(0.0, f64::max(xy, f64::max(xz, xy + xz))),
        0.0 + f64::min(0.0, yz),
        ly + f64::max(0.0, yz),
    );
    // one atom at fractional (0.5, 0.5, 0.5) → x = H s
    let s = [0.5, 0.25, 0.5];
    let x = [
        lx * s[0] + xy * s[1] + xz * s[2],
        ly * s[1] + yz * s[2],
        lz * s[2],
    ];
    let head = "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\n";
    let unscaled = format!(
        "{head}{bounds}ITEM: ATOMS id type x y z\n1 1 {} {} {}\n2 1 0 0 0\n",
        x[0], x[1], x[2]
    );
    let scaled = format!(
        "{head}{bounds}ITEM: ATOMS id type xs ys zs\n1 1 {} {} {}\n2 1 0 0 0\n",
        s[0], s[1], s[2]
    );
    for (name, text) in [("u.dump", unscaled), ("s.dump", scaled)] {
        let p = write(dir.path(), name, &text);
        let c = read_configuration(&p, &ReadOptions::default()).unwrap();
        let want = Cell::lammps([lx, ly, lz], [xy, xz, yz], [0.0; 3]);
        for r in 0..3 {
            for k in 0..3 {
                assert_relative_eq!(c.cell.matrix[r][k], want.matrix[r][k], epsilon = 1e-12);
            }
        }
        // positions may differ by a uniform translation (scaled input), the separation may not
        let d: Vec<f64> = (0..3)
            .map(|k| c.positions[0][k] - c.positions[1][k])
            .collect();
        for k in 0..3 {
            assert_relative_eq!(d[k], x[k], epsilon = 1e-12);
        }
    }
}

#[test]
fn multi_frame_dumps_are_read_by_selection() {
    let dir = tempfile::tempdir().unwrap();
    let text = ORTHO_DUMP.repeat(4).replacen("10\n", "20\n", 1);
    let p = write(dir.path(), "multi.lammpstrj", &text);
    let all = read_configurations(&p, &ReadOptions::default()).unwrap();
    assert_eq!(all.len(), 4);
    let opts = ReadOptions {
        frames: FrameSelection::parse("1:4:2").unwrap(),
        ..Default::default()
    };
    let some = read_configurations(&p, &opts).unwrap();
    assert_eq!(some.iter().map(|c| c.frame).collect::<Vec<_>>(), vec![1, 3]);
    let beyond = ReadOptions {
        frames: FrameSelection::parse("7").unwrap(),
        ..Default::default()
    };
    let err = read_configurations(&p, &beyond).unwrap_err();
    assert!(
        matches!(err, IoError::FrameOutOfRange { available: 4, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("multi.lammpstrj"));
}

#[test]
fn lammps_data_files_are_read_with_masses() {
    let dir = tempfile::tempdir().unwrap();
    let text = "LAMMPS data file\n\n3 atoms\n2 atom types\n\n0 4 xlo xhi\n0 5 ylo yhi\n0 6 zlo zhi\n\n\
                Masses\n\n1 28.0855\n2 12.011\n\nAtoms # atomic\n\n1 1 0.5 0.5 0.5\n2 2 1.5 0.5 2.5\n3 1 3.5 4.5 5.5\n";
    let p = write(dir.path(), "sic.data", text);
    let c = read_configuration(&p, &ReadOptions::default()).unwrap();
    assert_eq!(c.len(), 3);
    assert_eq!(c.species_counts(), vec![2, 1]);
    // chemfiles stores masses in single-precision-friendly form: compare to float round-off
    assert_relative_eq!(c.species[0].mass.unwrap(), 28.0855, max_relative = 1e-12);
    assert_relative_eq!(c.species[1].mass.unwrap(), 12.011, max_relative = 1e-12);
    assert_relative_eq!(c.volume(), 120.0);
}

fn sample_config(cell: Cell, dim: Dim) -> Configuration {
    Configuration {
        positions: vec![[0.1, 0.2, 0.0], [1.25, 2.5, 0.0], [3.0, 0.75, 0.0]],
        types: vec![0, 1, 0],
        species: vec![
            Species {
                label: "1".into(),
                mass: Some(1.0),
            },
            Species {
                label: "2".into(),
                mass: Some(0.5),
            },
        ],
        cell,
        dim,
        frame: 0,
        step: Some(7),
    }
}

#[test]
fn dump_and_extxyz_writers_round_trip_positions_cells_and_species() {
    let dir = tempfile::tempdir().unwrap();
    let cells = [
        (Cell::orthorhombic([4.0, 5.0, 1.0]), Dim::Two),
        (
            Cell::lammps([4.0, 5.0, 6.0], [1.25, -0.5, 0.75], [0.0; 3]),
            Dim::Three,
        ),
    ];
    for (k, (cell, dim)) in cells.into_iter().enumerate() {
        let mut c = sample_config(cell, dim);
        if dim == Dim::Three {
            c.positions[1][2] = 3.5;
        }
        let dump = dir.path().join(format!("rt{k}.dump"));
        let xyz = dir.path().join(format!("rt{k}.xyz"));
        write_lammps_dump(&dump, std::slice::from_ref(&c)).unwrap();
        write_extxyz(&xyz, std::slice::from_ref(&c)).unwrap();
        for p in [&dump, &xyz] {
            let back = read_configuration(p, &ReadOptions::default()).unwrap();
            assert_eq!(back.dim, dim, "{}", p.display());
            assert_eq!(back.labels(), c.labels());
            assert_eq!(back.types, c.types);
            for r in 0..3 {
                for q in 0..3 {
                    if dim == Dim::Two && (r == 2 || q == 2) {
                        continue;
                    }
                    assert_relative_eq!(
                        back.cell.matrix[r][q],
                        c.cell.matrix[r][q],
                        epsilon = 1e-12
                    );
                }
            }
            for (a, b) in back.positions.iter().zip(&c.positions) {
                for q in 0..3 {
                    assert_relative_eq!(a[q], b[q], epsilon = 1e-12);
                }
            }
        }
    }
}

// ---- bad input: each a typed error whose message names the file ----

fn read_err(path: &Path) -> IoError {
    read_configuration(path, &ReadOptions::default()).unwrap_err()
}

#[test]
fn a_missing_file_is_reported_with_its_path() {
    let err = read_err(Path::new("no/such/glass.dump"));
    assert!(matches!(err, IoError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("no/such/glass.dump"));
}

#[test]
fn a_truncated_dump_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cut = &ORTHO_DUMP[..ORTHO_DUMP.len() - 30];
    for (name, text) in [
        ("cut.dump", cut),
        ("header.dump", &ORTHO_DUMP[..40]),
        ("empty.dump", ""),
    ] {
        let p = write(dir.path(), name, text);
        let err = read_err(&p);
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn a_nan_coordinate_names_the_atom() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "nan.dump",
        &ORTHO_DUMP.replace("1.5 0.5 2.5", "1.5 nan 2.5"),
    );
    let err = read_err(&p);
    let text = err.to_string();
    // chemfiles refuses to parse "nan" (Malformed); formats that accept it hit vitrum's own
    // finiteness check (NonFinite), which names the atom
    assert!(text.contains("nan.dump") && text.contains("nan"), "{text}");
    if let IoError::NonFinite { id, .. } = err {
        assert_eq!(id, 2);
    }
}

#[test]
fn a_zero_or_missing_cell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let flat = ORTHO_DUMP.replace("0 5\n", "0 0\n");
    let p = write(dir.path(), "flat.dump", &flat);
    assert!(matches!(read_err(&p), IoError::BadCell { .. }));
    let p = write(
        dir.path(),
        "nocell.xyz",
        "2\nplain xyz\nAr 0 0 0\nAr 1 1 1\n",
    );
    let err = read_err(&p);
    assert!(matches!(err, IoError::BadCell { .. }), "{err}");
    assert!(err.to_string().contains("nocell.xyz"));
}

#[test]
fn an_unknown_format_lists_what_works() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "glass.weird", "hello\n");
    let err = read_err(&p);
    assert!(matches!(err, IoError::UnknownFormat { .. }), "{err}");
    assert!(err.to_string().contains("--format"));
    let opts = ReadOptions {
        format: Some("nonsense".into()),
        ..Default::default()
    };
    let err = read_configuration(fixture("ka3d/config.dump"), &opts).unwrap_err();
    assert!(matches!(err, IoError::UnknownFormat { .. }), "{err}");
}
