#!/usr/bin/env python3
"""Times PyTorch 1.13's ctc_loss forward + backward (and forward only) on the sizes of the CtcSequences benchmark.

Run with Debian's interpreter (torch is only there): /usr/bin/python3 scripts/bench_ctc_torch.py
Same data recipe as benchmarks/LossDsl.Benchmarks/CtcBenchmarks.cs: log_softmax of U(-3, 3) logits, (T, N, C);
targets of S labels in 1..C-1 (padded), target lengths S/2..S, input lengths T; reduction mean, blank 0.
Prints one line per case and writes benchmarks/results/torch_ctc.json.
"""
import argparse, datetime, json, os, platform, statistics, sys, time

import torch
import torch.nn.functional as F

SHAPES = [(50, 16, 20, 10), (200, 32, 40, 40)]


def median_ns(fn, min_reps, min_seconds):
    times, start = [], time.perf_counter()
    while len(times) < min_reps or (time.perf_counter() - start < min_seconds and len(times) < 10_000):
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times), len(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/torch_ctc.json")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    min_reps, min_seconds = (3, 0.05) if args.quick else (7, 1.0)
    gen = torch.Generator().manual_seed(42)
    results = []
    for (t, n, c, s) in SHAPES:
        for dtype in (torch.float32, torch.float64):
            logits = torch.rand(t, n, c, generator=gen, dtype=dtype) * 6 - 3
            lp = F.log_softmax(logits, dim=2).detach().requires_grad_(True)
            targets = torch.randint(1, c, (n, s), generator=gen, dtype=torch.int64)
            il = torch.full((n,), t, dtype=torch.int64)
            tl = torch.randint(s // 2, s + 1, (n,), generator=gen, dtype=torch.int64)
            for threads in [int(x) for x in args.threads.split(",")]:
                torch.set_num_threads(threads)

                def fb():
                    lp.grad = None
                    F.ctc_loss(lp, targets, il, tl, reduction="mean").backward()

                def fwd():
                    with torch.no_grad():
                        F.ctc_loss(lp, targets, il, tl, reduction="mean")

                for kind, fn in (("FB", fb), ("Fwd", fwd)):
                    med, reps = median_ns(fn, min_reps, min_seconds)
                    name = str(dtype).replace("torch.", "")
                    results.append({"shape": f"{t}x{n}x{c}x{s}", "dtype": name, "pass": kind, "threads": threads, "median_ns": med, "reps": reps})
                    print(f"ctc {t}x{n}x{c}x{s} {name} {kind:<3} threads={threads} {med / 1e3:10.1f} us ({reps} reps)", flush=True)
    meta = {"torch": torch.__version__, "python": platform.python_version(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "/usr/bin/python3 scripts/bench_ctc_torch.py " + " ".join(sys.argv[1:])}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
