//! g(r) properties that hold exactly: invariance under translation, permutation and the choice of
//! cell for the same lattice; the shells of perfect lattices; g → 1 for an ideal gas.

mod common;

use common::{config, ideal_gas, lattice};
use proptest::prelude::*;
use vitrum_descriptors::{Normalization, RdfParams, pair_histogram, rdf};
use vitrum_io::{Cell, Dim};

fn dim_strategy() -> impl Strategy<Value = Dim> {
    prop_oneof![Just(Dim::Two), Just(Dim::Three)]
}

/// Random points in a random (possibly tilted) cell.
fn system() -> impl Strategy<Value = vitrum_io::Configuration> {
    (
        dim_strategy(),
        5.0..8.0f64,
        -0.3..0.3f64,
        -0.3..0.3f64,
        20usize..80,
        any::<u64>(),
    )
        .prop_map(|(dim, l, t1, t2, n, seed)| {
            let cell = match dim {
                Dim::Two => Cell::lammps([l, 0.9 * l, 1.0], [t1 * l, 0.0, 0.0], [0.0; 3]),
                Dim::Three => {
                    Cell::lammps([l, 0.9 * l, 1.1 * l], [t1 * l, t2 * l, 0.1 * l], [0.0; 3])
                }
            };
            ideal_gas(n, cell, dim, seed)
        })
}

fn params_for(c: &vitrum_io::Configuration) -> RdfParams {
    RdfParams::new(0.99 * c.max_r_max(), 37).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // Pair counts are integers: invariance must hold exactly (a pair distance within ~1e-15 of a
    // bin edge could in principle move, with probability ~1e-9 per case).
    #[test]
    fn translation_does_not_change_the_pair_counts(c in system(), shift in prop::array::uniform3(-20.0..20.0f64)) {
        let p = params_for(&c);
        let mut moved = c.clone();
        for x in moved.positions.iter_mut() {
            x[0] += shift[0];
            x[1] += shift[1];
            if c.dim == Dim::Three { x[2] += shift[2]; }
        }
        prop_assert_eq!(pair_histogram(&c, &p).unwrap(), pair_histogram(&moved, &p).unwrap());
    }

    #[test]
    fn permuting_particles_does_not_change_the_pair_counts(c in system(), seed in any::<u64>()) {
        let p = params_for(&c);
        let n = c.len();
        let mut order: Vec<usize> = (0..n).collect();
        let mut s = seed | 1;
        for i in (1..n).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let mut shuffled = c.clone();
        shuffled.positions = order.iter().map(|&i| c.positions[i]).collect();
        shuffled.types = order.iter().map(|&i| c.types[i]).collect();
        prop_assert_eq!(pair_histogram(&c, &p).unwrap(), pair_histogram(&shuffled, &p).unwrap());
    }

    // The same periodic system described by another basis of the same lattice (b' = b + k a,
    // c' = c + m b): every pair and every distance is the same.
    #[test]
    fn another_cell_of_the_same_lattice_gives_the_same_pair_counts(c in system(), k in -1i32..=1, m in -1i32..=1) {
        let a = c.cell.vector(0);
        let b = c.cell.vector(1);
        let cc = c.cell.vector(2);
        let b2 = [b[0] + k as f64 * a[0], b[1] + k as f64 * a[1], b[2] + k as f64 * a[2]];
        let c2 = if c.dim == Dim::Three {
            [cc[0] + m as f64 * b[0], cc[1] + m as f64 * b[1], cc[2] + m as f64 * b[2]]
        } else { cc };
        let mut other = c.clone();
        other.cell = Cell::from_vectors(a, b2, c2);
        let r_max = 0.99 * c.max_r_max().min(other.max_r_max());
        let p = RdfParams::new(r_max, 29).unwrap();
        prop_assert_eq!(pair_histogram(&c, &p).unwrap(), pair_histogram(&other, &p).unwrap());
    }
}

/// Running coordination just past each shell of a perfect lattice equals the shell sum.
fn assert_shells(c: &vitrum_io::Configuration, r_max: f64, shells: &[(f64, f64)]) {
    // 2000 bins: edges every r_max/2000, none within 1e-3 of a shell radius used below
    let result = rdf(c, &RdfParams::new(r_max, 2000).unwrap()).unwrap();
    let n = result.coordination();
    let edges = result.upper_edges();
    for &(radius, expected) in shells {
        let k = edges.iter().position(|&e| e > radius + 1e-3).unwrap();
        assert!(
            (n[k] - expected).abs() < 1e-9,
            "n({}) = {} but the shells give {}",
            edges[k],
            n[k],
            expected
        );
    }
}

#[test]
fn perfect_lattices_give_their_coordination_shells() {
    let fcc = lattice(
        &[
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.0],
            [0.5, 0.0, 0.5],
            [0.0, 0.5, 0.5],
        ],
        1.0,
        4,
        Dim::Three,
    );
    // fcc: 12 at a/√2, 6 at a, 24 at a√(3/2), 12 at a√2
    assert_shells(
        &fcc,
        1.9,
        &[
            (0.5f64.sqrt(), 12.0),
            (1.0, 18.0),
            (1.5f64.sqrt(), 42.0),
            (2f64.sqrt(), 54.0),
        ],
    );
    let square = lattice(&[[0.0, 0.0, 0.0]], 1.0, 6, Dim::Two);
    // square: 4 at a, 4 at a√2, 4 at 2a, 8 at a√5
    assert_shells(
        &square,
        2.9,
        &[
            (1.0, 4.0),
            (2f64.sqrt(), 8.0),
            (2.0, 12.0),
            (5f64.sqrt(), 20.0),
        ],
    );
}

#[test]
fn a_triangular_lattice_in_a_tilted_cell_has_six_nearest_neighbours() {
    let (a, n) = (1.0, 8);
    let cell = Cell::lammps(
        [a * n as f64, a * n as f64 * 3f64.sqrt() / 2.0, 1.0],
        [a * n as f64 / 2.0, 0.0, 0.0],
        [0.0; 3],
    );
    let positions = (0..n * n)
        .map(|k| cell.to_cartesian([(k % n) as f64 / n as f64, (k / n) as f64 / n as f64, 0.0]))
        .collect();
    let c = config(positions, vec![0; n * n], cell, Dim::Two);
    // triangular: 6 at a, 6 at a√3, 6 at 2a
    assert_shells(&c, 2.5, &[(1.0, 6.0), (3f64.sqrt(), 12.0), (2.0, 18.0)]);
}

#[test]
fn an_ideal_gas_gives_g_equal_to_one_within_counting_noise() {
    for dim in [Dim::Two, Dim::Three] {
        let n = 20_000;
        let l = match dim {
            Dim::Two => (n as f64).sqrt(),
            Dim::Three => (n as f64).cbrt(),
        };
        let c = ideal_gas(n, Cell::orthorhombic([l, l, l]), dim, 2024);
        for (norm, mean) in [
            // ρ = N/V counts N−1 partners per particle: ⟨g⟩ = (N − 1)/N
            (Normalization::Exact, (n as f64 - 1.0) / n as f64),
            // ρ = (N − 1)/V: ⟨g⟩ = 1 exactly
            (Normalization::LammpsExcludeSelf, 1.0),
        ] {
            let p = RdfParams::new(4.0, 20).unwrap().with_normalization(norm);
            let g = rdf(&c, &p).unwrap();
            let shells = p.shell_volumes(dim);
            for (k, gk) in g.g.iter().enumerate() {
                // unordered pair counts are Poisson: σ_g/g = 1/√(expected count); 5σ bounds
                // make a false failure (over 80 bins) less likely than 1e-4
                let expected = 0.5 * n as f64 * (n as f64 / c.volume()) * shells[k];
                let tolerance = 5.0 / expected.sqrt();
                assert!(
                    (gk - mean).abs() < tolerance,
                    "{dim} {norm:?} bin {k}: g = {gk}, ±{tolerance}"
                );
            }
        }
    }
}

#[test]
fn bad_parameters_are_refused_with_typed_errors() {
    use vitrum_descriptors::DescriptorError;
    assert_eq!(
        RdfParams::new(3.0, 0).unwrap_err(),
        DescriptorError::ZeroBins
    );
    assert!(matches!(
        RdfParams::new(-1.0, 10),
        Err(DescriptorError::NotPositive { .. })
    ));
    assert!(matches!(
        RdfParams::new(f64::NAN, 10),
        Err(DescriptorError::NotPositive { .. })
    ));
    let c = ideal_gas(50, Cell::orthorhombic([4.0, 4.0, 4.0]), Dim::Three, 3);
    let err = rdf(&c, &RdfParams::new(2.5, 10).unwrap()).unwrap_err();
    assert!(matches!(err, DescriptorError::RMaxTooLarge { .. }));
    assert!(
        err.to_string().contains("r_max 2.0000 or less (--r-max"),
        "{err}"
    );
}

#[test]
fn g_has_the_same_bits_for_any_number_of_threads() {
    let c = ideal_gas(
        5_000,
        Cell::lammps([15.0, 16.0, 17.0], [2.0, 1.0, -1.5], [0.0; 3]),
        Dim::Three,
        77,
    );
    let p = RdfParams::new(5.0, 123).unwrap();
    let with_threads = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| rdf(&c, &p).unwrap())
    };
    let one = with_threads(1);
    for n in [2, 3, 8] {
        let many = with_threads(n);
        assert!(
            one.g
                .iter()
                .zip(&many.g)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{n} threads"
        );
        assert_eq!(one, many);
    }
}

#[test]
fn frames_are_averaged_with_equal_weights() {
    use vitrum_descriptors::Rdf;
    let cell = Cell::orthorhombic([8.0, 8.0, 8.0]);
    let a = ideal_gas(300, cell, Dim::Three, 5);
    let b = ideal_gas(400, cell, Dim::Three, 6);
    let p = RdfParams::new(3.0, 30).unwrap();
    let mut acc = Rdf::new(p);
    acc.accumulate(&a).unwrap();
    acc.accumulate(&b).unwrap();
    let avg = acc.result().unwrap();
    let (ga, gb) = (rdf(&a, &p).unwrap(), rdf(&b, &p).unwrap());
    assert_eq!(avg.frames, 2);
    for k in 0..30 {
        // (x + y)/2 computed in a different order: equal to round-off
        assert!((avg.g[k] - 0.5 * (ga.g[k] + gb.g[k])).abs() < 1e-14);
    }
    // a frame with other species is refused, not silently mixed in
    let mut other = a.clone();
    other.species[0].label = "Si".into();
    assert!(acc.accumulate(&other).is_err());
}
