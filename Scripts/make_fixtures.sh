#!/usr/bin/env bash
# Regenerate the NumPy fixtures that DiffusionKit's tests compare against.
# Usage: bash Scripts/make_fixtures.sh   (needs python3 with NumPy)
set -euo pipefail
cd "$(dirname "$0")/.."
out=Tests/DiffusionKitTests/Fixtures
ref="python3 Scripts/numpy_reference.py"

# The seed's workload: NumPy's golden field, copied when the shared folder is beside
# the checkout, else recomputed (the two agree to 3e-18).
if [ -f ../shared/golden/periodic_640x640_500.npy ]; then
  cp ../shared/golden/periodic_640x640_500.npy $out/golden_periodic_640x640_500.npy
else
  $ref --output $out/golden_periodic_640x640_500.npy
fi
# Small non-square workloads that reach every edge, one per boundary.
$ref --size 17x23 --iterations 60 --dt 0.2 --boundary reflecting --initial gaussian=3 --output $out/reflecting_17x23_60.npy
$ref --size 23x17 --iterations 60 --diffusivity 0.7 --dt 0.3 --dx 1.1 --boundary fixed=0.5 --initial point --output $out/fixed0.5_23x17_60.npy
$ref --size 5x3 --iterations 30 --dt 0.25 --boundary periodic --initial gaussian=1 --output $out/periodic_5x3_30.npy
$ref --size 17x23 --iterations 60 --dt 0.2 --boundary reflecting --initial gaussian=3 --precision float --output $out/reflecting_17x23_60_float.npy
