#!/usr/bin/python3
"""PyTorch 1.13 reference fixtures for the catalogue's likelihood losses written with the special functions
(definitions/probit_loss.loss, student_t_nll_loss.loss, negative_binomial_nll_loss.loss).

Run with Debian's python (it has torch 1.13):

    /usr/bin/python3 scripts/make_special_fixtures.py                # all three
    /usr/bin/python3 scripts/make_special_fixtures.py probit_loss    # only some

It registers the three references (torch.special.log_ndtr, torch.distributions.StudentT and NegativeBinomial, with
autograd gradients) and their case generators with scripts/make_fixtures.py, whose case format, ids, seeds and
writer it uses, and writes tests/fixtures/<loss>.jsonl; then the Hessian diagonals of the same cases by double
backward (scripts/make_hess_fixtures.py) into tests/fixtures/hess/<loss>.jsonl. Deterministic.
"""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402
import make_hess_fixtures as mh  # noqa: E402


def reduce(out, reduction):
    mf.check_reduction(reduction)
    if reduction == "none":
        return out
    return out.mean() if reduction == "mean" else out.sum()


@mf.ref("probit_loss", ["input", "target"])
def probit_loss(input, target, reduction="mean"):
    out = -(target * torch.special.log_ndtr(input) + (1 - target) * torch.special.log_ndtr(-input))
    return reduce(out, reduction)


@mf.ref("student_t_nll_loss", ["input", "target", "scale", "df"])
def student_t_nll_loss(input, target, scale, df, reduction="mean"):
    dist = torch.distributions.StudentT(df, loc=input, scale=scale, validate_args=True)
    return reduce(-dist.log_prob(target), reduction)


@mf.ref("negative_binomial_nll_loss", ["input", "target", "dispersion"])
def negative_binomial_nll_loss(input, target, dispersion, reduction="mean"):
    dist = torch.distributions.NegativeBinomial(dispersion, logits=torch.log(input) - torch.log(dispersion),
                                                validate_args=True)
    return reduce(-dist.log_prob(target), reduction)


def positive(rng, shp, lo, hi):
    return mf.r4(rng.uniform(lo, hi, size=shp))


def gen_probit():
    g = mf.Gen("probit_loss")

    def make(rng, shp, v):
        target = rng.choice([0.0, 1.0], size=shp) if not v.get("_soft") else mf.r4(rng.uniform(0, 1, size=shp))
        return {"input": mf.normal(rng, shp, 3.0), "target": target}, {}
    mf.standard(g, make, ["input"], variants=[{"_soft": True}])
    # The tails: log Phi(-x) ~ -x^2/2, where log(Phi(x)) would be log(0); its gradient ~ -x there.
    x = np.array([-38.0, -20.0, -9.5, -5.0, 0.0, 5.0, 9.5, 20.0, 38.0])
    for dt in mf.BOTH:
        for y in (np.ones(9), np.zeros(9)):
            g.add(dt, {"input": x, "target": y}, {"reduction": "none"}, grad=["input"], tag="tails")
        g.add(dt, {"input": x, "target": np.full(9, 0.25)}, {"reduction": "sum"}, grad=["input"], tag="tails-soft")
    mf.invalid_common(g, make)
    return g


def gen_student_t():
    g = mf.Gen("student_t_nll_loss")
    grads = ["input", "target", "scale", "df"]

    def make(rng, shp, v):
        df = positive(rng, shp, v.get("_dflo", 0.5), v.get("_dfhi", 30.0))
        return {"input": mf.normal(rng, shp), "target": mf.normal(rng, shp, 2.0),
                "scale": positive(rng, shp, 0.2, 3.0), "df": df}, {}
    mf.standard(g, make, grads, variants=[{"_dflo": 0.05, "_dfhi": 1.0}, {"_dflo": 50.0, "_dfhi": 1000.0}])
    # Outliers far out in the heavy tail.
    ins = {"input": np.zeros(5), "target": np.array([-1e3, -30.0, 0.0, 30.0, 1e4]),
           "scale": np.ones(5), "df": np.array([1.0, 2.0, 3.0, 4.0, 5.0])}
    for dt in mf.BOTH:
        g.add(dt, ins, {"reduction": "none"}, grad=grads, tag="outliers")
    mf.invalid_common(g, make)
    return g


def gen_negative_binomial():
    g = mf.Gen("negative_binomial_nll_loss")
    grads = ["input", "dispersion"]

    def make(rng, shp, v):
        mean = positive(rng, shp, 0.3, v.get("_meanhi", 20.0))
        r = positive(rng, shp, v.get("_rlo", 0.3), v.get("_rhi", 10.0))
        p = r / (r + mean)  # numpy's negative_binomial(n, p) counts failures before n successes: mean n (1 - p) / p
        return {"input": mean, "target": np.asarray(rng.negative_binomial(r, p)).astype(float), "dispersion": r}, {}
    mf.standard(g, make, grads, variants=[{"_rlo": 50.0, "_rhi": 500.0}, {"_meanhi": 2.0, "_rlo": 0.05, "_rhi": 0.5}])
    ins = {"input": np.array([0.5, 3.0, 40.0, 200.0]), "target": np.array([0.0, 0.0, 120.0, 3.0]),
           "dispersion": np.array([0.2, 5.0, 2.0, 1.0])}
    for dt in mf.BOTH:
        g.add(dt, ins, {"reduction": "none"}, grad=grads, tag="zeros-and-overdispersion")
    mf.invalid_common(g, make)
    return g


GENERATORS = {
    "probit_loss": gen_probit,
    "student_t_nll_loss": gen_student_t,
    "negative_binomial_nll_loss": gen_negative_binomial,
}
mf.GENERATORS.update(GENERATORS)


def float32_reference_is_off(case):
    """Whether PyTorch's float32 double backward misses its own float64 answer by more than the protocol's float32
    tolerance (|a - b| <= 1e-5 + 1e-4 |b|): in the tails of log_ndtr its second derivative cancels (x - phi/Phi), and a
    reference outside the tolerance of the true value cannot judge anything. Such cases are left out."""
    if case["dtype"] != "float32":
        return False
    _, _, h32 = mh.hessians(case)
    _, _, h64 = mh.hessians(dict(case, dtype="float64"))
    for k in h32:
        a, b = h32[k].double(), h64[k]
        if not bool(((a - b).abs() <= 1e-5 + 1e-4 * b.abs()).all()):
            return True
    return False


def hessian_fixtures(name):
    """scripts/make_hess_fixtures.py's generate, less the cases where PyTorch's float32 is not a reference."""
    g = GENERATORS[name]()
    lines, left_out = [], 0
    for case, error in g.cases:
        if error or not case.get("grad"):
            continue
        case = dict(case, id=case["id"] + "-hess", hess=list(case["grad"]))
        if mh.on_a_kink(case) or float32_reference_is_off(case):
            left_out += 1
            continue
        lines.append(mh.json.dumps({"case": case, "expected": mh.answer(case)}, separators=(",", ":"), allow_nan=False))
    with open(os.path.join(mh.OUT_DIR, name + ".jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines), left_out


def main(argv):
    names = argv or list(GENERATORS)
    for name in names:
        n = GENERATORS[name]().write()
        h, left_out = hessian_fixtures(name)
        print("%-30s %4d cases, %4d Hessian cases (%d left out)" % (name, n, h, left_out))


if __name__ == "__main__":
    main(sys.argv[1:])
