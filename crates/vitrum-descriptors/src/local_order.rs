//! Local order read from the bond network of one configuration: two particles are bonded when
//! closer than the cutoff of their species pair (the first minimum of g_ab, as a glass
//! physicist draws it). From the network:
//!
//! - the coordination-number distribution — for carbon the sp, sp² and sp³ fractions are the
//!   fractions of 2-, 3- and 4-coordinated atoms;
//! - common-neighbour analysis (Honeycutt & Andersen 1987): the signature (j, k, l) of a bond —
//!   j common neighbours of its two ends, k bonds among them, l bonds in the largest connected
//!   group of those — and the **icosahedral fraction** of metallic glasses: particles with 12
//!   neighbours whose 12 bonds are all 555, the centres of full icosahedra (the Voronoi
//!   ⟨0,0,12,0⟩ clusters of Cu–Zr–Al glasses); fcc bonds are 421, hcp 421 and 422;
//! - ring statistics of two-dimensional networks (monolayer amorphous carbon or silica): the
//!   faces of the bond graph drawn in the plane, found by walking each bond with its next
//!   neighbour in angular order. On a periodic cell (a torus) the faces of a network without
//!   crossing bonds obey Euler's V − E + F = 0, which [`RingStatistics::euler_characteristic`]
//!   reports as a check. Atoms with fewer than two bonds belong to no ring and are pruned
//!   first (repeatedly: a dangling chain goes whole).

use crate::bond_angles::PairCutoffs;
use crate::error::{DescriptorError, Result};
use crate::neighbors::CellList;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use vitrum_io::{Cell, Configuration, Dim};

/// Each particle's bonded neighbours (index, minimum-image vector r_j − r_i), sorted by index.
#[derive(Debug, Clone)]
pub struct BondNetwork {
    neighbours: Vec<Vec<(usize, [f64; 3])>>,
    dim: Dim,
}

/// Ring-size distribution of a 2D network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RingStatistics {
    /// Rings (faces) by size in bonds.
    pub sizes: BTreeMap<usize, usize>,
    /// Particles, bonds and faces of the network after pruning atoms with < 2 bonds.
    pub vertices: usize,
    pub edges: usize,
    pub faces: usize,
    /// Particles pruned (fewer than two bonds, directly or after their neighbours went).
    pub pruned: usize,
}

impl RingStatistics {
    /// V − E + F: 0 for a network drawn on the periodic cell without crossing bonds (each face
    /// a disk); anything else says bonds cross (the cutoff is too long) or the network does not
    /// span the cell.
    pub fn euler_characteristic(&self) -> i64 {
        self.vertices as i64 - self.edges as i64 + self.faces as i64
    }

    /// Mean ring size Σ n·count / Σ count (6 for a honeycomb; 6 for any three-coordinated
    /// periodic network by Euler's relation).
    pub fn mean_size(&self) -> f64 {
        let (sum, count) = self
            .sizes
            .iter()
            .fold((0, 0), |(s, c), (&n, &k)| (s + n * k, c + k));
        if count == 0 {
            0.0
        } else {
            sum as f64 / count as f64
        }
    }
}

fn norm2(v: [f64; 3]) -> f64 {
    v[0] * v[0] + v[1] * v[1] + v[2] * v[2]
}

impl BondNetwork {
    /// Bonds of `config` within `cutoffs` (one per species pair).
    pub fn new(config: &Configuration, cutoffs: &PairCutoffs) -> Result<BondNetwork> {
        if cutoffs.n_species() != config.species.len() {
            return Err(DescriptorError::Invalid(format!(
                "cutoffs are given for {} species but the configuration has {}",
                cutoffs.n_species(),
                config.species.len()
            )));
        }
        crate::overlaps::check_overlaps(config)?;
        let list = CellList::new(config, cutoffs.max())?;
        let types = &config.types;
        let neighbours = list
            .neighbor_lists(config.len())
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                l.into_iter()
                    .filter(|(j, dr)| {
                        let c = cutoffs.get(types[i], types[*j]);
                        norm2(*dr) < c * c
                    })
                    .collect()
            })
            .collect();
        Ok(BondNetwork {
            neighbours,
            dim: config.dim,
        })
    }

    pub fn len(&self) -> usize {
        self.neighbours.len()
    }

    pub fn is_empty(&self) -> bool {
        self.neighbours.is_empty()
    }

    /// The bonds of particle `i`: (neighbour, minimum-image r_j − r_i), sorted by neighbour.
    pub fn bonds(&self, i: usize) -> &[(usize, [f64; 3])] {
        &self.neighbours[i]
    }

    /// The mean number of bonds per particle.
    pub fn mean_coordination(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        self.neighbours.iter().map(Vec::len).sum::<usize>() as f64 / self.len() as f64
    }

    /// The mean length of the bonds (0 without bonds).
    pub fn mean_bond_length(&self) -> f64 {
        let (sum, count) = self
            .neighbours
            .iter()
            .flatten()
            .fold((0.0, 0usize), |(s, c), (_, dr)| {
                (s + norm2(*dr).sqrt(), c + 1)
            });
        if count == 0 { 0.0 } else { sum / count as f64 }
    }

    /// Bonds of particle `i`.
    pub fn coordination(&self, i: usize) -> usize {
        self.neighbours[i].len()
    }

    /// Particles by number of bonds: entry z counts the z-coordinated particles.
    pub fn coordination_counts(&self) -> Vec<usize> {
        let top = self.neighbours.iter().map(Vec::len).max().unwrap_or(0);
        let mut counts = vec![0; top + 1];
        for l in &self.neighbours {
            counts[l.len()] += 1;
        }
        counts
    }

    fn bonded(&self, a: usize, b: usize) -> bool {
        self.neighbours[a]
            .binary_search_by_key(&b, |&(j, _)| j)
            .is_ok()
    }

    /// The common-neighbour signature (j, k, l) of particles `a` and `b` (bonded or not).
    pub fn cna_signature(&self, a: usize, b: usize) -> (usize, usize, usize) {
        let common: Vec<usize> = self.neighbours[a]
            .iter()
            .map(|&(j, _)| j)
            .filter(|&j| j != b && self.bonded(b, j))
            .collect();
        let mut bonds = Vec::new();
        for x in 0..common.len() {
            for y in x + 1..common.len() {
                if self.bonded(common[x], common[y]) {
                    bonds.push((x, y));
                }
            }
        }
        (
            common.len(),
            bonds.len(),
            largest_bond_cluster(common.len(), &bonds),
        )
    }

    /// Whether particle `i` is the centre of a full icosahedron: 12 neighbours, each bond 555.
    pub fn is_icosahedral(&self, i: usize) -> bool {
        self.neighbours[i].len() == 12
            && self.neighbours[i]
                .iter()
                .all(|&(j, _)| self.cna_signature(i, j) == (5, 5, 5))
    }

    /// The fraction of particles that are centres of full icosahedra.
    pub fn icosahedral_fraction(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let n = (0..self.len()).filter(|&i| self.is_icosahedral(i)).count();
        n as f64 / self.len() as f64
    }

    /// Rings of a two-dimensional network: the faces of the bond graph in the plane. A
    /// three-dimensional configuration is refused unless it is a monolayer ([`is_monolayer`]),
    /// whose bonds are then projected onto the xy plane.
    pub fn rings(&self, config: &Configuration) -> Result<RingStatistics> {
        if self.dim != Dim::Two && !is_monolayer(config, self) {
            return Err(DescriptorError::Invalid(
                "ring statistics are defined here for two-dimensional networks (faces of the \
                 planar bond graph) and monolayers; this configuration is a bulk \
                 three-dimensional one"
                    .into(),
            ));
        }
        // prune particles with < 2 bonds until none is left
        let mut degree: Vec<usize> = self.neighbours.iter().map(Vec::len).collect();
        let mut alive = vec![true; self.len()];
        let mut stack: Vec<usize> = (0..self.len()).filter(|&i| degree[i] < 2).collect();
        while let Some(i) = stack.pop() {
            if !alive[i] {
                continue;
            }
            alive[i] = false;
            for &(j, _) in &self.neighbours[i] {
                if alive[j] {
                    degree[j] -= 1;
                    if degree[j] < 2 {
                        stack.push(j);
                    }
                }
            }
        }
        // each particle's remaining bonds in counter-clockwise order
        let around: Vec<Vec<(usize, [f64; 3])>> = (0..self.len())
            .map(|i| {
                if !alive[i] {
                    return Vec::new();
                }
                let mut l: Vec<(usize, [f64; 3])> = self.neighbours[i]
                    .iter()
                    .copied()
                    .filter(|&(j, _)| alive[j])
                    .collect();
                l.sort_by(|p, q| p.1[1].atan2(p.1[0]).total_cmp(&q.1[1].atan2(q.1[0])));
                l
            })
            .collect();
        // directed bond (i, slot k of i) → its position; the reverse of i→j is the slot of j
        // holding i with the opposite vector (one image of a pair per bond)
        let offset: Vec<usize> = around
            .iter()
            .scan(0, |s, l| {
                let o = *s;
                *s += l.len();
                Some(o)
            })
            .collect();
        let directed = offset
            .last()
            .map_or(0, |&o| o + around.last().unwrap().len());
        let reverse_slot = |i: usize, k: usize| -> Result<usize> {
            let (j, dr) = around[i][k];
            around[j]
                .iter()
                .position(|&(m, back)| {
                    m == i && norm2([back[0] + dr[0], back[1] + dr[1], back[2] + dr[2]]) < 1e-18
                })
                .ok_or_else(|| {
                    DescriptorError::Invalid(format!(
                        "bond {i}–{j} has no reverse in {j}'s list (inconsistent images)"
                    ))
                })
        };
        let mut seen = vec![false; directed];
        let mut sizes = BTreeMap::new();
        let mut faces = 0;
        for i in 0..self.len() {
            for k in 0..around[i].len() {
                if seen[offset[i] + k] {
                    continue;
                }
                // walk: from the bond u→v, turn to v's neighbour just clockwise of u
                let (mut u, mut slot, mut length) = (i, k, 0usize);
                while !seen[offset[u] + slot] {
                    seen[offset[u] + slot] = true;
                    length += 1;
                    let v = around[u][slot].0;
                    let back = reverse_slot(u, slot)?;
                    let deg = around[v].len();
                    slot = (back + deg - 1) % deg;
                    u = v;
                    if length > directed {
                        return Err(DescriptorError::Invalid(
                            "a face walk did not close (bonds cross)".into(),
                        ));
                    }
                }
                *sizes.entry(length).or_insert(0) += 1;
                faces += 1;
            }
        }
        let vertices = alive.iter().filter(|&&a| a).count();
        Ok(RingStatistics {
            sizes,
            vertices,
            edges: directed / 2,
            faces,
            pruned: self.len() - vertices,
        })
    }
}

/// A sheet in a 3D cell: the cell's third vector along z and the first two in the xy plane,
/// every particle within a slab (on the periodic z axis) thinner than a quarter of the cell's
/// height, and a single layer in projection: no two particles closer than half a bond in the
/// xy plane and at most 1 % of the bonds crossing another — a monolayer such as
/// `amorphous-carbon-2d`'s with 20 Å of vacuum, flat or rippled, not a bulk glass, a stack of
/// layers or a crumpled sheet (whose folds overlap in projection).
pub fn is_monolayer(config: &Configuration, net: &BondNetwork) -> bool {
    if config.dim != Dim::Three || config.is_empty() {
        return false;
    }
    let (a, b, c) = (
        config.cell.vector(0),
        config.cell.vector(1),
        config.cell.vector(2),
    );
    if a[2] != 0.0 || b[2] != 0.0 || c[0] != 0.0 || c[1] != 0.0 || c[2] <= 0.0 {
        return false;
    }
    let lz = c[2];
    let mut z: Vec<f64> = config
        .positions
        .iter()
        .map(|p| p[2].rem_euclid(lz))
        .collect();
    z.sort_by(f64::total_cmp);
    // the thinnest slab holding every z on the periodic axis: the widest gap is the vacuum
    let mut gap = z[0] + lz - z[z.len() - 1];
    for w in z.windows(2) {
        gap = gap.max(w[1] - w[0]);
    }
    if lz - gap >= 0.25 * lz {
        return false;
    }
    let plane = InPlane::of(&config.cell);
    let bond = net.mean_bond_length();
    let xy: Vec<[f64; 2]> = config.positions.iter().map(|p| [p[0], p[1]]).collect();
    for i in 0..xy.len() {
        for j in i + 1..xy.len() {
            let d = plane.minimum_image([xy[j][0] - xy[i][0], xy[j][1] - xy[i][1]]);
            if d[0] * d[0] + d[1] * d[1] < 0.25 * bond * bond {
                return false;
            }
        }
    }
    let (crossing, bonds) = net.crossing_bonds(&xy, &plane);
    100 * crossing <= bonds
}

/// Minimum images in the plane of the cell's first two vectors.
struct InPlane {
    a: [f64; 2],
    b: [f64; 2],
    inv: [[f64; 2]; 2],
}

impl InPlane {
    /// The plane of `cell`'s first two vectors (its 2D inverse: fractional coordinates along
    /// them).
    fn of(cell: &Cell) -> InPlane {
        let (a, b) = (cell.vector(0), cell.vector(1));
        let inv = cell.inverse(Dim::Two);
        InPlane {
            a: [a[0], a[1]],
            b: [b[0], b[1]],
            inv: [[inv[0][0], inv[0][1]], [inv[1][0], inv[1][1]]],
        }
    }

    fn minimum_image(&self, d: [f64; 2]) -> [f64; 2] {
        let fa = (self.inv[0][0] * d[0] + self.inv[0][1] * d[1]).round();
        let fb = (self.inv[1][0] * d[0] + self.inv[1][1] * d[1]).round();
        [
            d[0] - fa * self.a[0] - fb * self.b[0],
            d[1] - fa * self.a[1] - fb * self.b[1],
        ]
    }
}

/// Whether the open segments p0–p1 and q0–q1 cross (a proper crossing: shared end points and
/// touching do not count).
fn segments_cross(p0: [f64; 2], p1: [f64; 2], q0: [f64; 2], q1: [f64; 2]) -> bool {
    let orient = |a: [f64; 2], b: [f64; 2], c: [f64; 2]| {
        (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    };
    let (d1, d2) = (orient(q0, q1, p0), orient(q0, q1, p1));
    let (d3, d4) = (orient(p0, p1, q0), orient(p0, p1, q1));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

impl BondNetwork {
    /// Each bond once: (i, j, bond vector from i to j) with i < j.
    fn bond_list(&self) -> Vec<(usize, usize, [f64; 3])> {
        self.neighbours
            .iter()
            .enumerate()
            .flat_map(|(i, l)| {
                l.iter()
                    .filter(move |&&(j, _)| j > i)
                    .map(move |&(j, v)| (i, j, v))
            })
            .collect()
    }

    /// Bonds whose projection onto the xy plane crosses the projection of another bond (with
    /// no particle in common), and the number of bonds.
    fn crossing_bonds(&self, xy: &[[f64; 2]], plane: &InPlane) -> (usize, usize) {
        let bonds = self.bond_list();
        let mut crossing = vec![false; bonds.len()];
        for (m, &(i, j, v)) in bonds.iter().enumerate() {
            let lv = (v[0] * v[0] + v[1] * v[1]).sqrt();
            for (n, &(k, l, u)) in bonds.iter().enumerate().skip(m + 1) {
                if k == i || k == j || l == i || l == j {
                    continue;
                }
                let o = plane.minimum_image([xy[k][0] - xy[i][0], xy[k][1] - xy[i][1]]);
                let lu = (u[0] * u[0] + u[1] * u[1]).sqrt();
                if o[0] * o[0] + o[1] * o[1] > (lv + lu) * (lv + lu) {
                    continue;
                }
                let (p1, q1) = ([v[0], v[1]], [o[0] + u[0], o[1] + u[1]]);
                if segments_cross([0.0, 0.0], p1, o, q1) {
                    crossing[m] = true;
                    crossing[n] = true;
                }
            }
        }
        (crossing.iter().filter(|&&c| c).count(), bonds.len())
    }
}

/// The shortest-path ring of each bond angle (King 1967): for particle i and two of its
/// neighbours j, k, the ring j–i–k closed by the shortest path from j to k that avoids i, of
/// size (path length + 2). Counted over all bond angles (an n-ring that is the shortest for
/// every one of its angles is counted n times); angles whose shortest ring is longer than
/// `max_size` bonds go to `longer`. Defined in any dimension, so it reads crumpled sheets and
/// 3D networks (a-Si, a-SiC), where faces of a planar drawing do not exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AngleRings {
    pub sizes: BTreeMap<usize, usize>,
    pub longer: usize,
    pub max_size: usize,
}

impl BondNetwork {
    /// [`AngleRings`] up to `max_size` bonds.
    pub fn shortest_path_rings(&self, max_size: usize) -> AngleRings {
        let mut sizes = BTreeMap::new();
        let mut longer = 0;
        let n = self.len();
        let mut depth = vec![usize::MAX; n];
        let mut touched = Vec::new();
        for i in 0..n {
            let nb: Vec<usize> = self.neighbours[i].iter().map(|&(j, _)| j).collect();
            for a in 0..nb.len() {
                for b in a + 1..nb.len() {
                    let (j, k) = (nb[a], nb[b]);
                    let limit = max_size.saturating_sub(2);
                    match self.path_avoiding(j, k, i, limit, &mut depth, &mut touched) {
                        Some(len) => *sizes.entry(len + 2).or_insert(0) += 1,
                        None => longer += 1,
                    }
                }
            }
        }
        AngleRings {
            sizes,
            longer,
            max_size,
        }
    }

    /// Bonds on the shortest path from `from` to `to` that avoids `avoid`, if at most `limit`
    /// (breadth-first; `depth` is scratch, all `usize::MAX` on entry and on return).
    fn path_avoiding(
        &self,
        from: usize,
        to: usize,
        avoid: usize,
        limit: usize,
        depth: &mut [usize],
        touched: &mut Vec<usize>,
    ) -> Option<usize> {
        let mut frontier = vec![from];
        depth[from] = 0;
        touched.push(from);
        let mut found = None;
        'search: for d in 1..=limit {
            let mut next = Vec::new();
            for &u in &frontier {
                for &(v, _) in &self.neighbours[u] {
                    if v == avoid || depth[v] != usize::MAX {
                        continue;
                    }
                    if v == to {
                        found = Some(d);
                        break 'search;
                    }
                    depth[v] = d;
                    touched.push(v);
                    next.push(v);
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        for v in touched.drain(..) {
            depth[v] = usize::MAX;
        }
        found
    }
}

/// Bonds in the largest connected group of `bonds` among `n` nodes (CNA's third index).
fn largest_bond_cluster(n: usize, bonds: &[(usize, usize)]) -> usize {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for &(a, b) in bonds {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra] = rb;
        }
    }
    let mut per_cluster = vec![0; n];
    for &(a, _) in bonds {
        let r = root(&mut parent, a);
        per_cluster[r] += 1;
    }
    per_cluster.into_iter().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrum_io::{Cell, Species};

    fn config(positions: Vec<[f64; 3]>, lengths: [f64; 3], dim: Dim) -> Configuration {
        Configuration {
            types: vec![0; positions.len()],
            positions,
            species: vec![Species {
                label: "1".into(),
                mass: None,
            }],
            cell: Cell::orthorhombic(lengths),
            dim,
            frame: 0,
            step: None,
        }
    }

    /// fcc with lattice constant 1 in a 4³ cell: 12 neighbours at 1/√2, every bond 421.
    fn fcc() -> Configuration {
        let basis = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.0],
            [0.5, 0.0, 0.5],
            [0.0, 0.5, 0.5],
        ];
        let mut p = Vec::new();
        for x in 0..4 {
            for y in 0..4 {
                for z in 0..4 {
                    for b in basis {
                        p.push([x as f64 + b[0], y as f64 + b[1], z as f64 + b[2]]);
                    }
                }
            }
        }
        config(p, [4.0; 3], Dim::Three)
    }

    #[test]
    fn fcc_bonds_are_421_and_no_atom_is_icosahedral() {
        let c = fcc();
        // first minimum between 1/√2 = 0.707 and 1
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 0.85).unwrap()).unwrap();
        assert_eq!(net.coordination_counts()[12], c.len());
        for &(j, _) in &net.neighbours[0] {
            assert_eq!(net.cna_signature(0, j), (4, 2, 1));
        }
        assert_eq!(net.icosahedral_fraction(), 0.0);
    }

    /// A 13-atom icosahedron (centre + 12 vertices at distance 1; vertex–vertex edges 1.0515)
    /// in a large box: the centre is icosahedral, its 12 bonds 555; the vertices are not.
    #[test]
    fn the_centre_of_an_icosahedron_is_icosahedral() {
        let phi = (1.0 + 5f64.sqrt()) / 2.0;
        let scale = 1.0 / (1.0 + phi * phi).sqrt();
        let mut p = vec![[10.0, 10.0, 10.0]];
        for &(a, b) in &[(1.0, phi), (-1.0, phi), (1.0, -phi), (-1.0, -phi)] {
            for v in [[0.0, a, b], [a, b, 0.0], [b, 0.0, a]] {
                p.push([
                    10.0 + scale * v[0],
                    10.0 + scale * v[1],
                    10.0 + scale * v[2],
                ]);
            }
        }
        let c = config(p, [20.0; 3], Dim::Three);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 1.2).unwrap()).unwrap();
        assert_eq!(net.coordination(0), 12);
        assert!(net.is_icosahedral(0));
        assert!((1..13).all(|i| !net.is_icosahedral(i) && net.coordination(i) == 6));
        assert!((net.icosahedral_fraction() - 1.0 / 13.0).abs() < 1e-15);
        // a vertex–centre bond: common neighbours are the vertex's 5 ring neighbours
        assert_eq!(net.cna_signature(1, 0), (5, 5, 5));
    }

    /// A honeycomb (graphene-like) of 2·n_x·n_y atoms: all three-coordinated (sp²), every
    /// ring a hexagon, V − E + F = 0.
    #[test]
    fn a_honeycomb_has_hexagons_only() {
        let (nx, ny) = (6, 4);
        let (a, h) = (1.0, 3f64.sqrt());
        let mut p = Vec::new();
        for i in 0..nx {
            for j in 0..ny {
                // rectangular cell of 4 atoms, 3a × √3a
                let (x0, y0) = (3.0 * a * i as f64, h * a * j as f64);
                for (dx, dy) in [(0.0, 0.0), (a, 0.0), (1.5 * a, h / 2.0), (2.5 * a, h / 2.0)] {
                    p.push([x0 + dx + 0.1, y0 + dy + 0.1, 0.0]);
                }
            }
        }
        let c = config(p, [3.0 * nx as f64, h * ny as f64, 10.0], Dim::Two);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 1.2).unwrap()).unwrap();
        assert_eq!(net.coordination_counts(), vec![0, 0, 0, c.len()]);
        let rings = net.rings(&c).unwrap();
        assert_eq!(rings.sizes, BTreeMap::from([(6, c.len() / 2)]));
        assert_eq!(rings.euler_characteristic(), 0);
        assert_eq!(rings.mean_size(), 6.0);
    }

    /// The same honeycomb as a monolayer in a 3D cell with vacuum (slightly buckled): hexagons,
    /// its bonds projected onto the plane; stacked twice (a bilayer 3.4 apart) it is not one.
    #[test]
    fn a_flat_or_rippled_monolayer_has_rings_a_bilayer_has_none() {
        let (nx, ny) = (6, 4);
        let h = 3f64.sqrt();
        let mut p = Vec::new();
        for i in 0..nx {
            for j in 0..ny {
                let (x0, y0) = (3.0 * i as f64, h * j as f64);
                for (k, (dx, dy)) in [(0.0, 0.0), (1.0, 0.0), (1.5, h / 2.0), (2.5, h / 2.0)]
                    .into_iter()
                    .enumerate()
                {
                    p.push([x0 + dx + 0.1, y0 + dy + 0.1, 10.0 + 0.05 * (k % 2) as f64]);
                }
            }
        }
        let lengths = [3.0 * nx as f64, h * ny as f64, 20.0];
        let c = config(p.clone(), lengths, Dim::Three);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 1.2).unwrap()).unwrap();
        assert!(is_monolayer(&c, &net));
        let rings = net.rings(&c).unwrap();
        assert_eq!(rings.sizes, BTreeMap::from([(6, c.len() / 2)]));
        assert_eq!(rings.euler_characteristic(), 0);
        let mut two = p.clone();
        two.extend(p.iter().map(|q| [q[0], q[1], q[2] + 3.4]));
        let c = config(two, lengths, Dim::Three);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 1.2).unwrap()).unwrap();
        assert!(net.rings(&c).is_err());
        // rippled: 3 bonds thick (z = 10 + 1.5 sin(2πx/L)), still one layer with the same rings
        let rippled: Vec<[f64; 3]> = p
            .iter()
            .map(|q| {
                let phase = 2.0 * std::f64::consts::PI * q[0] / lengths[0];
                [q[0], q[1], 10.0 + 1.5 * phase.sin()]
            })
            .collect();
        let c = config(rippled, lengths, Dim::Three);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 1.2).unwrap()).unwrap();
        assert!(is_monolayer(&c, &net));
        assert_eq!(
            net.rings(&c).unwrap().sizes,
            BTreeMap::from([(6, c.len() / 2)])
        );
        // a shifted bilayer (its bonds cross in projection, no particle on top of another)
        let mut shifted = p.clone();
        shifted.extend(p.iter().map(|q| [q[0] + 0.5, q[1] + 0.3, q[2] + 3.4]));
        let c = config(shifted, lengths, Dim::Three);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 1.2).unwrap()).unwrap();
        assert!(!is_monolayer(&c, &net));
    }

    /// Shortest-path rings: diamond's every bond angle closes a 6-ring (its 4-bond path avoiding
    /// the vertex), the square lattice's right angles 4-rings and straight angles 6-rings; a
    /// cap below the ring size sends every angle to `longer`.
    #[test]
    fn shortest_path_rings_of_diamond_honeycomb_and_squares() {
        let basis = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.0],
            [0.5, 0.0, 0.5],
            [0.0, 0.5, 0.5],
        ];
        let mut p = Vec::new();
        for x in 0..3 {
            for y in 0..3 {
                for z in 0..3 {
                    for b in basis {
                        for shift in [0.0, 0.25] {
                            p.push([
                                x as f64 + b[0] + shift,
                                y as f64 + b[1] + shift,
                                z as f64 + b[2] + shift,
                            ]);
                        }
                    }
                }
            }
        }
        let c = config(p, [3.0; 3], Dim::Three);
        // bonds √3/4 = 0.433, second neighbours 0.707
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 0.55).unwrap()).unwrap();
        assert_eq!(net.coordination_counts()[4], c.len());
        let rings = net.shortest_path_rings(10);
        assert_eq!(rings.sizes, BTreeMap::from([(6, 6 * c.len())]));
        assert_eq!(rings.longer, 0);
        let capped = net.shortest_path_rings(5);
        assert!(capped.sizes.is_empty() && capped.longer == 6 * c.len());

        // 7 × 7 (a 5 × 5 torus would close a straight angle's ring round the cell in 5 bonds)
        let mut q = Vec::new();
        for i in 0..7 {
            for j in 0..7 {
                q.push([i as f64 * 2.0, j as f64 * 2.0, 0.0]);
            }
        }
        let c = config(q, [14.0; 3], Dim::Two);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 2.1).unwrap()).unwrap();
        // 4 right angles per atom close squares; 2 straight angles close 6-rings round two
        // squares
        let rings = net.shortest_path_rings(10);
        assert_eq!(rings.sizes, BTreeMap::from([(4, 4 * 49), (6, 2 * 49)]));
    }

    /// A square lattice: squares; a dangling atom and a dangling pair are pruned, not rings.
    #[test]
    fn a_square_lattice_has_squares_and_dangling_atoms_are_pruned() {
        let n = 5;
        let mut p = Vec::new();
        for i in 0..n {
            for j in 0..n {
                p.push([i as f64 * 2.0, j as f64 * 2.0, 0.0]);
            }
        }
        let c = config(p.clone(), [2.0 * n as f64; 3], Dim::Two);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 2.1).unwrap()).unwrap();
        let rings = net.rings(&c).unwrap();
        assert_eq!(rings.sizes, BTreeMap::from([(4, n * n)]));
        assert_eq!(rings.euler_characteristic(), 0);
        // the same lattice in a taller cell (a strip, periodic in x only) with a two-atom chain
        // hanging off its top row: the chain is pruned whole, the rest are squares and the
        // strip's two edges (5 bonds each)
        let mut q = p;
        q.push([0.0, 10.0, 0.0]);
        q.push([0.0, 12.0, 0.0]);
        let c = config(q, [10.0, 16.0, 10.0], Dim::Two);
        let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 2.1).unwrap()).unwrap();
        let rings = net.rings(&c).unwrap();
        assert_eq!(rings.pruned, 2);
        assert_eq!(rings.sizes, BTreeMap::from([(4, 20), (5, 2)]));
        let bulk = fcc();
        let net = BondNetwork::new(&bulk, &PairCutoffs::uniform(1, 0.85).unwrap()).unwrap();
        assert!(net.rings(&bulk).is_err());
    }
}
