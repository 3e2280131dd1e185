//! vitrum's own LAMMPS dump reader against chemfiles' (which it replaced because chemfiles
//! crashes on corrupt dumps): on valid files both must give the same atoms in the same order,
//! labels, masses, cell and step, and the same numbers to within chemfiles' parsing error,
//! except where chemfiles is wrong (a triclinic box, whose bounding box chemfiles takes for the
//! cell). chemfiles' number parser is not correctly rounded ("28.0855" → 28.085499999999996, one
//! ulp off); vitrum's is Rust's, which is. Then the corrupt dumps chemfiles crashed on, each a
//! clear error naming the line.

use std::path::{Path, PathBuf};
use vitrum_io::{Configuration, IoError, ReadOptions, read_configurations};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// Every frame of `path` as chemfiles reads it: (step, positions, cell matrix, labels, masses).
type ChemfilesFrame = (u64, Vec<[f64; 3]>, [[f64; 3]; 3], Vec<String>, Vec<f64>);

fn chemfiles_frames(path: &Path) -> Vec<ChemfilesFrame> {
    let mut trajectory =
        chemfiles::Trajectory::open_with_format(path.to_str().unwrap(), 'r', "LAMMPS").unwrap();
    (0..trajectory.nsteps())
        .map(|i| {
            let mut frame = chemfiles::Frame::new();
            trajectory.read_step(i, &mut frame).unwrap();
            let (labels, masses) = (0..frame.size())
                .map(|a| {
                    let atom = frame.atom(a);
                    let t = atom.atomic_type();
                    (if t.is_empty() { atom.name() } else { t }, atom.mass())
                })
                .unzip();
            (
                frame.step() as u64,
                frame.positions().to_vec(),
                frame.cell().matrix(),
                labels,
                masses,
            )
        })
        .collect()
}

fn vitrum_frames(path: &Path) -> Vec<Configuration> {
    let options = ReadOptions {
        dim: Some(vitrum_io::Dim::Three),
        ..ReadOptions::default()
    };
    read_configurations(path, &options).unwrap()
}

/// Equal to within chemfiles' parsing error: it is off by at most an ulp or two of the value
/// (measured: one ulp), so 4 ulp of the larger magnitude bounds it with room.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs())
}

fn all_close(a: &[[f64; 3]], b: &[[f64; 3]]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(p, q)| (0..3).all(|k| close(p[k], q[k])))
}

/// Same atoms in the same order, the same labels, masses, cell and step.
fn assert_same(path: &Path, tilt_corrected: bool) {
    let theirs = chemfiles_frames(path);
    let ours = vitrum_frames(path);
    assert_eq!(ours.len(), theirs.len(), "{}", path.display());
    for (c, (step, positions, matrix, labels, masses)) in ours.iter().zip(&theirs) {
        assert_eq!(c.step, Some(*step));
        assert!(all_close(&c.positions, positions), "{}", path.display());
        let ours_labels: Vec<String> = c
            .types
            .iter()
            .map(|&t| c.species[t].label.clone())
            .collect();
        assert_eq!(&ours_labels, labels);
        for (a, &t) in c.types.iter().enumerate() {
            // chemfiles has 0 for "no mass"; vitrum None
            assert!(close(c.species[t].mass.unwrap_or(0.0), masses[a]));
        }
        if !tilt_corrected {
            let ours: Vec<[f64; 3]> = c.cell.matrix.to_vec();
            assert!(all_close(&ours, matrix), "{}", path.display());
        }
    }
}

#[test]
fn every_fixture_dump_reads_as_chemfiles_reads_it() {
    for name in [
        "ka2d/config.dump",
        "ka3d/config.dump",
        "yukawa3d/config.dump",
        "asi-sw/config.dump",
    ] {
        assert_same(&fixture(name), false);
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn shuffled_ids_masses_elements_images_and_two_frames_read_as_chemfiles_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\
ITEM: UNITS
metal
ITEM: TIMESTEP
7
ITEM: NUMBER OF ATOMS
3
ITEM: BOX BOUNDS pp pp pp
-1.5 4.25
0 5
2 8
ITEM: ATOMS id type mass x y z ix iy iz
3 1 28.0855 0.5 0.5 2.5 1 0 -1
1 2 12.011 1.5 0.5 3.5 0 0 0
2 1 28.0855 3.5 4.5 5.5 -2 1 0
ITEM: TIMESTEP
9
ITEM: NUMBER OF ATOMS
3
ITEM: BOX BOUNDS pp pp pp
-1.5 4.25
0 5
2 8
ITEM: ATOMS id type mass x y z ix iy iz
2 1 28.0855 0.25 0.5 2.5 0 0 0
3 1 28.0855 1.5 0.75 3.5 0 0 0
1 2 12.011 3.5 4.5 5.25 0 1 0
";
    let path = write(dir.path(), "a.dump", text);
    assert_same(&path, false);
    // correctly rounded, where chemfiles is one ulp off
    assert_eq!(vitrum_frames(&path)[0].species[0].mass, Some(28.0855));
    let unwrapped = "\
ITEM: TIMESTEP
0
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS pp pp pp
0 4
0 5
0 6
ITEM: ATOMS element x y z xu yu zu
Si 0.5 0.5 0.5 4.5 0.5 0.5
C 1.5 0.5 2.5 1.5 -4.5 2.5
";
    assert_same(&write(dir.path(), "u.dump", unwrapped), false);
}

#[test]
fn scaled_coordinates_give_the_same_positions_as_cartesian_ones() {
    // LAMMPS: x = xlo + xs·lx (orthogonal box); chemfiles agrees here
    let dir = tempfile::tempdir().unwrap();
    let scaled = "\
ITEM: TIMESTEP
0
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS pp pp pp
-2 2
0 8
1 5
ITEM: ATOMS id type xs ys zs
1 1 0.125 0.5 0.25
2 1 0.75 0.25 0.5
";
    let path = write(dir.path(), "s.dump", scaled);
    assert_same(&path, false);
    let c = &vitrum_frames(&path)[0];
    // exact: dyadic fractions of dyadic lengths
    assert_eq!(c.positions, vec![[-1.5, 4.0, 2.0], [1.0, 2.0, 3.0]]);
}

#[test]
fn a_triclinic_box_is_the_box_not_its_bounding_box() {
    // LAMMPS writes xlo_bound = xlo + min(0, xy, xz, xy+xz), xhi_bound = xhi + max(...),
    // ylo_bound = ylo + min(0, yz), yhi_bound = yhi + max(0, yz): box 0..4 × 0..5 × 0..6 with
    // xy = 1, xz = -0.5, yz = 0.25 is written as x −0.5..5, y 0..5.25.
    let dir = tempfile::tempdir().unwrap();
    let text = "\
ITEM: TIMESTEP
0
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS xy xz yz pp pp pp
-0.5 5 1
0 5.25 -0.5
0 6 0.25
ITEM: ATOMS id type x y z
1 1 0.5 0.5 0.5
2 1 1.5 2.5 3.5
";
    let path = write(dir.path(), "t.dump", text);
    assert_same(&path, true);
    let c = &vitrum_frames(&path)[0];
    assert_eq!(
        c.cell.matrix,
        [[4.0, 1.0, -0.5], [0.0, 5.0, 0.25], [0.0, 0.0, 6.0]]
    );
    // the same box with scaled coordinates: x = xlo + xs·lx + ys·xy + zs·xz
    let scaled = text.replace("x y z", "xs ys zs").replace(
        "1 1 0.5 0.5 0.5\n2 1 1.5 2.5 3.5",
        "1 1 0.25 0.5 0.5\n2 1 0.5 0.25 0.75",
    );
    let c = &vitrum_frames(&write(dir.path(), "ts.dump", &scaled))[0];
    assert_eq!(
        c.positions,
        vec![
            [1.0 + 0.5 - 0.25, 2.5 + 0.125, 3.0],
            [2.0 + 0.25 - 0.375, 1.25 + 0.1875, 4.5]
        ]
    );
}

/// The message of reading `text` as a dump, which must be a `Malformed` error.
fn error_of(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad.dump", text);
    match read_configurations(&path, &ReadOptions::default()) {
        Err(e @ IoError::Malformed { .. }) => e.to_string(),
        other => panic!("expected a Malformed error, got {other:?}"),
    }
}

const GOOD: &str = "\
ITEM: TIMESTEP
0
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS pp pp pp
0 4
0 5
0 6
ITEM: ATOMS id type x y z
1 1 0.5 0.5 0.5
2 1 1.5 2.5 3.5
";

#[test]
fn corrupt_dumps_are_errors_that_name_the_line() {
    let cases: &[(&str, &str, &str)] = &[
        // what chemfiles crashed on (cargo xtask fuzz, loader mutation tests)
        ("2 1 1.5", "+ 1 1.5", "line 11: atom id '+'"),
        ("2 1 1.5", "0 1 1.5", "line 11: atom id 0 is outside 1..=2"),
        ("2 1 1.5", "18446744073709551615 1 1.5", "outside 1..=2"),
        ("2 1 1.5", "1 1 1.5", "line 11: atom id 1 appears twice"),
        ("ATOMS\n2\n", "ATOMS\n0\n", "NUMBER OF ATOMS is 0"),
        (
            "ATOMS\n2\n",
            "ATOMS\n99999999999999999\n",
            "NUMBER OF ATOMS is 99999999999999999 but",
        ),
        (
            "2 1 1.5 2.5 3.5",
            "2 1 1.5 2.5",
            "line 11: 4 values for the 5 columns",
        ),
        ("2 1 1.5", "2\x0c1 1.5", "line 11: control character 0x0c"),
        ("0 4\n", "0 4 7\n", "line 6: 3 values on BOX BOUNDS line 1"),
        ("0 5\n", "0 five\n", "line 7: a box bound 'five'"),
        ("0 6\n", "0 inf\n", "line 8: box bound inf is not finite"),
        ("id type x y z", "id type x y", "has x y but no 'z' column"),
        ("id type x y z", "id type q", "no coordinate columns"),
        (
            "id type x y z",
            "id type x y z x",
            "column 'x' appears twice",
        ),
        (
            "id type x y z",
            "id type x y z ix",
            "some of the image flags",
        ),
        (
            "TIMESTEP\n0",
            "TIMESTEP\nzero",
            "line 2: the timestep 'zero'",
        ),
        (
            "ITEM: NUMBER OF ATOMS",
            "ITEM: NUMBER OF MOLES",
            "expected 'ITEM: NUMBER OF ATOMS'",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(GOOD.contains(from), "{from}");
        let message = error_of(&GOOD.replacen(from, to, 1));
        assert!(message.contains(expected), "{to:?}: {message}");
        assert!(message.contains("bad.dump"), "{message}");
    }
    // truncated inside the atom rows
    let message = error_of(&GOOD[..GOOD.len() - 10]);
    assert!(
        message.contains("line 11: 3 values for the 5 columns"),
        "{message}"
    );
    // a row missing: the rest of the file cannot hold NUMBER OF ATOMS rows
    let message = error_of(&GOOD[..GOOD.rfind("2 1").unwrap()]);
    assert!(
        message.contains("line 9: NUMBER OF ATOMS is 2 but the 16 bytes left"),
        "{message}"
    );
    let message = error_of(&GOOD[..GOOD.find("0 6").unwrap()]);
    assert!(
        message.contains("line 8: the file ends inside the frame"),
        "{message}"
    );
    assert!(error_of("hello\n").contains("no 'ITEM: TIMESTEP' line"));
}
