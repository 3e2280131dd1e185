//! Local order of the fixture glasses (bond networks at the first minimum of g(r)): numbers a
//! glass physicist knows. Stillinger–Weber amorphous silicon is a four-coordinated random
//! network with a few percent of five-fold defects; a Kob–Andersen 3D glass (80:20) has A
//! particles with 12–13 neighbours; a 2D KA packing triangulates the plane (V − E + F = 0).

use vitrum_descriptors::{BondNetwork, PairCutoffs};
use vitrum_io::{ReadOptions, read_configuration};

fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn mean_coordination(counts: &[usize]) -> f64 {
    let n: usize = counts.iter().sum();
    counts.iter().enumerate().map(|(z, c)| z * c).sum::<usize>() as f64 / n as f64
}

#[test]
fn amorphous_silicon_is_a_four_coordinated_network() {
    let c = read_configuration(fixture("asi-sw/config.dump"), &ReadOptions::default()).unwrap();
    // the first minimum of a-Si's g(r) lies near 2.85 Å (between 2.35 and 3.84)
    let net = BondNetwork::new(&c, &PairCutoffs::uniform(1, 2.85).unwrap()).unwrap();
    let counts = net.coordination_counts();
    let z = mean_coordination(&counts);
    let four = counts[4] as f64 / c.len() as f64;
    eprintln!("a-Si (SW): ⟨z⟩ = {z:.4}, four-fold {four:.4}, counts {counts:?}");
    // measured on this fixture (a fast LAMMPS quench, g(r) not yet zero at its first minimum
    // near 2.9 Å): ⟨z⟩ = 4.387, 60.7 % four-fold, 36.9 % five-fold — a four-coordinated network
    // with many five-fold defects; a well-annealed SW a-Si has ⟨z⟩ ≈ 4.0–4.1, the crystal
    // exactly 4 and the SW liquid ≈ 5–6. Four-fold must be the commonest, ⟨z⟩ in [4, 4.6].
    let commonest = (0..counts.len()).max_by_key(|&k| counts[k]).unwrap();
    assert!(
        (4.0..4.6).contains(&z) && commonest == 4 && four > 0.5,
        "{counts:?}"
    );
    assert_eq!(net.icosahedral_fraction(), 0.0);
    // a random network: shortest-path rings of every size from 3 to 8, with 5, 6 and 7 the
    // commonest (a crystal would give 6 only); measured over the 3876 bond angles: 3: 48,
    // 4: 390, 5: 1872, 6: 1219, 7: 305, 8: 42 (the fast quench's five-fold atoms make 4- and
    // 5-rings)
    let rings = net.shortest_path_rings(12);
    let angles: usize = rings.sizes.values().sum::<usize>() + rings.longer;
    let frac = |n: usize| *rings.sizes.get(&n).unwrap_or(&0) as f64 / angles as f64;
    eprintln!("a-Si rings: {:?}, longer {}", rings.sizes, rings.longer);
    assert!(
        frac(6) < 0.7 && frac(5) + frac(6) + frac(7) > 0.6,
        "{rings:?}"
    );
}

#[test]
fn kob_andersen_glasses_have_their_known_shells() {
    let c = read_configuration(fixture("ka3d/config.dump"), &ReadOptions::default()).unwrap();
    // first minima of KA 3D's partials: A–A 1.40, A–B 1.15, B–B 1.05 (σ units)
    let mut cut = PairCutoffs::uniform(2, 1.40).unwrap();
    cut.set(0, 1, 1.15).unwrap();
    cut.set(1, 1, 1.05).unwrap();
    let net = BondNetwork::new(&c, &cut).unwrap();
    let (a, b): (Vec<usize>, Vec<usize>) = (0..c.len()).partition(|&i| c.types[i] == 0);
    let z = |set: &[usize]| {
        set.iter().map(|&i| net.coordination(i)).sum::<usize>() as f64 / set.len() as f64
    };
    let ico = net.icosahedral_fraction();
    eprintln!(
        "KA 3D: z_A = {:.3}, z_B = {:.3}, icosahedral {ico:.4}",
        z(&a),
        z(&b)
    );
    // measured: z_A = 13.33, z_B = 8.43 (B sits in a cage of A's, the (0,2,8) polyhedra of
    // Coslovich & Pastore 2007); full icosahedra are rare in KA (measured 0)
    assert!((12.0..14.5).contains(&z(&a)) && (7.5..10.0).contains(&z(&b)));
    assert!((0.0..0.3).contains(&ico));

    let c = read_configuration(fixture("ka2d/config.dump"), &ReadOptions::default()).unwrap();
    let mut cut = PairCutoffs::uniform(2, 1.2).unwrap();
    cut.set(0, 1, 1.025).unwrap();
    cut.set(1, 1, 0.95).unwrap();
    let rings = BondNetwork::new(&c, &cut).unwrap().rings(&c).unwrap();
    eprintln!(
        "KA 2D rings: {:?}, mean {:.3}",
        rings.sizes,
        rings.mean_size()
    );
    assert_eq!(rings.euler_characteristic(), 0);
    assert!((3.0..3.5).contains(&rings.mean_size()));
}
