#!/usr/bin/env bash
# Distributed end-to-end tests: `mpirun -np P diffuse run` for P = 1…4 must
# write, byte for byte, the .npy file (and snapshots, and PNG) the one-process
# `diffuse run` writes,
# on odd shapes, under every boundary, in both precisions; bad input and an
# unwritable output must fail on every rank with one message, a non-zero
# status and no file.
#
#   bash Scripts/mpi_tests.sh            (builds with the MPI trait first)
#   CONFIG=release bash Scripts/mpi_tests.sh
#
# Needs Open MPI (Debian: libopenmpi-dev openmpi-bin). As root, Open MPI
# refuses to start without OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM), set below.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-debug}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Quiet Open MPI's notices about missing network fabrics in containers.
export OMPI_MCA_btl_base_warn_component_unused=0

# A build folder of its own: switching traits in .build would rebuild everything twice.
BUILD=(swift build -c "$CONFIG" --traits NativeCPU,MPI --scratch-path .build/mpi)
"${BUILD[@]}" --product diffuse
DIFFUSE="$("${BUILD[@]}" --show-bin-path)/diffuse"
MPIRUN=(mpirun --oversubscribe)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A random initial field (float64, C order): every cell differs, so a
# misplaced halo cell or block cannot go unnoticed.
if python3 -c "import numpy" 2>/dev/null; then
    python3 -c "import numpy as np; np.save('$work/random.npy', np.random.default_rng(7).random((41, 27)))"
    initials=("file:$work/random.npy" "gaussian=3")
else
    initials=("gaussian=3" "point")
fi

# Shapes: odd, non-square, and one that 4 ranks split into unequal blocks.
for precision in double float; do
    for boundary in periodic reflecting fixed=0.75; do
        for case in "41x27 ${initials[0]} auto" "23x58 ${initials[1]} 2" "9x31 gaussian=2 1"; do
            read -r size initial halo <<<"$case"
            opts=(--size "$size" --initial "$initial" --boundary "$boundary" --precision "$precision" --iterations 17 --dt 0.2)
            "$DIFFUSE" run "${opts[@]}" --variant reference --output "$work/one.npy" >/dev/null
            for p in 1 2 3 4; do
                halo_opt=()
                [[ $halo != auto ]] && halo_opt=(--halo-depth "$halo")
                checks=$((checks + 1))
                if ! "${MPIRUN[@]}" -np "$p" "$DIFFUSE" run "${opts[@]}" "${halo_opt[@]}" --output "$work/p.npy" >"$work/log" 2>&1; then
                    fail "P=$p ${opts[*]} ${halo_opt[*]}: exit status non-zero"; cat "$work/log"; continue
                fi
                cmp -s "$work/one.npy" "$work/p.npy" || fail "P=$p ${opts[*]} ${halo_opt[*]}: differs from the one-process file"
                rm -f "$work/p.npy"
            done
        done
    done
done
echo "bitwise: $checks distributed runs compared"

# Snapshots (--every, --output-dir) and the heatmap (--png), against one process.
opts=(--size 31x23 --initial gaussian=3 --boundary fixed=0.5 --iterations 25 --every 10)
"$DIFFUSE" run "${opts[@]}" --output-dir "$work/snap1" --png "$work/one.png" >/dev/null
for p in 2 3; do
    checks=$((checks + 1))
    rm -rf "$work/snapP"
    "${MPIRUN[@]}" -np "$p" "$DIFFUSE" run "${opts[@]}" --halo-depth 3 --output-dir "$work/snapP" --png "$work/p.png" >/dev/null 2>"$work/log" \
        || { fail "snapshots P=$p: exit status non-zero"; cat "$work/log"; }
    for f in "$work"/snap1/*.npy; do
        cmp -s "$f" "$work/snapP/$(basename "$f")" || fail "snapshot $(basename "$f") P=$p differs"
    done
    cmp -s "$work/one.png" "$work/p.png" || fail "--png P=$p differs"
done

# expect_failure NAME EXPECTED-TEXT FILE-THAT-MUST-NOT-EXIST mpirun-args…
expect_failure() {
    local name=$1 text=$2 file=$3; shift 3
    checks=$((checks + 1))
    if "${MPIRUN[@]}" "$@" >"$work/stdout" 2>"$work/err"; then fail "$name: exit status 0"; return; fi
    local lines
    lines=$(grep -c "diffuse: error:" "$work/err" || true)
    [[ $lines == 1 ]] || { fail "$name: $lines error lines, expected 1"; cat "$work/err"; }
    grep -q -- "$text" "$work/err" || { fail "$name: message lacks '$text'"; cat "$work/err"; }
    [[ -e $file ]] && fail "$name: $file exists"
    ls -a "$(dirname "$file")" | grep -q '\.partial$' && fail "$name: a temporary file was left"
    true
}

mkdir -p "$work/out"
touch "$work/plain-file"
expect_failure "unwritable output" "is not a folder" "$work/plain-file/field.npy" \
    -np 3 "$DIFFUSE" run --size 40 --iterations 5 --output "$work/plain-file/field.npy"
mkdir "$work/out/taken.npy"
expect_failure "output is a folder" "is a folder" "$work/out/taken.npy/x" \
    -np 2 "$DIFFUSE" run --size 40 --iterations 5 --output "$work/out/taken.npy"
expect_failure "blocks too small" "use at most 1 process" "$work/out/none.npy" \
    -np 4 "$DIFFUSE" run --size 5x40 --boundary reflecting --halo-depth 3 --iterations 5 --output "$work/out/none.npy"
expect_failure "bad option, every rank" "too small" "$work/out/none.npy" \
    -np 3 "$DIFFUSE" run --size 2 --output "$work/out/none.npy"
expect_failure "csv under mpirun" ".npy file" "$work/out/field.csv" \
    -np 2 "$DIFFUSE" run --size 20 --output "$work/out/field.csv"

# The JSON summary names the ranks and the process grid.
checks=$((checks + 1))
"${MPIRUN[@]}" -np 4 "$DIFFUSE" run --size 64x48 --iterations 8 --json >"$work/json" 2>/dev/null
grep -q '"ranks" *: *4' "$work/json" && grep -q '"decomposition" *: *\[' "$work/json" \
    || { fail "--json lacks ranks/decomposition"; cat "$work/json"; }

echo "mpi_tests: $checks checks, $failures failures"
[[ $failures == 0 ]]
