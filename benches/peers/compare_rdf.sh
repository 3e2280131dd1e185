#!/usr/bin/env bash
# Times vitrum's g(r) (criterion) and freud's on the same points, in the same run, with the same
# number of threads. Usage: benches/peers/compare_rdf.sh [THREADS]   (default 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${1:-2}
python3 -c "import freud" 2>/dev/null || python3 -m pip install -q freud-analysis numpy
echo "== vitrum (RAYON_NUM_THREADS=$threads)"
RAYON_NUM_THREADS=$threads cargo bench --bench rdf -- --warm-up-time 1 --measurement-time 5 2>&1 | grep -E "^rdf/|time:"
echo "== freud"
python3 benches/peers/freud_rdf.py --threads "$threads" --repeats 3
