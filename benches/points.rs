//! Random points shared with the peer scripts in `benches/peers/`: SplitMix64, which is a few
//! lines in any language, so Python draws exactly the same points as Rust.

use vitrum_io::{Cell, Configuration, Dim, Species};

pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// N uniform random points at number density `rho` in a cubic (square) box, one species.
pub fn random_points(n: usize, rho: f64, dim: Dim, seed: u64) -> Configuration {
    let d = dim.get();
    let l = (n as f64 / rho).powf(1.0 / d as f64);
    let mut rng = SplitMix64(seed);
    let positions = (0..n)
        .map(|_| {
            let mut p = [0.0; 3];
            for x in p.iter_mut().take(d) {
                *x = rng.next_f64() * l;
            }
            p
        })
        .collect();
    Configuration {
        positions,
        types: vec![0; n],
        species: vec![Species {
            label: "1".into(),
            mass: Some(1.0),
        }],
        cell: Cell::orthorhombic([l, l, if d == 3 { l } else { 1.0 }]),
        dim,
        frame: 0,
        step: None,
    }
}
