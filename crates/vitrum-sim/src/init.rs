//! Initial configurations: a lattice (fcc, sq2, diamond, as LAMMPS `lattice` + `create_atoms`) or
//! random sequential placement, with species assigned at random in exact counts. A lattice that
//! N does not fill is the smallest one that holds N, with the surplus sites left empty at random
//! (LAMMPS `delete_atoms random count`), so any N has a lattice start.

use crate::error::{Result, SimError};
use crate::protocol::{Init, Protocol};
use crate::rng::Rng;
use vitrum_io::{Cell, Configuration, Dim, Species};

/// Unit-cell sites in fractions of the lattice constant.
fn basis(init: Init) -> Vec<[f64; 3]> {
    match init {
        Init::Fcc => vec![
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.0],
            [0.5, 0.0, 0.5],
            [0.0, 0.5, 0.5],
        ],
        Init::Sq2 => vec![[0.0, 0.0, 0.0], [0.5, 0.5, 0.0]],
        Init::Diamond => {
            let fcc = basis(Init::Fcc);
            let mut v = fcc.clone();
            v.extend(fcc.iter().map(|p| [p[0] + 0.25, p[1] + 0.25, p[2] + 0.25]));
            v
        }
        Init::Random => vec![[0.0; 3]],
    }
}

/// The initial configuration of `protocol` with species `labels`/`masses` (model order).
pub fn initial_configuration(
    protocol: &Protocol,
    labels: &[String],
    masses: &[f64],
    rng: &mut Rng,
) -> Result<Configuration> {
    protocol.validate()?;
    // a model may declare more species than the composition uses (si-sw declares "1" and "Si"
    // for one species): the first k are used, as the LAMMPS backend's types 1..k
    if labels.len() < protocol.composition.len() {
        return Err(SimError::ImpossibleComposition {
            composition: protocol.composition.clone(),
            reason: format!(
                "the potential '{}' has {} species ({}), the composition gives {} fractions",
                protocol.potential,
                labels.len(),
                labels.join(", "),
                protocol.composition.len()
            ),
        });
    }
    let d = protocol.dim;
    let dim = Dim::from_usize(d).expect("validated");
    let l = protocol.box_length();
    let n = protocol.n;
    let positions = match protocol.lattice_cells()? {
        Some(nc) => {
            let a = l / nc as f64;
            let sites = basis(protocol.init);
            let mut pos = Vec::with_capacity(n);
            let nz = if d == 3 { nc } else { 1 };
            // LAMMPS create_atoms order: loop k (z), j (y), i (x), then basis
            for k in 0..nz {
                for j in 0..nc {
                    for i in 0..nc {
                        for s in &sites {
                            let z = if d == 3 { (k as f64 + s[2]) * a } else { 0.0 };
                            pos.push([(i as f64 + s[0]) * a, (j as f64 + s[1]) * a, z]);
                        }
                    }
                }
            }
            remove_random_sites(&mut pos, protocol.lattice_vacancies()?, rng);
            pos
        }
        None => random_positions(n, d, l, protocol.density, rng)?,
    };
    let counts = protocol.species_counts()?;
    let mut types: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(t, &c)| std::iter::repeat_n(t, c))
        .collect();
    rng.shuffle(&mut types);
    let lz = if d == 3 {
        l
    } else {
        l / protocol.lattice_cells()?.unwrap_or(1) as f64
    };
    Ok(Configuration {
        positions,
        types,
        species: labels
            .iter()
            .zip(masses)
            .take(protocol.composition.len())
            .map(|(l, m)| Species {
                label: l.clone(),
                mass: Some(*m),
            })
            .collect(),
        cell: Cell::orthorhombic([l, l, lz]),
        dim,
        frame: 0,
        step: None,
    })
}

/// Leaves `vacancies` sites of `sites` empty, chosen uniformly by `rng` (a partial Fisher–Yates
/// draw); the others keep their lattice order. No draw at all when `vacancies` is 0, so a
/// lattice that N fills gives the same start (and the same sample) as before vacancies existed.
fn remove_random_sites(sites: &mut Vec<[f64; 3]>, vacancies: usize, rng: &mut Rng) {
    if vacancies == 0 {
        return;
    }
    let mut index: Vec<usize> = (0..sites.len()).collect();
    let mut empty = vec![false; sites.len()];
    for i in 0..vacancies {
        let j = i + rng.below(index.len() - i);
        index.swap(i, j);
        empty[index[i]] = true;
    }
    let mut k = 0;
    sites.retain(|_| {
        k += 1;
        !empty[k - 1]
    });
}

/// Random sequential addition with minimum distance 0.7 ρ^{-1/d} (packing far below jamming for
/// any reasonable density); fails with `ImpossibleDensity` when the box cannot hold the particles.
fn random_positions(
    n: usize,
    d: usize,
    l: f64,
    density: f64,
    rng: &mut Rng,
) -> Result<Vec<[f64; 3]>> {
    let dmin = 0.7 * density.powf(-1.0 / d as f64);
    let dmin2 = dmin * dmin;
    // a grid of cells of side ≥ dmin: neighbours in the 3^d surrounding cells
    let nb = ((l / dmin).floor() as usize).max(1);
    let cell_of = |p: &[f64; 3]| -> Vec<usize> {
        (0..d)
            .map(|k| ((p[k] / l * nb as f64) as usize).min(nb - 1))
            .collect()
    };
    let flat = |c: &[usize]| c.iter().fold(0, |acc, &v| acc * nb + v);
    let mut grid: Vec<Vec<usize>> = vec![Vec::new(); nb.pow(d as u32)];
    let mut pos: Vec<[f64; 3]> = Vec::with_capacity(n);
    let max_tries = 2000 * n;
    let mut tries = 0;
    while pos.len() < n {
        tries += 1;
        if tries > max_tries {
            return Err(SimError::ImpossibleDensity {
                density,
                reason: format!(
                    "random placement with minimum distance {dmin:.3} fitted only {} of {n} \
                     particles; use a lattice init or a lower density",
                    pos.len()
                ),
            });
        }
        let mut p = [0.0; 3];
        for x in p.iter_mut().take(d) {
            *x = rng.uniform() * l;
        }
        let c = cell_of(&p);
        let mut ok = true;
        let offsets: Vec<Vec<i64>> = if d == 3 {
            (0..27)
                .map(|m| vec![m / 9 - 1, (m / 3) % 3 - 1, m % 3 - 1])
                .collect()
        } else {
            (0..9).map(|m| vec![m / 3 - 1, m % 3 - 1]).collect()
        };
        'outer: for o in &offsets {
            let cc: Vec<usize> = (0..d)
                .map(|k| (c[k] as i64 + o[k]).rem_euclid(nb as i64) as usize)
                .collect();
            for &q in &grid[flat(&cc)] {
                let mut r2 = 0.0;
                for k in 0..d {
                    let mut v = pos[q][k] - p[k];
                    v -= l * (v / l).round();
                    r2 += v * v;
                }
                if r2 < dmin2 {
                    ok = false;
                    break 'outer;
                }
            }
        }
        if ok {
            grid[flat(&c)].push(pos.len());
            pos.push(p);
        }
    }
    Ok(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> (Vec<String>, Vec<f64>) {
        (vec!["1".into(), "2".into()], vec![1.0, 1.0])
    }

    #[test]
    fn lattice_has_the_density_counts_and_no_close_pairs() {
        let (l, m) = labels();
        for name in ["ka3d", "ka2d"] {
            let p = Protocol::preset(name).unwrap();
            let c = initial_configuration(&p, &l, &m, &mut Rng::new(1)).unwrap();
            assert_eq!(c.len(), p.n);
            assert!((c.number_density() - p.density).abs() < 1e-12);
            assert_eq!(c.species_counts(), p.species_counts().unwrap());
        }
    }

    /// Any N from 2 to 5000, 2D and 3D: N distinct sites at the protocol's density, the
    /// composition's counts, and N that fill the lattice still give the plain lattice.
    #[test]
    fn every_n_gets_a_lattice_start_with_distinct_sites() {
        let (l, m) = labels();
        for name in ["ka2d", "ka3d"] {
            let mut p = Protocol::preset(name).unwrap();
            let filled = initial_configuration(&p, &l, &m, &mut Rng::new(5)).unwrap();
            for n in (2..=5000)
                .step_by(97)
                .chain([3, 255, 256, 257, 499, 501, 4999, 5000])
            {
                p.n = n;
                let c = initial_configuration(&p, &l, &m, &mut Rng::new(n as u64)).unwrap();
                assert_eq!(c.len(), n, "{name}");
                assert_eq!(
                    c.species_counts(),
                    p.species_counts().unwrap(),
                    "{name} N = {n}"
                );
                // 1e-9 relative: the volume is L^d of L = (N/ρ)^{1/d}, round-off only
                assert!(
                    (c.number_density() - p.density).abs() < 1e-9 * p.density,
                    "{name}"
                );
                let mut keys: Vec<[i64; 3]> = c
                    .positions
                    .iter()
                    .map(|x| x.map(|v| (v * 1e6).round() as i64))
                    .collect();
                keys.sort();
                keys.dedup();
                assert_eq!(keys.len(), n, "{name} N = {n}: two atoms on one site");
            }
            // the same seed and a filled lattice: exactly the former lattice start
            p.n = filled.len();
            let again = initial_configuration(&p, &l, &m, &mut Rng::new(5)).unwrap();
            assert_eq!(again.positions, filled.positions);
            assert_eq!(again.types, filled.types);
        }
    }

    #[test]
    fn random_init_respects_the_minimum_distance() {
        let (l, m) = labels();
        let mut p = Protocol::preset("ka3d").unwrap();
        p.init = Init::Random;
        p.n = 300;
        let c = initial_configuration(&p, &l, &m, &mut Rng::new(3)).unwrap();
        let cl = vitrum_descriptors::CellList::new(&c, 0.6).unwrap();
        assert!(
            cl.pairs()
                .iter()
                .all(|q| q.r2.sqrt() >= 0.7 * 1.2f64.powf(-1.0 / 3.0) - 1e-12)
        );
    }
}
