#!/usr/bin/env bash
# Issue 15: the interleaved-pair benchmarks on every SIMD path this machine has, then the tables of docs/performance.md.
# Run under the build lock (flock /tmp/lossdsl-build.lock bash scripts/bench_pairs.sh); extra arguments go to --pairs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results/pairs
mkdir -p "$out"
dotnet build -c Release benchmarks/LossDsl.Benchmarks -v q -nologo -p:UseSharedCompilation=false
exe=(dotnet benchmarks/LossDsl.Benchmarks/bin/Release/net10.0/LossDsl.Benchmarks.dll)
# only the paths this processor has: without AVX-512 the unflagged run would be a second AVX2 run
paths=(avx2 sse)
grep -qw avx512f /proc/cpuinfo && paths=(avx512 avx2 sse)
grep -qw avx2 /proc/cpuinfo || paths=(sse)
rm -f "$out"/*.json # a file of an earlier run (another machine, older code) must not mix into this report
files=()
for path in "${paths[@]}"; do
  case $path in
    avx512) flags=() ;;
    avx2) flags=(DOTNET_EnableAVX512=0) ;;
    sse) flags=(DOTNET_EnableAVX=0) ;;
  esac
  env "${flags[@]}" DOTNET_TieredCompilation=0 taskset -c 1 "${exe[@]}" --pairs --json "$out/$path.json" "$@"
  files+=("$out/$path.json")
done
"${exe[@]}" --pairs-report docs/performance.md "${files[@]}"
