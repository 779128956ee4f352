#!/usr/bin/python3
"""Generate the PyTorch reference fixtures for the `hess` field of the `eval` protocol.

Run with Debian's python (torch 1.13, torchvision 0.14):

    /usr/bin/python3 scripts/make_hess_fixtures.py              # every elementwise catalogue loss
    /usr/bin/python3 scripts/make_hess_fixtures.py huber_loss   # only some

For every elementwise loss of the catalogue it takes the cases of scripts/make_fixtures.py that the reference answers
and that ask for gradients, asks for the same inputs' Hessian diagonals too ("hess": the "grad" list), and answers
them by double backward: g = torch.autograd.grad(total, x, create_graph=True), then the gradient of g.sum() with
respect to x. For an elementwise loss d(sum_j dL/dx_j)/dx_i = d2L/dx_i2 (the cross terms are zero); an input that
broadcasts gets the sum of its copies' second derivatives, as its gradient gets theirs. The box losses pack a box's
four coordinates along the last axis, which do interact: for them one double backward per coordinate m (the gradient
of g[..., m].sum()), keeping column m, gives the exact diagonal.

Cases whose inputs sit exactly on a kink of the loss (|d| == delta for Huber, a tie of a margin) are left out: there
the second derivative is a choice of side, and PyTorch's double backward and LossDsl's branch-wise rule may choose
differently (see docs/language.md, "Second derivatives"). The script drops the cases where PyTorch's own one-sided
derivative is ambiguous: those whose double-backward Hessian changes when every input moves by +-1e-7 relative.

It writes tests/fixtures/hess/<loss>.jsonl: {"case": ..., "expected": ...} per line, deterministic.
"""

import json
import os
import sys

import torch

import make_fixtures as mf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "fixtures", "hess")

# Losses whose tensors pack several inputs of the kernel along their last axis (a box's x1, y1, x2, y2): the loss is
# elementwise over boxes, not over the packed tensor's elements, so the diagonal takes one backward per coordinate.
PACKED = {"iou_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"}

# The catalogue's elementwise losses (the ones with generated second derivatives).
ELEMENTWISE = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "complete_box_iou_loss", "distance_box_iou_loss",
    "gaussian_nll_loss", "generalized_box_iou_loss", "hinge_embedding_loss", "huber_loss", "iou_loss", "kl_div",
    "l1_loss", "margin_ranking_loss", "mse_loss", "poisson_nll_loss", "sigmoid_focal_loss", "smooth_l1_loss",
    "soft_margin_loss", "tukey_biweight_loss",
]


def hessians(case, shift=0.0):
    """The loss, gradients and Hessian diagonals of a case by double backward; inputs optionally shifted (relative)."""
    name = case["loss"]
    dt = mf.DTYPES[case["dtype"]]
    tensors = {k: mf.to_tensor(v, dt) for k, v in case["inputs"].items()}
    wanted = case["hess"]
    for k in wanted:
        t = tensors[k]
        if shift:
            t = t + shift * t.abs().clamp_min(1.0)
        tensors[k] = t.detach().requires_grad_(True)
    opts = {}
    for k, v in case.get("options", {}).items():
        opts[k] = mf.to_tensor(v, dt) if isinstance(v, dict) else v
    args = [tensors[n] for n in mf.INPUTS[name] if n in tensors]
    out = mf.REFS[name](*args, **opts)
    if "grad_output" in case:
        total = (out * mf.to_tensor(case["grad_output"], dt)).sum()
    else:
        total = out.sum()
    ins = [tensors[k] for k in wanted]
    gs = torch.autograd.grad(total, ins, create_graph=True, allow_unused=True)
    result = {}
    for k, g, x in zip(wanted, gs, ins):
        if g is None or not g.requires_grad:
            result[k] = torch.zeros_like(x)
        elif name in PACKED:
            # Boxes: the four coordinates of a box interact, so d(sum g)/dx would add the box's off-diagonal terms.
            # One double backward per coordinate m, keeping its own column: the diagonal (boxes are independent).
            h = torch.zeros_like(x)
            for m in range(x.shape[-1]):
                (hm,) = torch.autograd.grad(g[..., m].sum(), x, retain_graph=True, allow_unused=True)
                if hm is not None and not torch._is_zerotensor(hm):
                    h[..., m] = hm[..., m].detach()
            result[k] = h
        else:
            (h,) = torch.autograd.grad(g.sum(), x, retain_graph=True, allow_unused=True)
            if h is None or torch._is_zerotensor(h):  # sign's derivative: a zero tensor without storage
                h = torch.zeros_like(x)
            result[k] = h.detach()
    return out, gs, result


def bce_clamped(case):
    """binary_cross_entropy at an input where (1 - x) x < 1e-12: its backward (and our stated gradient) clamps the
    denominator there, while PyTorch's double backward uses another formula, (x^2 - 2xt + t) / ((x + eps)^2 (1 - x + eps)^2),
    that is not the derivative of its own backward. LossDsl differentiates the stated gradient (1/eps there); the two
    disagree by design, so these cases are left out."""
    x = [float(v) for v in case["inputs"]["input"]["data"]]
    return any((1 - v) * v < 1e-12 for v in x)


# Cases where the reference's double backward is not the derivative of its backward: left out, with the reason above.
NOT_DERIVATIVES = {"binary_cross_entropy": bce_clamped}


def on_a_kink(case):
    """Whether a nudge of the inputs changes PyTorch's Hessian: the case sits where the second derivative jumps."""
    _, _, h = hessians(case)
    for shift in (1e-7, -1e-7):
        try:
            _, _, moved = hessians(case, shift)
        except Exception:  # the nudge left the loss's domain (a probability past 1): that side says nothing
            continue
        for k in h:
            a, b = h[k].double(), moved[k].double()
            same = torch.isclose(a, b, rtol=1e-3, atol=1e-6) | (a.isnan() & b.isnan())
            if not bool(same.all()):
                return True
    return False


def answer(case):
    out, gs, h = hessians(case)
    ans = {"id": case["id"], "loss": mf.tensor_out(out, case["dtype"]), "grad": {}, "hess": {}}
    for k, g in zip(case["grad"], gs):
        ans["grad"][k] = mf.tensor_out(g if g is not None else torch.zeros_like(h[k]), case["dtype"])
    for k in case["hess"]:
        ans["hess"][k] = mf.tensor_out(h[k], case["dtype"])
    return ans


def generate(name):
    g = mf.GENERATORS[name]()
    lines, kinks = [], 0
    for case, error in g.cases:
        if error or not case.get("grad"):
            continue
        case = dict(case, id=case["id"] + "-hess", hess=list(case["grad"]))
        try:
            expected = answer(case)
        except Exception as e:  # an op without double backward: say so and skip the loss
            print("  %s: no double backward (%s)" % (case["id"], str(e).split("\n")[0]))
            return 0, 0
        if name in NOT_DERIVATIVES and NOT_DERIVATIVES[name](case):
            kinks += 1
            continue
        if on_a_kink(case):
            kinks += 1
            continue
        lines.append(json.dumps({"case": case, "expected": expected}, separators=(",", ":"), allow_nan=False))
    with open(os.path.join(OUT_DIR, name + ".jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines), kinks


def main(argv):
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for name in argv or ELEMENTWISE:
        n, kinks = generate(name)
        total += n
        print("%-36s %4d cases (%d on a kink or a clamp left out)" % (name, n, kinks))
    print("total %d cases" % total)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main(sys.argv[1:])
