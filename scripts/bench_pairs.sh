#!/usr/bin/env bash
# Issue 15: the interleaved-pair benchmarks on every SIMD path this machine has, then the tables of docs/performance.md.
# Run under the build lock (flock /tmp/lossdsl-build.lock bash scripts/bench_pairs.sh); extra arguments go to --pairs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results/pairs
mkdir -p "$out"
dotnet build -c Release benchmarks/LossDsl.Benchmarks -v q -nologo -p:UseSharedCompilation=false
exe=(dotnet benchmarks/LossDsl.Benchmarks/bin/Release/net10.0/LossDsl.Benchmarks.dll)
files=()
for path in avx512 avx2 sse; do
  case $path in
    avx512) flags=() ;;
    avx2) flags=(DOTNET_EnableAVX512=0) ;;
    sse) flags=(DOTNET_EnableAVX=0) ;;
  esac
  env "${flags[@]}" DOTNET_TieredCompilation=0 taskset -c 1 "${exe[@]}" --pairs --json "$out/$path.json" "$@"
  files+=("$out/$path.json")
done
"${exe[@]}" --pairs-report docs/performance.md "${files[@]}"
