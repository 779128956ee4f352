#!/usr/bin/python3
"""Times PyTorch (1.13, Debian's python3-torch: run with /usr/bin/python3) on the losses and sizes of
benchmarks/LossDsl.Benchmarks: forward + backward (reduction mean, gradient w.r.t. the input), float32 and float64,
torch.set_num_threads(1) and 2, median of several repetitions. Writes JSON that the benchmark program merges into
docs/performance.md (--torch, default benchmarks/results/torch.json).

    flock /tmp/lossdsl-build.lock /usr/bin/python3 scripts/bench_torch.py [--out benchmarks/results/torch.json] [--quick]
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SIZES = [4_096, 262_144, 16_777_216]
ROW = 1024  # log_cosh rows, as in the .NET suite


def focal(x, y, alpha=0.25, gamma=2.0):
    # torchvision.ops.sigmoid_focal_loss (torchvision 0.14), reduction mean, written out so torchvision is optional
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * ((1 - p_t) ** gamma)
    alpha_t = alpha * y + (1 - alpha) * (1 - y)
    return (alpha_t * loss).mean()


def log_cosh(x, y):
    # Keras' log_cosh as the catalogue declares it: mean over each row of d + softplus(-2 d) - log 2, then mean over rows
    d = x - y
    return (d + F.softplus(-2.0 * d) - math.log(2.0)).view(-1, ROW).mean(dim=1).mean()


# key (the .NET method prefix) -> (loss function, target kind)
LOSSES = {
    "Mse": (lambda x, y: F.mse_loss(x, y), "reg"),
    "L1": (lambda x, y: F.l1_loss(x, y), "reg"),
    "Huber": (lambda x, y: F.huber_loss(x, y, delta=1.0), "reg"),
    "SmoothL1": (lambda x, y: F.smooth_l1_loss(x, y, beta=1.0), "reg"),
    "HingeEmb": (lambda x, y: F.hinge_embedding_loss(x, y, margin=1.0), "sign"),
    "Bce": (lambda x, y: F.binary_cross_entropy_with_logits(x, y), "prob"),
    "Focal": (focal, "prob"),
    "LogCosh": (log_cosh, "reg"),
    "PoissonNll": (lambda x, y: F.poisson_nll_loss(x, y, log_input=True), "count"),
}


def make(n, kind, dtype, gen):
    if kind == "reg":
        return torch.rand(n, generator=gen, dtype=dtype) * 6 - 3
    if kind == "prob":
        return torch.rand(n, generator=gen, dtype=dtype)
    if kind == "sign":
        return torch.randint(0, 2, (n,), generator=gen).to(dtype) * 2 - 1
    return torch.randint(0, 6, (n,), generator=gen).to(dtype)


def time_fb(fn, x, y, min_reps, min_seconds):
    def once():
        x.grad = None
        loss = fn(x, y)
        loss.backward()
        return loss

    for _ in range(3):  # warm-up
        once()
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or (time.perf_counter() - start < min_seconds and len(times) < 10_000):
        t0 = time.perf_counter_ns()
        once()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times), len(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/torch.json")
    ap.add_argument("--quick", action="store_true", help="smoke run: few repetitions")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--sizes", default=",".join(str(n) for n in SIZES))
    args = ap.parse_args()
    min_reps, min_seconds = (3, 0.05) if args.quick else (7, 0.5)
    results = []
    gen = torch.Generator().manual_seed(42)
    for dtype_name in args.dtypes.split(","):
        dtype = getattr(torch, dtype_name)
        for n in [int(s) for s in args.sizes.split(",")]:
            x = (torch.rand(n, generator=gen, dtype=dtype) * 6 - 3).requires_grad_(True)
            targets = {k: make(n, k, dtype, gen) for k in ("reg", "prob", "sign", "count")}
            for threads in [int(t) for t in args.threads.split(",")]:
                torch.set_num_threads(threads)
                for key, (fn, kind) in LOSSES.items():
                    med, reps = time_fb(fn, x, targets[kind], min_reps, min_seconds)
                    results.append({"loss": key, "dtype": dtype_name, "n": n, "threads": threads, "median_ns": med, "reps": reps})
                    print(f"{dtype_name} N={n:>10} threads={threads} {key:<11} {med / 1e3:12.1f} us  ({med / n:.3f} ns/elem, {reps} reps)", flush=True)
    meta = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.processor() or platform.machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "flock /tmp/lossdsl-build.lock /usr/bin/python3 scripts/bench_torch.py " + " ".join(sys.argv[1:]),
        "note": "forward + backward, reduction mean, x.grad reset each call; median of >= %d reps and >= %.2f s" % (min_reps, min_seconds),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
