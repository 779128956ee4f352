#!/usr/bin/python3
"""Times PyTorch (1.13, Debian's python3-torch: run with /usr/bin/python3) on the losses and sizes of
benchmarks/LossDsl.Benchmarks: forward + backward (reduction mean, gradient w.r.t. the input), float32 and float64,
torch.set_num_threads(1) and 2, median of several repetitions. Writes JSON that the benchmark program merges into
docs/performance.md (--torch, default benchmarks/results/torch.json).

cross_entropy (torch.nn.functional.cross_entropy, class-index targets, reduction mean, gradient w.r.t. the logits,
float32, N = 4096 rows of C = 1000 and C = 32000 logits, as benchmarks/LossDsl.Benchmarks/CrossEntropyBenchmarks.cs)
is written to its own file (--out-ce, default benchmarks/results/torch_cross_entropy.json; the benchmark program reads
it with --torch-ce). --only elementwise|cross_entropy runs one of the two.

    flock /tmp/lossdsl-build.lock /usr/bin/python3 scripts/bench_torch.py [--out benchmarks/results/torch.json] [--quick]
    flock /tmp/lossdsl-build.lock /usr/bin/python3 scripts/bench_torch.py --only cross_entropy
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

def cpu_model():
    """The processor's model name and whether it has AVX-512 (the ISA PyTorch's kernels dispatch on)."""
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        model = next(l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("model name"))
        flags = next(l for l in text.splitlines() if l.startswith("flags")).split()
        isa = "AVX-512F and AVX2" if "avx512f" in flags else "AVX2, no AVX-512" if "avx2" in flags else "no AVX2"
        return f"{model}, {os.cpu_count()} logical cores, {isa}"
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


SIZES = [4_096, 262_144, 16_777_216]
ROW = 1024  # log_cosh rows, as in the .NET suite
CE_ROWS = 4_096  # cross_entropy: N rows of C logits, as CrossEntropyRows in the .NET suite
CE_CLASSES = [1_000, 32_000]


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


def time_ce(n, c, threads_list, min_reps, min_seconds, gen):
    """cross_entropy forward + backward: logits U(-3, 3), targets uniform in 0..c-1 (int64, as torch requires)."""
    x = (torch.rand(n, c, generator=gen, dtype=torch.float32) * 6 - 3).requires_grad_(True)
    t = torch.randint(0, c, (n,), generator=gen, dtype=torch.int64)
    out = []
    for threads in threads_list:
        torch.set_num_threads(threads)
        med, reps = time_fb(lambda a, b: F.cross_entropy(a, b), x, t, min_reps, min_seconds)
        out.append({"loss": "Ce", "dtype": "float32", "n": n, "c": c, "threads": threads, "median_ns": med, "reps": reps})
        print(f"float32 cross_entropy N={n} C={c:>6} threads={threads} {med / 1e3:12.1f} us  ({med / (n * c):.3f} ns/logit, {reps} reps)", flush=True)
    return out


def pinning():
    """The taskset prefix that reproduces this process's CPU affinity, when it is pinned to fewer cores than the machine has."""
    cores = sorted(os.sched_getaffinity(0))
    return "" if len(cores) == os.cpu_count() else "taskset -c %s " % ",".join(map(str, cores))


def write(path, results, note, min_reps, min_seconds):
    meta = {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": cpu_model(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "flock /tmp/lossdsl-build.lock " + pinning() + "/usr/bin/python3 scripts/bench_torch.py " + " ".join(sys.argv[1:]),
        "note": note + "; median of >= %d reps and >= %.2f s" % (min_reps, min_seconds),
    }
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    print("wrote", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="benchmarks/results/torch.json")
    ap.add_argument("--quick", action="store_true", help="smoke run: few repetitions")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--sizes", default=",".join(str(n) for n in SIZES))
    ap.add_argument("--only", choices=["elementwise", "cross_entropy"], help="run only the elementwise losses or only cross_entropy")
    ap.add_argument("--out-ce", default="benchmarks/results/torch_cross_entropy.json")
    ap.add_argument("--ce-rows", type=int, default=CE_ROWS)
    ap.add_argument("--ce-classes", default=",".join(str(c) for c in CE_CLASSES))
    args = ap.parse_args()
    min_reps, min_seconds = (3, 0.05) if args.quick else (7, 0.5)
    threads_list = [int(t) for t in args.threads.split(",")]
    if args.only != "elementwise":
        gen = torch.Generator().manual_seed(42)
        ce = []
        for c in [int(s) for s in args.ce_classes.split(",")]:
            ce += time_ce(args.ce_rows, c, threads_list, min_reps, min_seconds, gen)
        write(args.out_ce, ce, "cross_entropy forward + backward, float32, reduction mean, x.grad reset each call", min_reps, min_seconds)
    if args.only == "cross_entropy":
        return
    results = []
    gen = torch.Generator().manual_seed(42)
    for dtype_name in args.dtypes.split(","):
        dtype = getattr(torch, dtype_name)
        for n in [int(s) for s in args.sizes.split(",")]:
            x = (torch.rand(n, generator=gen, dtype=dtype) * 6 - 3).requires_grad_(True)
            targets = {k: make(n, k, dtype, gen) for k in ("reg", "prob", "sign", "count")}
            for threads in threads_list:
                torch.set_num_threads(threads)
                for key, (fn, kind) in LOSSES.items():
                    med, reps = time_fb(fn, x, targets[kind], min_reps, min_seconds)
                    results.append({"loss": key, "dtype": dtype_name, "n": n, "threads": threads, "median_ns": med, "reps": reps})
                    print(f"{dtype_name} N={n:>10} threads={threads} {key:<11} {med / 1e3:12.1f} us  ({med / n:.3f} ns/elem, {reps} reps)", flush=True)
    write(args.out, results, "forward + backward, reduction mean, x.grad reset each call", min_reps, min_seconds)


if __name__ == "__main__":
    main()
