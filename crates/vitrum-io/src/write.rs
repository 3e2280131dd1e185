//! Writers for LAMMPS dumps and extended XYZ, at full float64 precision (`{:e}` round-trips).

use crate::atomic::write_atomically;
use crate::cell::Dim;
use crate::configuration::Configuration;
use crate::error::{IoError, Result};
use std::io::Write;
use std::path::Path;

/// Writes frames as a LAMMPS custom dump `id type x y z` (types are species labels, which for
/// LAMMPS input are already the type ids). Triclinic cells are written with LAMMPS' bounding-box
/// convention so LAMMPS, OVITO and vitrum read them back identically.
pub fn write_lammps_dump(path: &Path, frames: &[Configuration]) -> Result<()> {
    for c in frames {
        if c.cell.lammps_tilts().is_none() {
            return Err(IoError::BadDimension {
                path: path.to_path_buf(),
                message:
                    "a LAMMPS dump needs an upper-triangular cell (a along x, b in the xy plane); \
                          write extended XYZ instead"
                        .into(),
            });
        }
    }
    write_atomically(path, |w| {
        for c in frames {
            write_dump_frame(w, c)?;
        }
        Ok(())
    })
}

fn write_dump_frame(w: &mut dyn Write, c: &Configuration) -> std::io::Result<()> {
    let m = &c.cell.matrix;
    let o = c.cell.origin;
    let [lx, ly, lz] = [m[0][0], m[1][1], m[2][2]];
    let [xy, xz, yz] = [m[0][1], m[0][2], m[1][2]];
    writeln!(w, "ITEM: TIMESTEP\n{}", c.step.unwrap_or(c.frame as u64))?;
    writeln!(w, "ITEM: NUMBER OF ATOMS\n{}", c.len())?;
    let (z_lo, z_hi) = if c.dim == Dim::Two {
        (-0.5 * lz, 0.5 * lz)
    } else {
        (o[2], o[2] + lz)
    };
    if c.cell.is_orthorhombic() {
        writeln!(w, "ITEM: BOX BOUNDS pp pp pp")?;
        writeln!(w, "{:e} {:e}", o[0], o[0] + lx)?;
        writeln!(w, "{:e} {:e}", o[1], o[1] + ly)?;
        writeln!(w, "{:e} {:e}", z_lo, z_hi)?;
    } else {
        let xs = [0.0, xy, xz, xy + xz];
        let x_min = xs.iter().cloned().fold(f64::MAX, f64::min);
        let x_max = xs.iter().cloned().fold(f64::MIN, f64::max);
        writeln!(w, "ITEM: BOX BOUNDS xy xz yz pp pp pp")?;
        writeln!(w, "{:e} {:e} {:e}", o[0] + x_min, o[0] + lx + x_max, xy)?;
        writeln!(
            w,
            "{:e} {:e} {:e}",
            o[1] + yz.min(0.0),
            o[1] + ly + yz.max(0.0),
            xz
        )?;
        writeln!(w, "{:e} {:e} {:e}", z_lo, z_hi, yz)?;
    }
    writeln!(w, "ITEM: ATOMS id type x y z")?;
    for (i, p) in c.positions.iter().enumerate() {
        let label = &c.species[c.types[i]].label;
        writeln!(w, "{} {} {:e} {:e} {:e}", i + 1, label, p[0], p[1], p[2])?;
    }
    Ok(())
}

/// Writes frames as extended XYZ with `Lattice`, `Properties=species:S:1:pos:R:3` and `pbc`.
pub fn write_extxyz(path: &Path, frames: &[Configuration]) -> Result<()> {
    write_atomically(path, |w| {
        for c in frames {
            writeln!(w, "{}", c.len())?;
            let lattice: Vec<String> = (0..3)
                .flat_map(|k| c.cell.vector(k))
                .map(|v| format!("{v:e}"))
                .collect();
            let pbc = if c.dim == Dim::Two { "T T F" } else { "T T T" };
            let mass_note = match c.masses() {
                Some(_) => {
                    let ms: Vec<String> = c
                        .species
                        .iter()
                        .map(|s| format!("{}:{:e}", s.label, s.mass.unwrap_or(0.0)))
                        .collect();
                    format!(" masses=\"{}\"", ms.join(","))
                }
                None => String::new(),
            };
            writeln!(
                w,
                "Lattice=\"{}\" Properties=species:S:1:pos:R:3 pbc=\"{}\" frame={} dim={}{}",
                lattice.join(" "),
                pbc,
                c.frame,
                c.dim.get(),
                mass_note
            )?;
            for (i, p) in c.positions.iter().enumerate() {
                let label = &c.species[c.types[i]].label;
                writeln!(w, "{} {:e} {:e} {:e}", label, p[0], p[1], p[2])?;
            }
        }
        Ok(())
    })
}
