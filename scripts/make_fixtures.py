#!/usr/bin/python3
"""Generate the PyTorch reference fixtures for LossDsl's `eval` protocol.

Run with Debian's python (it has torch 1.13 and torchvision 0.14):

    /usr/bin/python3 scripts/make_fixtures.py            # all losses
    /usr/bin/python3 scripts/make_fixtures.py l1_loss    # only some

It writes tests/fixtures/<loss>.jsonl: one JSON object per line,
{"case": <case as in conformance.md>, "expected": <answer as in conformance.md>}.
The output is deterministic (every loss has its own fixed seed).
"""

import json
import math
import os
import sys
import warnings
import zlib

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "fixtures")

DTYPES = {"float64": torch.float64, "float32": torch.float32}
SHORT = {"float64": "f64", "float32": "f32"}

# --------------------------------------------------------------------------------------
# Reference implementations. Every entry takes the input tensors positionally (in the
# catalogue's order) and the options as keyword arguments, and returns the reduced loss.
# --------------------------------------------------------------------------------------

INPUTS = {}  # loss -> list of input names, in call order
REFS = {}    # loss -> callable


def ref(name, inputs):
    def deco(fn):
        INPUTS[name] = inputs
        REFS[name] = fn
        return fn
    return deco


def check_reduction(reduction, allowed=("none", "mean", "sum")):
    if reduction not in allowed:
        raise ValueError(reduction + " is not a valid value for reduction")


def check_same_shape(name, a, b, an="input", bn="target"):
    if a.shape != b.shape:
        raise ValueError("%s: %s shape %s and %s shape %s differ"
                         % (name, an, list(a.shape), bn, list(b.shape)))


def check_rows(name, x):
    if x.dim() not in (1, 2):
        raise ValueError("%s: expected a 1-D (D) or 2-D (N, D) input, got shape %s"
                         % (name, list(x.shape)))


def reduce_rows(per_row, reduction):
    check_reduction(reduction)
    if reduction == "none":
        return per_row
    if reduction == "mean":
        return per_row.mean()
    return per_row.sum()


# ---- torch.nn.functional ----

def _torch(name, inputs):
    fn = getattr(F, name)

    def call(*tensors, **opts):
        return fn(*tensors, **opts)
    INPUTS[name] = inputs
    REFS[name] = call


_torch("l1_loss", ["input", "target"])
_torch("mse_loss", ["input", "target"])
_torch("smooth_l1_loss", ["input", "target"])
_torch("huber_loss", ["input", "target"])
_torch("binary_cross_entropy", ["input", "target"])
_torch("binary_cross_entropy_with_logits", ["input", "target"])
_torch("kl_div", ["input", "target"])
_torch("poisson_nll_loss", ["input", "target"])
_torch("gaussian_nll_loss", ["input", "target", "var"])
_torch("margin_ranking_loss", ["input1", "input2", "target"])
_torch("hinge_embedding_loss", ["input", "target"])
_torch("soft_margin_loss", ["input", "target"])
_torch("cross_entropy", ["input", "target"])
_torch("nll_loss", ["input", "target"])
_torch("multilabel_soft_margin_loss", ["input", "target"])
_torch("multilabel_margin_loss", ["input", "target"])
_torch("multi_margin_loss", ["input", "target"])
_torch("triplet_margin_loss", ["anchor", "positive", "negative"])
_torch("cosine_embedding_loss", ["input1", "input2", "target"])
_torch("ctc_loss", ["log_probs", "targets", "input_lengths", "target_lengths"])


# ---- rows as sequences: subscripts of row expressions and the row's own number ----

@ref("generalized_cross_entropy", ["input", "target"])
def generalized_cross_entropy(input, target, q=0.7, reduction="mean"):
    """Zhang & Sabuncu (2018): (1 - softmax(x)[t]^q) / q per row."""
    check_reduction(reduction)
    if input.dim() != 2 or target.dim() != 1 or target.shape[0] != input.shape[0]:
        raise ValueError("generalized_cross_entropy: expected (N, C) input and (N) target")
    p = F.softmax(input, dim=1).gather(1, target.unsqueeze(1)).squeeze(1)
    return reduce_rows((1 - p ** q) / q, reduction)


@ref("info_nce", ["sim"])
def info_nce(sim, temperature=0.07, reduction="mean"):
    """InfoNCE over an (N, N) similarity matrix: row i's positive is column i (cross entropy against arange(N))."""
    check_reduction(reduction)
    if sim.dim() != 2 or sim.shape[0] > sim.shape[1]:
        raise ValueError("info_nce: expected an (N, M) similarity matrix with N <= M")
    return F.cross_entropy(sim / temperature, torch.arange(sim.shape[0]), reduction=reduction)


# ---- pairwise aggregates: learning to rank over padded lists ----

def _ranked_pairs(name, scores, relevance, mask):
    """The ordered pairs (i, j) of documents of a list with relevance[i] > relevance[j], both real (mask 1), and s_i - s_j."""
    if scores.dim() != 2 or relevance.shape != scores.shape or mask.shape != scores.shape:
        raise ValueError("%s: expected scores, relevance and mask of one (N, L) shape, got %s, %s and %s"
                         % (name, list(scores.shape), list(relevance.shape), list(mask.shape)))
    pairs = (mask[:, :, None] * mask[:, None, :] > 0) & (relevance[:, :, None] > relevance[:, None, :])
    return pairs, scores[:, :, None] - scores[:, None, :]


@ref("ranknet", ["scores", "relevance", "mask"])
def ranknet(scores, relevance, mask, sigma=1.0, reduction="mean"):
    """RankNet (Burges et al., 2005): per list, the sum over its ordered pairs of log(1 + exp(-sigma (s_i - s_j)))."""
    check_reduction(reduction)
    pairs, diff = _ranked_pairs("ranknet", scores, relevance, mask)
    per_pair = torch.where(pairs, F.softplus(-sigma * diff), torch.zeros_like(diff))
    return reduce_rows(per_pair.sum((1, 2)), reduction)


@ref("pairwise_hinge_loss", ["scores", "relevance", "mask"])
def pairwise_hinge_loss(scores, relevance, mask, margin=1.0, mean_over_pairs=False, reduction="mean"):
    """Per list, the sum over its ordered pairs of max(0, margin - (s_i - s_j)); averaged over them when asked."""
    check_reduction(reduction)
    pairs, diff = _ranked_pairs("pairwise_hinge_loss", scores, relevance, mask)
    hinge = torch.where(pairs, torch.clamp(margin - diff, min=0), torch.zeros_like(diff)).sum((1, 2))
    if mean_over_pairs:
        hinge = hinge / pairs.sum((1, 2)).clamp(min=1)
    return reduce_rows(hinge, reduction)


# ---- torchvision.ops (protocol default reduction is mean) ----

@ref("sigmoid_focal_loss", ["inputs", "targets"])
def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="mean"):
    return torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha=alpha, gamma=gamma,
                                              reduction=reduction)


# ---- formula-defined losses ----

@ref("rmse", ["input", "target"])
def rmse(input, target, reduction="mean"):
    check_same_shape("rmse", input, target)
    check_rows("rmse", input)
    return torch.sqrt(torch.mean((input - target) ** 2))


@ref("mean_squared_logarithmic_error", ["y_pred", "y_true"])
def mean_squared_logarithmic_error(y_pred, y_true, eps=1e-7, reduction="mean"):
    check_same_shape("mean_squared_logarithmic_error", y_pred, y_true, "y_pred", "y_true")
    check_rows("mean_squared_logarithmic_error", y_pred)
    a = torch.log(torch.clamp(y_pred, min=eps) + 1)
    b = torch.log(torch.clamp(y_true, min=eps) + 1)
    return reduce_rows(torch.mean((a - b) ** 2, dim=-1), reduction)


@ref("mean_absolute_percentage_error", ["y_pred", "y_true"])
def mean_absolute_percentage_error(y_pred, y_true, eps=1e-7, reduction="mean"):
    check_same_shape("mean_absolute_percentage_error", y_pred, y_true, "y_pred", "y_true")
    check_rows("mean_absolute_percentage_error", y_pred)
    per = torch.abs(y_true - y_pred) / torch.clamp(torch.abs(y_true), min=eps)
    return reduce_rows(100 * torch.mean(per, dim=-1), reduction)


@ref("log_cosh", ["y_pred", "y_true"])
def log_cosh(y_pred, y_true, reduction="mean"):
    check_same_shape("log_cosh", y_pred, y_true, "y_pred", "y_true")
    check_rows("log_cosh", y_pred)
    d = y_pred - y_true
    per = d + F.softplus(-2 * d) - math.log(2.0)
    return reduce_rows(torch.mean(per, dim=-1), reduction)


def _pm1(y):
    # 0/1 labels are mapped to -1/+1 (y == 0 -> -1); +1/-1 pass through.
    return torch.where(y == 0, -torch.ones_like(y), y)


@ref("hinge", ["y_pred", "y_true"])
def hinge(y_pred, y_true, reduction="mean"):
    check_same_shape("hinge", y_pred, y_true, "y_pred", "y_true")
    check_rows("hinge", y_pred)
    m = torch.clamp(1 - _pm1(y_true) * y_pred, min=0)
    return reduce_rows(torch.mean(m, dim=-1), reduction)


@ref("squared_hinge", ["y_pred", "y_true"])
def squared_hinge(y_pred, y_true, reduction="mean"):
    check_same_shape("squared_hinge", y_pred, y_true, "y_pred", "y_true")
    check_rows("squared_hinge", y_pred)
    m = torch.clamp(1 - _pm1(y_true) * y_pred, min=0)
    return reduce_rows(torch.mean(m * m, dim=-1), reduction)


@ref("poisson", ["y_pred", "y_true"])
def poisson(y_pred, y_true, eps=1e-7, reduction="mean"):
    check_same_shape("poisson", y_pred, y_true, "y_pred", "y_true")
    check_rows("poisson", y_pred)
    per = y_pred - y_true * torch.log(y_pred + eps)
    return reduce_rows(torch.mean(per, dim=-1), reduction)


@ref("tukey_biweight_loss", ["input", "target"])
def tukey_biweight_loss(input, target, c=4.685, reduction="mean"):
    check_same_shape("tukey_biweight_loss", input, target)
    check_reduction(reduction)
    r = input - target
    k = c * c / 6.0
    inside = k * (1 - (1 - (r / c) ** 2) ** 3)
    out = torch.where(torch.abs(r) <= c, inside, torch.full_like(r, k))
    if reduction == "none":
        return out
    return out.mean() if reduction == "mean" else out.sum()


@ref("categorical_hinge", ["y_pred", "y_true"])
def categorical_hinge(y_pred, y_true, reduction="mean"):
    check_same_shape("categorical_hinge", y_pred, y_true, "y_pred", "y_true")
    check_rows("categorical_hinge", y_pred)
    pos = torch.sum(y_true * y_pred, dim=-1)
    neg = torch.amax((1 - y_true) * y_pred, dim=-1)
    return reduce_rows(torch.clamp(neg - pos + 1, min=0), reduction)


@ref("cosine_similarity", ["y_pred", "y_true"])
def cosine_similarity(y_pred, y_true, eps=1e-12, reduction="mean"):
    check_same_shape("cosine_similarity", y_pred, y_true, "y_pred", "y_true")
    check_rows("cosine_similarity", y_pred)
    nx = torch.clamp(torch.linalg.vector_norm(y_pred, dim=-1, keepdim=True), min=eps)
    ny = torch.clamp(torch.linalg.vector_norm(y_true, dim=-1, keepdim=True), min=eps)
    return reduce_rows(-torch.sum(y_true / ny * (y_pred / nx), dim=-1), reduction)


@ref("softmax_focal_loss", ["input", "target"])
def softmax_focal_loss(input, target, gamma=2.0, alpha=None, reduction="mean"):
    check_reduction(reduction)
    if input.dim() != 2:
        raise ValueError("softmax_focal_loss: expected input of shape (N, C), got %s"
                         % list(input.shape))
    n, c = input.shape
    if target.dtype != torch.int64 or list(target.shape) != [n]:
        raise ValueError("softmax_focal_loss: expected an int64 target of shape [%d], got %s"
                         % (n, list(target.shape)))
    for i, t in enumerate(target.tolist()):
        if t < 0 or t >= c:
            raise ValueError("target index %d is out of range for %d classes (row %d)"
                             % (t, c, i))
    if alpha is not None and list(alpha.shape) != [c]:
        raise ValueError("softmax_focal_loss: alpha must have shape [%d], got %s"
                         % (c, list(alpha.shape)))
    logp = F.log_softmax(input, dim=-1)
    lpt = logp.gather(1, target[:, None]).squeeze(1)
    pt = lpt.exp()
    loss = -((1 - pt) ** gamma) * lpt
    if alpha is not None:
        loss = alpha[target] * loss
    return reduce_rows(loss, reduction)


@ref("dice_loss", ["input", "target"])
def dice_loss(input, target, smooth=1.0, reduction="mean"):
    check_same_shape("dice_loss", input, target)
    check_rows("dice_loss", input)
    num = 2 * torch.sum(input * target, dim=-1) + smooth
    den = torch.sum(input, dim=-1) + torch.sum(target, dim=-1) + smooth
    return reduce_rows(1 - num / den, reduction)


@ref("tversky_loss", ["input", "target"])
def tversky_loss(input, target, alpha=0.5, beta=0.5, smooth=1.0, reduction="mean"):
    check_same_shape("tversky_loss", input, target)
    check_rows("tversky_loss", input)
    tp = torch.sum(input * target, dim=-1)
    fp = torch.sum(input * (1 - target), dim=-1)
    fn = torch.sum((1 - input) * target, dim=-1)
    return reduce_rows(1 - (tp + smooth) / (tp + alpha * fp + beta * fn + smooth), reduction)


def _check_boxes(name, b1, b2):
    if b1.shape != b2.shape or b1.dim() not in (1, 2) or b1.shape[-1] != 4:
        raise ValueError("%s: expected boxes of shape (N, 4) or (4), got %s and %s"
                         % (name, list(b1.shape), list(b2.shape)))


@ref("iou_loss", ["boxes1", "boxes2"])
def iou_loss(boxes1, boxes2, eps=1e-7, reduction="mean"):
    _check_boxes("iou_loss", boxes1, boxes2)
    check_reduction(reduction)
    from torchvision.ops._utils import _loss_inter_union
    inter, union = _loss_inter_union(boxes1, boxes2)
    loss = 1 - inter / (union + eps)
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


def _tv_box(name):
    fn = getattr(torchvision.ops, name)

    def call(boxes1, boxes2, eps=1e-7, reduction="mean"):
        return fn(boxes1, boxes2, reduction=reduction, eps=eps)
    call.__name__ = name
    INPUTS[name] = ["boxes1", "boxes2"]
    REFS[name] = call


_tv_box("generalized_box_iou_loss")
_tv_box("distance_box_iou_loss")
_tv_box("complete_box_iou_loss")


@ref("gan_discriminator_loss", ["real_logits", "fake_logits"])
def gan_discriminator_loss(real_logits, fake_logits, reduction="mean"):
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


@ref("gan_generator_loss", ["fake_logits"])
def gan_generator_loss(fake_logits, reduction="mean"):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


# --------------------------------------------------------------------------------------
# Evaluation of one case (this is exactly what the checks expect LossDsl to reproduce).
# --------------------------------------------------------------------------------------

def to_tensor(obj, dtype):
    if obj.get("dtype") == "int64":
        return torch.tensor(obj["data"], dtype=torch.int64).reshape(obj["shape"])
    data = [float(v) for v in obj["data"]]  # "NaN"/"Infinity" strings parse too
    return torch.tensor(data, dtype=dtype).reshape(obj["shape"])


def num_out(v, dtype):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if dtype == "float32":
        return float(repr(np.float32(v)))  # shortest decimal that round-trips in float32
    return v


def tensor_out(t, dtype):
    t = t.detach()
    return {"shape": list(t.shape), "data": [num_out(v, dtype) for v in t.reshape(-1).tolist()]}


# non-finite option values are written as the protocol's named literals
NAMED = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def evaluate(case):
    name = case["loss"]
    if name not in REFS:
        raise ValueError("unknown loss '%s'" % name)
    dt = DTYPES[case["dtype"]]
    tensors = {k: to_tensor(v, dt) for k, v in case["inputs"].items()}
    grads = case.get("grad", [])
    for gname in grads:
        tensors[gname].requires_grad_(True)
    opts = {}
    for k, v in case.get("options", {}).items():
        opts[k] = to_tensor(v, dt) if isinstance(v, dict) else NAMED.get(v, v) if isinstance(v, str) else v
    args = [tensors[n] for n in INPUTS[name] if n in tensors]
    out = REFS[name](*args, **opts)
    ans = {"id": case["id"], "loss": tensor_out(out, case["dtype"])}
    if "grad" in case:
        ans["grad"] = {}
        if grads:
            if "grad_output" in case:
                total = (out * to_tensor(case["grad_output"], dt)).sum()
            else:
                total = out.sum()
            ins = [tensors[g] for g in grads]
            gs = torch.autograd.grad(total, ins, allow_unused=True)
            for gname, g, x in zip(grads, gs, ins):
                if g is None:
                    g = torch.zeros_like(x)
                ans["grad"][gname] = tensor_out(g, case["dtype"])
    return ans


# --------------------------------------------------------------------------------------
# Case construction
# --------------------------------------------------------------------------------------

def num_in(v, dtype):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if dtype == "float32":
        return float(np.float32(v))  # exactly representable in float32
    return v


def tensor_in(a, dtype, int64=False):
    a = np.asarray(a)
    if int64:
        return {"shape": list(a.shape), "dtype": "int64",
                "data": [int(v) for v in a.reshape(-1)]}
    return {"shape": list(a.shape), "data": [num_in(v, dtype) for v in a.reshape(-1)]}


def shape_tag(shape):
    if len(shape) == 0:
        return "scalar"
    if len(shape) == 1:
        return "len%d" % shape[0]
    return "x".join(str(s) for s in shape)


def opt_tag(opts):
    parts = []
    for k, v in opts.items():
        if k == "reduction":
            continue
        if isinstance(v, (np.ndarray, np.generic)):
            parts.append(k)
        elif isinstance(v, bool):
            parts.append(k if v else "no" + k)
        else:
            parts.append("%s%s" % (k, v))
    return "-".join(parts)


class Gen:
    def __init__(self, loss, int_inputs=()):
        self.loss = loss
        self.rng = np.random.RandomState(zlib.crc32(loss.encode()) & 0x7FFFFFFF)
        self.cases = []
        self.ids = set()
        self.int_inputs = set(int_inputs)
        self.k = 0

    def add(self, dtype, inputs, options=None, grad=None, grad_output=None, tag=None,
            error=False, loss=None, int_options=()):
        options = dict(options or {})
        red = options.get("reduction", "default")
        parts = [self.loss, SHORT[dtype], red]
        ot = opt_tag(options)
        if ot:
            parts.append(ot)
        first = next(iter(inputs.values()))
        parts.append(shape_tag(np.asarray(first).shape))
        if tag:
            parts.append(tag)
        if grad_output is not None:
            parts.append("gradout")
        if grad is not None and len(grad) == 0:
            parts.append("nograd")
        cid = "-".join(parts)
        base, n = cid, 2
        while cid in self.ids:
            cid = "%s-%d" % (base, n)
            n += 1
        self.ids.add(cid)
        case = {"id": cid, "loss": loss or self.loss, "dtype": dtype}
        copts = {}
        for k, v in options.items():
            if isinstance(v, (np.ndarray, np.generic)):
                copts[k] = tensor_in(v, dtype, int64=k in int_options)
            elif isinstance(v, float) and not math.isfinite(v):
                copts[k] = num_in(v, dtype)
            else:
                copts[k] = v
        case["options"] = copts
        case["inputs"] = {k: tensor_in(v, dtype, int64=np.issubdtype(np.asarray(v).dtype,
                                                                      np.integer))
                          for k, v in inputs.items()}
        if grad is not None:
            case["grad"] = list(grad)
        if grad_output is not None:
            case["grad_output"] = tensor_in(grad_output, dtype)
        self.cases.append((case, error))
        return cid

    def write(self):
        lines = []
        for case, error in self.cases:
            try:
                expected = evaluate(case)
                if error:
                    raise AssertionError("case %s was expected to fail" % case["id"])
            except AssertionError:
                raise
            except Exception as e:  # the reference refuses the case
                if not error:
                    raise AssertionError("case %s failed: %r" % (case["id"], e))
                expected = {"id": case["id"], "error": str(e).strip().split("\n")[0]}
            lines.append(json.dumps({"case": case, "expected": expected},
                                    separators=(",", ":"), allow_nan=False))
        path = os.path.join(OUT_DIR, self.loss + ".jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return len(lines)


BOTH = ["float64", "float32"]
RED3 = ["none", "mean", "sum"]
ELEM_SHAPES = [(7,), (4, 5), (2,), (3, 17), (1,), (33,), (), (2, 3, 4)]
ROW_SHAPES = [(7,), (4, 5), (2,), (3, 17), (1,), (33,), (6, 1), (5, 8)]


def rot(lst, i):
    return lst[i % len(lst)]


def split_variant(v):
    """Variant keys starting with '_' steer `make` (and name the case); the rest are options."""
    opts = {k: x for k, x in v.items() if not k.startswith("_")}
    tag = "-".join(k[1:] if x is True else "%s%s" % (k[1:], x)
                   for k, x in v.items() if k.startswith("_")) or None
    return opts, tag


def standard(g, make, grads, variants=(), reductions=RED3, shapes=ELEM_SHAPES,
             big=True, scalar=True, n_base=3, gradout=True, nograd=True, row=False,
             out_shape=None, gradout_shapes=None, big_shapes=((257,), (16, 33)),
             nograd_shapes=((4, 5), (6,), (3, 5))):
    """Random-data cases: base grid, option variants, grad_output, big shapes, no-grad."""
    shapes = [s for s in shapes if scalar or len(s) > 0]
    if out_shape is None:
        out_shape = (lambda s: s[:-1]) if row else (lambda s: s)
    if gradout_shapes is None:
        gradout_shapes = [(7,), (3, 4)] + ([()] if scalar else [])
    i = 0
    for dt in BOTH:
        for red in reductions:
            for _ in range(n_base):
                shp = rot(shapes, i)
                i += 1
                ins, extra = make(g.rng, shp, {})
                g.add(dt, ins, dict(extra, reduction=red), grad=grads)
    for v in variants:
        opts, tag = split_variant(v)
        for dt in BOTH:
            for red in reductions:
                shp = rot(shapes, i)
                i += 1
                ins, extra = make(g.rng, shp, v)
                g.add(dt, ins, dict(extra, **opts, reduction=red), grad=grads, tag=tag)
    if gradout and "none" in reductions:
        for dt in BOTH:
            for shp in gradout_shapes:
                ins, extra = make(g.rng, shp, {})
                go = np.round(g.rng.uniform(-2, 2, size=out_shape(shp)), 3)
                g.add(dt, ins, dict(extra, reduction="none"), grad=grads, grad_output=go)
    if big:
        for dt in BOTH:
            ins, extra = make(g.rng, big_shapes[0], {})
            g.add(dt, ins, dict(extra, reduction="mean"), grad=grads)
        ins, extra = make(g.rng, big_shapes[1], {})
        g.add("float64", ins, dict(extra, reduction="sum"), grad=grads)
    if nograd:
        for dt in BOTH:
            ins, extra = make(g.rng, nograd_shapes[0], {})
            g.add(dt, ins, dict(extra, reduction="mean"), grad=[])
        ins, extra = make(g.rng, nograd_shapes[1], {})
        g.add("float64", ins, dict(extra, reduction="sum"))  # no "grad" key at all
        if len(grads) > 1:
            for dt in BOTH:
                ins, extra = make(g.rng, nograd_shapes[2], {})
                g.add(dt, ins, dict(extra, reduction="mean"), grad=grads[:1], tag="partial")


def invalid_common(g, make, torch_reduction_check=True, mismatch=True, shapes=((3,), (4,))):
    """Shape mismatch, unknown option, unknown loss, invalid reduction."""
    ins, extra = make(g.rng, shapes[1], {})
    if mismatch:
        ins2, _ = make(g.rng, shapes[0], {})
        bad = dict(ins)
        k = list(bad)[1]
        bad[k] = ins2[k]
        g.add("float64", bad, dict(extra, reduction="mean"), tag="bad-shape", error=True)
        g.add("float32", bad, dict(extra, reduction="sum"), tag="bad-shape", error=True)
    g.add("float64", ins, dict(extra, reduction="mean", frobnicate=1.0), tag="bad-option",
          error=True)
    g.add("float64", ins, dict(extra, reduction="mean"), tag="bad-loss", error=True,
          loss=g.loss + "_nope")
    if torch_reduction_check:
        g.add("float64", ins, dict(extra, reduction="average"), tag="bad-reduction", error=True)


def r4(x):
    return np.asarray(np.round(x, 4))


def normal(rng, shp, scale=1.0):
    return r4(rng.normal(0, scale, size=shp))


def pm1(rng, shp):
    return rng.choice([-1.0, 1.0], size=shp)


# --------------------------------------------------------------------------------------
# Phase 1 losses
# --------------------------------------------------------------------------------------

def gen_l1_mse(name):
    g = Gen(name)

    def make(rng, shp, v):
        return {"input": normal(rng, shp, 1.5), "target": normal(rng, shp)}, {}
    standard(g, make, ["input", "target"])
    for dt in BOTH:
        for red in RED3:
            x = np.array([0.5, -1.25, 3.0, 0.0, 2.0])
            y = np.array([0.5, -1.25, 1.0, 0.0, -2.0])
            g.add(dt, {"input": x, "target": y}, {"reduction": red}, grad=["input", "target"],
                  tag="ties")
        g.add(dt, {"input": np.array(1.5), "target": np.array(1.5)}, {"reduction": "mean"},
              grad=["input", "target"], tag="equal")
        g.add(dt, {"input": np.array([1e3, -1e3, 1e-3]), "target": np.array([-1e3, 1e3, 0.0])},
              {"reduction": "sum"}, grad=["input", "target"], tag="large")
        g.add(dt, {"input": np.array([1.0, "nan", 2.0], dtype=float),
                   "target": np.array([0.0, 1.0, 2.0])}, {"reduction": "none"},
              grad=["input", "target"], tag="nan-input")
        g.add(dt, {"input": np.array([1.0, "inf", 2.0], dtype=float),
                   "target": np.array([0.0, 1.0, 2.0])}, {"reduction": "mean"},
              grad=["input"], tag="inf-input")
    invalid_common(g, make)
    return g


def gen_smooth_l1():
    g = Gen("smooth_l1_loss")

    def make(rng, shp, v):
        return {"input": normal(rng, shp, 1.5), "target": normal(rng, shp)}, {}
    standard(g, make, ["input", "target"],
             variants=[{"beta": 0.5}, {"beta": 2.0}, {"beta": 0.0}, {"beta": 0.01}])
    x = np.array([1.5, -1.5, 0.5, 0.75, 2.0, 0.0, -0.25, 3.0])
    y = np.array([1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.25, 1.0])
    for dt in BOTH:
        for beta in [0.5, 1.0, 2.0, 0.0]:
            red = "none" if beta != 1.0 else "sum"
            g.add(dt, {"input": x, "target": y}, {"beta": beta, "reduction": red},
                  grad=["input", "target"], tag="at-beta")
        g.add(dt, {"input": np.array(0.5), "target": np.array(0.5)},
              {"beta": 0.0, "reduction": "mean"}, grad=["input", "target"], tag="equal")
    g.add("float64", {"input": x, "target": y}, {"beta": -1.0, "reduction": "mean"},
          tag="negative-beta", error=True)
    for dt in BOTH:
        g.add(dt, {"input": x, "target": y}, {"beta": float("nan"), "reduction": "none"},
              tag="nan-beta", error=True)
        g.add(dt, {"input": x, "target": y}, {"beta": float("-inf"), "reduction": "mean"},
              tag="minus-infinity-beta", error=True)
    invalid_common(g, make)
    return g


def gen_huber():
    g = Gen("huber_loss")

    def make(rng, shp, v):
        return {"input": normal(rng, shp, 1.5), "target": normal(rng, shp)}, {}
    standard(g, make, ["input", "target"],
             variants=[{"delta": 0.5}, {"delta": 2.0}, {"delta": 0.1}, {"delta": 1.35}])
    x = np.array([1.5, -1.5, 0.5, 0.75, 2.0, 0.0, -0.25, 3.0])
    y = np.array([1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.25, 1.0])
    for dt in BOTH:
        for delta in [0.5, 1.0, 2.0]:
            red = "none" if delta != 1.0 else "sum"
            g.add(dt, {"input": x, "target": y}, {"delta": delta, "reduction": red},
                  grad=["input", "target"], tag="at-delta")
        # PyTorch's backward takes the linear pieces by comparing input - target with -delta and delta, so a NaN
        # difference falls through to the quadratic piece's gradient: NaN (an |d| < delta test would give 0)
        g.add(dt, {"input": np.array([1.0, "nan", 2.0, "inf", "-inf"], dtype=float),
                   "target": np.array([0.0, 1.0, "nan", 1.0, 1.0], dtype=float)}, {"reduction": "none"},
              grad=["input", "target"], tag="non-finite-input")
    g.add("float64", {"input": x, "target": y}, {"delta": 0.0, "reduction": "mean"},
          tag="zero-delta", error=True)
    g.add("float64", {"input": x, "target": y}, {"delta": -1.0, "reduction": "mean"},
          tag="negative-delta", error=True)
    for dt in BOTH:
        g.add(dt, {"input": x, "target": y}, {"delta": float("nan"), "reduction": "sum"},
              tag="nan-delta", error=True)
    invalid_common(g, make)
    return g


def sigmoid_np(x):
    return 1 / (1 + np.exp(-x))


def gen_bce():
    g = Gen("binary_cross_entropy")

    def make(rng, shp, v):
        x = r4(np.clip(sigmoid_np(rng.normal(0, 2, size=shp)), 0.0001, 0.9999))
        if rng.rand() < 0.5:
            y = rng.choice([0.0, 1.0], size=shp)
        else:
            y = r4(rng.uniform(0, 1, size=shp))
        extra = {}
        if v.get("weight") == "full":
            extra["weight"] = r4(rng.uniform(0, 2, size=shp))
        elif v.get("weight") == "last":
            extra["weight"] = r4(rng.uniform(0, 2, size=shp[-1:]))
        return {"input": x, "target": y}, extra
    standard(g, make, ["input", "target"])
    # weight variants (option value filled in by make)
    i = 0
    for kind, shapes in [("full", [(7,), (4, 5), ()]), ("last", [(4, 5), (3, 17), (6,)])]:
        for dt in BOTH:
            for red in RED3:
                shp = rot(shapes, i)
                i += 1
                ins, extra = make(g.rng, shp, {"weight": kind})
                g.add(dt, ins, dict(extra, reduction=red), grad=["input", "target"],
                      tag="weight-" + kind)
    # log clamp at -100: input exactly 0 and 1
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.5, 1e-50])
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.3, 0.7, 0.5, 1.0])
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"input": x, "target": y}, {"reduction": red}, grad=["input"],
                  tag="clamp")
        g.add(dt, {"input": x, "target": y}, {"reduction": "none"}, grad=["input", "target"],
              tag="clamp-target-grad")
        g.add(dt, {"input": np.array([1e-30, 1 - 1e-7, 1e-45]),
                   "target": np.array([1.0, 0.0, 1.0])},
              {"reduction": "none"}, grad=["input"], tag="near-clamp")
        g.add(dt, {"input": x[:4], "target": y[:4]},
              {"reduction": "sum", "weight": np.array([2.0, 0.5, 0.0, 1.0])},
              grad=["input"], tag="clamp-weight")
    ins, _ = make(g.rng, (4,), {})
    for bad, tag in [(np.array([0.2, 1.5, 0.3, 0.4]), "input-above-1"),
                     (np.array([0.2, -0.1, 0.3, 0.4]), "input-below-0"),
                     (np.array([0.2, 0.5, float("nan"), 0.4]), "input-nan")]:
        for dt in BOTH:
            for red in (["mean", "none"] if tag == "input-nan" else ["mean"]):
                g.add(dt, {"input": bad, "target": ins["target"]}, {"reduction": red},
                      tag=tag, error=True)
    # one bad element among many: found by the vector loop (and by its overlapping tail)
    for at, tag in [(37, "input-above-1-in-vector"), (99, "input-above-1-in-tail")]:
        bad = np.full(100, 0.5)
        bad[at] = 1.0 + 1e-3
        for dt in BOTH:
            g.add(dt, {"input": bad, "target": np.full(100, 0.25)}, {"reduction": "sum"},
                  grad=["input"], tag=tag, error=True)
    for dt in BOTH:
        g.add(dt, {"input": np.array([0.0, 1.0, 0.5]), "target": np.array([0.0, 1.0, 0.5])},
              {"reduction": "none"}, grad=["input"], tag="input-at-bounds")
    invalid_common(g, make)
    return g


def gen_bce_logits():
    g = Gen("binary_cross_entropy_with_logits")

    def make(rng, shp, v):
        x = normal(rng, shp, 3.0)
        if rng.rand() < 0.5:
            y = rng.choice([0.0, 1.0], size=shp)
        else:
            y = r4(rng.uniform(0, 1, size=shp))
        extra = {}
        w = v.get("weight")
        if w == "full":
            extra["weight"] = r4(rng.uniform(0, 2, size=shp))
        elif w == "last":
            extra["weight"] = r4(rng.uniform(0, 2, size=shp[-1:]))
        pw = v.get("pos_weight")
        if pw == "last":
            extra["pos_weight"] = r4(rng.uniform(0.2, 4, size=shp[-1:]))
        elif pw == "one":
            extra["pos_weight"] = r4(rng.uniform(0.2, 4, size=(1,) if len(shp) else ()))
        return {"input": x, "target": y}, extra
    standard(g, make, ["input", "target"])
    i = 0
    for v, shapes in [({"weight": "full"}, [(7,), (4, 5), ()]),
                      ({"weight": "last"}, [(4, 5), (3, 17), (6,)]),
                      ({"pos_weight": "last"}, [(4, 5), (7,), (3, 17), ()]),
                      ({"pos_weight": "one"}, [(4, 5), (7,)]),
                      ({"weight": "last", "pos_weight": "last"}, [(4, 5), (2, 3, 4)])]:
        for dt in BOTH:
            for red in RED3:
                shp = rot(shapes, i)
                i += 1
                ins, extra = make(g.rng, shp, v)
                g.add(dt, ins, dict(extra, reduction=red), grad=["input", "target"],
                      tag="-".join("%s-%s" % kv for kv in v.items()).replace("_", ""))
    x = np.array([50.0, -50.0, 50.0, -50.0, 0.0, 100.0, -100.0, 20.0, -20.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.25, 0.75, 1.0, 0.0])
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"input": x, "target": y}, {"reduction": red}, grad=["input", "target"],
                  tag="large-logits")
        g.add(dt, {"input": x, "target": y},
              {"reduction": "sum", "pos_weight": np.full((9,), 3.0)},
              grad=["input", "target"], tag="large-logits-posweight")
    invalid_common(g, make)
    return g


def gen_kl_div():
    g = Gen("kl_div")
    reds = ["none", "mean", "sum", "batchmean"]

    def make(rng, shp, v):
        def logsm(a):
            if a.ndim == 0:
                return a * 0 + np.log(0.5)
            a = a - a.max(axis=-1, keepdims=True)
            return a - np.log(np.exp(a).sum(axis=-1, keepdims=True))
        x = r4(logsm(rng.normal(0, 1.5, size=shp)))
        lt = logsm(rng.normal(0, 1.5, size=shp))
        y = r4(lt) if v.get("log_target") else np.maximum(r4(np.exp(lt)), 1e-4)
        return {"input": x, "target": y}, {}
    standard(g, make, ["input", "target"], reductions=reds,
             variants=[{"log_target": True}, {"log_target": False}])
    # target 0 with log_target false (xlogy(0, 0) = 0); target grad there is NaN
    x = np.array([-1.0, -2.0, -0.5, -3.0, -0.1])
    y = np.array([0.0, 0.5, 0.0, 0.25, 0.25])
    for dt in BOTH:
        for red in reds:
            g.add(dt, {"input": x, "target": y}, {"reduction": red}, grad=["input"],
                  tag="target0")
        g.add(dt, {"input": x, "target": y}, {"reduction": "sum"}, grad=["input", "target"],
              tag="target0-targetgrad")
        g.add(dt, {"input": x, "target": np.array([-50.0, -1.0, 0.0, 2.0, -800.0])},
              {"reduction": "none", "log_target": True}, grad=["input", "target"],
              tag="logtarget-extreme")
        g.add(dt, {"input": np.array([0.3, -1.0, 2.0]), "target": np.array([1.5, 0.2, 3.0])},
              {"reduction": "none"}, grad=["input", "target"], tag="unnormalised")
    invalid_common(g, make)
    return g


def gen_poisson_nll():
    g = Gen("poisson_nll_loss")

    def make(rng, shp, v):
        if v.get("log_input", True):
            x = normal(rng, shp, 1.0)
        else:
            x = r4(rng.uniform(0.01, 5, size=shp))
        y = rng.poisson(2.0, size=shp).astype(float)
        if rng.rand() < 0.3:
            y = r4(rng.uniform(0, 4, size=shp))
        return {"input": x, "target": y}, {}
    variants = [{"log_input": False}, {"full": True}, {"log_input": False, "full": True},
                {"log_input": False, "eps": 0.01}, {"log_input": False, "eps": 1e-3,
                                                     "full": True}]
    standard(g, make, ["input"], variants=variants)
    # Stirling term applies only where target > 1
    y = np.array([0.0, 0.5, 1.0, 1.0001, 2.0, 3.5, 10.0, 100.0])
    for dt in BOTH:
        for li in [True, False]:
            x = np.array([0.1, -0.5, 0.0, 1.0, 0.7, 1.2, 2.3, 4.6]) if li else \
                np.array([0.1, 0.5, 1.0, 1.0, 2.0, 3.0, 9.0, 120.0])
            for red in RED3:
                g.add(dt, {"input": x, "target": y},
                      {"log_input": li, "full": True, "reduction": red}, grad=["input"],
                      tag="stirling")
        g.add(dt, {"input": np.array([0.0, 0.0, 1e-9]), "target": np.array([0.0, 1.0, 2.0])},
              {"log_input": False, "reduction": "none"}, grad=["input"], tag="zero-rate")
        g.add(dt, {"input": np.array([0.0, 0.0, 0.5]), "target": np.array([0.0, 1.0, 2.0])},
              {"log_input": False, "eps": 0.0, "reduction": "none"}, grad=["input"],
              tag="zero-rate-eps0")
        g.add(dt, {"input": np.array([30.0, -30.0, 5.0]), "target": np.array([3.0, 0.0, 7.0])},
              {"reduction": "none"}, grad=["input"], tag="large-log-rate")
    invalid_common(g, make)
    return g


def gen_gaussian_nll():
    g = Gen("gaussian_nll_loss")

    def make(rng, shp, v):
        vs = v.get("var_shape", "same")
        if vs == "same":
            vshape = shp
        elif vs == "drop":
            vshape = shp[:-1]
        else:  # "one": last dim 1
            vshape = shp[:-1] + (1,)
        return {"input": normal(rng, shp, 1.5), "target": normal(rng, shp),
                "var": r4(rng.uniform(0.05, 3, size=vshape))}, {}
    grads = ["input", "target", "var"]
    standard(g, make, grads, variants=[{"full": True}, {"eps": 0.1}, {"full": True, "eps": 1e-3}])
    i = 0
    for vs, shapes in [("drop", [(4, 5), (7,), (2, 3, 4)]), ("one", [(4, 5), (7,), (3, 17)])]:
        for dt in BOTH:
            for red in RED3:
                shp = rot(shapes, i)
                i += 1
                ins, _ = make(g.rng, shp, {"var_shape": vs})
                g.add(dt, ins, {"reduction": red}, grad=grads, tag="var-" + vs)
    x = np.array([0.5, -1.0, 2.0, 0.0, 1.0, 3.0])
    y = np.array([0.0, 0.0, 1.0, 0.0, 1.0, -1.0])
    var = np.array([1e-8, 0.0, 1e-6, 5e-7, 0.05, 2.0])
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"input": x, "target": y, "var": var}, {"reduction": red}, grad=grads,
                  tag="var-below-eps")
        g.add(dt, {"input": x, "target": y, "var": var},
              {"reduction": "none", "eps": 0.1, "full": True}, grad=grads, tag="var-below-eps")
    for dt in BOTH:
        g.add(dt, {"input": x, "target": y, "var": np.array([1.0, -0.5, 1.0, 1.0, 1.0, 1.0])},
              {"reduction": "mean"}, tag="negative-var", error=True)
        g.add(dt, {"input": x, "target": y, "var": np.array([1.0, 0.5, 1.0, 1.0, 1.0, -1e-30])},
              {"reduction": "sum"}, tag="tiny-negative-var", error=True)
        # -0.0 is not negative and NaN compares false: PyTorch accepts both (NaN propagates)
        g.add(dt, {"input": x, "target": y, "var": np.array([1.0, -0.0, 1.0, 1.0, 1.0, 1.0])},
              {"reduction": "none"}, tag="minus-zero-var")
        g.add(dt, {"input": x, "target": y, "var": np.array([1.0, float("nan"), 1.0, 1.0, 1.0, 1.0])},
              {"reduction": "none"}, tag="nan-var")
    g.add("float64", {"input": np.zeros((4, 5)), "target": np.zeros((4, 5)),
                      "var": np.ones((4, 3))}, {"reduction": "mean"}, tag="bad-var-shape",
          error=True)
    invalid_common(g, make, mismatch=False)
    g.add("float64", {"input": np.zeros(4), "target": np.zeros(3), "var": np.ones(4)},
          {"reduction": "mean"}, tag="bad-shape", error=True)
    return g


def gen_margin_ranking():
    g = Gen("margin_ranking_loss")

    def make(rng, shp, v):
        return {"input1": normal(rng, shp), "input2": normal(rng, shp),
                "target": pm1(rng, shp)}, {}
    standard(g, make, ["input1", "input2"], shapes=[(7,), (2,), (33,), (1,), (), (4,)],
             variants=[{"margin": 0.5}, {"margin": 1.0}, {"margin": -0.25}])
    a = np.array([1.0, 0.5, 2.0, -1.0, 0.0, 0.25])
    b = np.array([0.5, 1.0, 1.5, -1.0, 0.5, 0.25])
    t = np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    for dt in BOTH:
        for m in [0.0, 0.5]:
            g.add(dt, {"input1": a, "input2": b, "target": t}, {"margin": m, "reduction": "none"},
                  grad=["input1", "input2"], tag="ties")
    g.add("float64", {"input1": np.zeros(4), "input2": np.zeros(4), "target": np.ones((1, 4))},
          {"reduction": "mean"}, tag="bad-dims", error=True)
    invalid_common(g, make, mismatch=False)
    g.add("float64", {"input1": np.zeros(4), "input2": np.zeros(3), "target": np.ones(4)},
          {"reduction": "mean"}, tag="bad-shape", error=True)
    return g


def gen_hinge_embedding():
    g = Gen("hinge_embedding_loss")

    def make(rng, shp, v):
        return {"input": r4(np.abs(rng.normal(0, 1.2, size=shp))),
                "target": pm1(rng, shp)}, {}
    standard(g, make, ["input"],
             variants=[{"margin": 0.5}, {"margin": 2.0}, {"margin": 0.0}])
    x = np.array([0.0, 1.0, 0.5, 2.0, -0.5, 1.5])
    t = np.array([-1.0, -1.0, -1.0, -1.0, 1.0, 1.0])
    for dt in BOTH:
        for m in [1.0, 0.5]:
            g.add(dt, {"input": x, "target": t}, {"margin": m, "reduction": "none"},
                  grad=["input"], tag="at-margin")
    invalid_common(g, make)
    return g


def gen_soft_margin():
    g = Gen("soft_margin_loss")

    def make(rng, shp, v):
        return {"input": normal(rng, shp, 2.0), "target": pm1(rng, shp)}, {}
    standard(g, make, ["input"])
    x = np.array([30.0, -30.0, 0.0, 15.0, -15.0, 1e-6])
    t = np.array([1.0, 1.0, -1.0, -1.0, -1.0, 1.0])
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"input": x, "target": t}, {"reduction": red}, grad=["input"],
                  tag="large")
    invalid_common(g, make)
    return g


def gen_sigmoid_focal():
    g = Gen("sigmoid_focal_loss")

    def make(rng, shp, v):
        x = normal(rng, shp, 2.5)
        if rng.rand() < 0.6:
            y = rng.choice([0.0, 1.0], size=shp, p=[0.7, 0.3])
        else:
            y = r4(rng.uniform(0, 1, size=shp))
        return {"inputs": x, "targets": y}, {}
    grads = ["inputs", "targets"]
    standard(g, make, grads,
             variants=[{"alpha": -1.0}, {"alpha": 0.5}, {"alpha": 0.9}, {"gamma": 0.0},
                       {"gamma": 1.0}, {"gamma": 3.5}, {"alpha": -1.0, "gamma": 0.0},
                       {"alpha": 0.0, "gamma": 1.5}])
    x = np.array([50.0, -50.0, 50.0, -50.0, 0.0, 20.0, -20.0, 100.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 1.0, 0.0, 0.3])
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"inputs": x, "targets": y}, {"reduction": red}, grad=grads,
                  tag="large-logits")
        g.add(dt, {"inputs": x, "targets": y}, {"alpha": -1.0, "gamma": 1.0, "reduction": "none"},
              grad=grads, tag="large-logits")
        g.add(dt, {"inputs": x, "targets": y}, {"gamma": 0.0, "reduction": "sum"},
              grad=grads, tag="large-logits")
    invalid_common(g, make, torch_reduction_check=False)
    return g


def gen_tukey():
    g = Gen("tukey_biweight_loss")

    def make(rng, shp, v):
        return {"input": normal(rng, shp, 4.0), "target": normal(rng, shp)}, {}
    standard(g, make, ["input"], variants=[{"c": 1.0}, {"c": 2.5}, {"c": 10.0}])
    x = np.array([4.685, -4.685, 5.0, -6.0, 0.0, 2.0, 1.0, 100.0])
    y = np.zeros(8)
    x1 = np.array([1.0, -1.0, 1.5, 0.5, 3.0, -0.25])
    for dt in BOTH:
        g.add(dt, {"input": x, "target": y}, {"reduction": "none"}, grad=["input"], tag="at-c")
        g.add(dt, {"input": x1, "target": np.zeros(6)}, {"c": 1.0, "reduction": "sum"},
              grad=["input"], tag="at-c")
    invalid_common(g, make)
    return g


def gen_rowloss(name, make, grads, variants=(), edges=(), reductions=RED3, red_check=True):
    g = Gen(name)
    standard(g, make, grads, variants=variants, shapes=ROW_SHAPES, scalar=False,
             reductions=reductions, row=True, gradout=red_check)
    for tag, ins, opts, eg in edges:
        for dt in BOTH:
            reds = [opts["reduction"]] if "reduction" in opts else reductions
            for red in reds:
                g.add(dt, ins, dict(opts, reduction=red), grad=eg if eg is not None else grads,
                      tag=tag)
    invalid_common(g, make, torch_reduction_check=red_check)
    if True:
        ins, _ = make(g.rng, (2, 2, 3), {})
        g.add("float64", ins, {"reduction": "mean"}, tag="3d", error=True)
    return g


def gen_log_cosh():
    def make(rng, shp, v):
        return {"y_pred": normal(rng, shp, 2.0), "y_true": normal(rng, shp)}, {}
    d = np.array([[0.0, 1e-8, -1e-8, 0.5, 15.0, -15.0], [30.0, -30.0, 400.0, -400.0, 1.0, 2.0]])
    return gen_rowloss("log_cosh", make, ["y_pred", "y_true"], edges=[
        ("extreme", {"y_pred": d, "y_true": np.zeros_like(d)}, {}, None)])


def gen_msle():
    def make(rng, shp, v):
        return {"y_pred": r4(rng.exponential(2.0, size=shp)),
                "y_true": r4(rng.exponential(2.0, size=shp))}, {}
    p = np.array([[0.0, 1.0, 0.0, -0.5, 1e-9, 3.0], [2.0, 0.0, -1.0, 0.5, 1e-7, 1e-3]])
    t = np.array([[0.0, 0.0, 1.0, 2.0, 0.0, -1.0], [2.0, 5.0, 0.0, 1e-9, 1e-7, 0.0]])
    return gen_rowloss("mean_squared_logarithmic_error", make, ["y_pred"],
                       variants=[{"eps": 1e-3}, {"eps": 0.5}], edges=[
                           ("zeros-negatives", {"y_pred": p, "y_true": t}, {}, None),
                           ("zeros-negatives", {"y_pred": p, "y_true": t},
                            {"eps": 0.25, "reduction": "none"}, None)])


def gen_mape():
    def make(rng, shp, v):
        return {"y_pred": normal(rng, shp, 2.0), "y_true": normal(rng, shp, 2.0)}, {}
    p = np.array([[0.0, 1.0, 0.5, -0.5, 2.0, 3.0], [2.0, 0.0, -1.0, 0.5, 1e-3, 4.0]])
    t = np.array([[0.0, 0.0, 0.5, 2.0, 1e-9, -1.0], [2.0, 5.0, 0.0, -0.5, 1e-3, 0.0]])
    return gen_rowloss("mean_absolute_percentage_error", make, ["y_pred"],
                       variants=[{"eps": 1e-3}, {"eps": 1.0}], edges=[
                           ("zeros-ties", {"y_pred": p, "y_true": t}, {}, None),
                           ("zeros-ties", {"y_pred": p, "y_true": t},
                            {"eps": 0.01, "reduction": "none"}, None)])


def gen_hinge(name):
    def make(rng, shp, v):
        if rng.rand() < 0.5:
            y = pm1(rng, shp)
        else:
            y = rng.choice([0.0, 1.0], size=shp)
        return {"y_pred": normal(rng, shp, 1.5), "y_true": y}, {}
    p = np.array([[1.0, -1.0, 0.5, 2.0, 0.0, -3.0], [1.0, -1.0, 0.5, 2.0, 0.0, -3.0]])
    pm = np.array([[1.0, -1.0, -1.0, 1.0, 1.0, -1.0], [-1.0, 1.0, 1.0, -1.0, -1.0, 1.0]])
    zo = (pm + 1) / 2
    return gen_rowloss(name, make, ["y_pred"], edges=[
        ("kink-pm1", {"y_pred": p, "y_true": pm}, {}, None),
        ("kink-01", {"y_pred": p, "y_true": zo}, {}, None),
        ("all-zero-labels", {"y_pred": p[0], "y_true": np.zeros(6)}, {"reduction": "mean"},
         None)])


def gen_poisson():
    def make(rng, shp, v):
        return {"y_pred": r4(rng.exponential(2.0, size=shp)),
                "y_true": rng.poisson(2.0, size=shp).astype(float)}, {}
    p = np.array([[0.0, 0.0, 1.0, 1e-9, 5.0], [2.0, 0.5, 1e-7, 0.0, 10.0]])
    t = np.array([[0.0, 1.0, 0.0, 3.0, 5.0], [2.0, 0.0, 1.0, 2.0, 0.5]])
    return gen_rowloss("poisson", make, ["y_pred"], variants=[{"eps": 1e-3}, {"eps": 0.0}],
                       edges=[("zeros", {"y_pred": p, "y_true": t}, {}, None),
                              ("negative-pred-nan",
                               {"y_pred": np.array([[1.0, -0.5], [1.0, 2.0]]),
                                "y_true": np.array([[1.0, 2.0], [1.0, 1.0]])},
                               {"reduction": "none"}, None)])


def gen_rmse():
    def make(rng, shp, v):
        return {"input": normal(rng, shp, 1.5), "target": normal(rng, shp)}, {}
    return gen_rowloss("rmse", make, ["input", "target"], edges=[
        ("equal-nograd", {"input": np.array([1.0, 2.0]), "target": np.array([1.0, 2.0])},
         {"reduction": "mean"}, []),
        ("one-diff", {"input": np.array([[1.0, 2.0], [3.0, 4.0]]),
                      "target": np.array([[1.0, 2.0], [3.0, 5.0]])}, {}, None)],
        red_check=False)


PHASE1 = {
    "l1_loss": lambda: gen_l1_mse("l1_loss"),
    "mse_loss": lambda: gen_l1_mse("mse_loss"),
    "smooth_l1_loss": gen_smooth_l1,
    "huber_loss": gen_huber,
    "binary_cross_entropy": gen_bce,
    "binary_cross_entropy_with_logits": gen_bce_logits,
    "kl_div": gen_kl_div,
    "poisson_nll_loss": gen_poisson_nll,
    "gaussian_nll_loss": gen_gaussian_nll,
    "margin_ranking_loss": gen_margin_ranking,
    "hinge_embedding_loss": gen_hinge_embedding,
    "soft_margin_loss": gen_soft_margin,
    "sigmoid_focal_loss": gen_sigmoid_focal,
    "tukey_biweight_loss": gen_tukey,
    "log_cosh": gen_log_cosh,
    "mean_squared_logarithmic_error": gen_msle,
    "mean_absolute_percentage_error": gen_mape,
    "hinge": lambda: gen_hinge("hinge"),
    "squared_hinge": lambda: gen_hinge("squared_hinge"),
    "poisson": gen_poisson,
    "rmse": gen_rmse,
}

# --------------------------------------------------------------------------------------
# Phase 2 losses
# --------------------------------------------------------------------------------------

def np_softmax(a, axis):
    a = a - a.max(axis=axis, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=axis, keepdims=True)


def class_dim(shp):
    return 0 if len(shp) == 1 else 1


def target_shape(shp):
    return () if len(shp) == 1 else (shp[0],) + tuple(shp[2:])


CLASS_SHAPES = [(4, 5), (3, 7), (5,), (2, 3, 4, 2), (1, 3), (6, 4), (2, 4, 3), (8, 10)]


def make_class(rng, shp, v, log_probs=False):
    C = shp[class_dim(shp)]
    x = rng.normal(0, 2.0, size=shp)
    if log_probs:
        x = np.log(np_softmax(x, class_dim(shp)))
    x = r4(x)
    if v.get("_prob"):
        t = r4(np_softmax(rng.normal(0, 1.5, size=shp), class_dim(shp)))
    else:
        t = np.asarray(rng.randint(0, C, size=target_shape(shp)), dtype=np.int64)
        if v.get("_ignore"):
            ig = v.get("ignore_index", -100)
            mask = rng.rand(*t.shape) < 0.35
            t = np.where(mask, ig, t).astype(np.int64)
    extra = {}
    if v.get("_weight"):
        extra["weight"] = r4(rng.uniform(0.1, 2.0, size=(C,)))
    return {"input": x, "target": t}, extra


def gen_class_loss(name):
    g = Gen(name)
    ce = name == "cross_entropy"

    def make(rng, shp, v):
        return make_class(rng, shp, v, log_probs=not ce)
    variants = [{"_weight": True}, {"ignore_index": 1, "_ignore": True}, {"_ignore": True},
                {"_ignore": True, "_weight": True},
                {"ignore_index": 0, "_ignore": True, "_weight": True}]
    if ce:
        variants += [{"label_smoothing": 0.1}, {"label_smoothing": 0.3, "_weight": True},
                     {"label_smoothing": 0.15, "_ignore": True, "_weight": True},
                     {"_prob": True}, {"_prob": True, "_weight": True},
                     {"_prob": True, "label_smoothing": 0.2},
                     {"_prob": True, "label_smoothing": 0.1, "_weight": True}]
    standard(g, make, ["input"], variants=variants, shapes=CLASS_SHAPES,
             out_shape=target_shape, gradout_shapes=[(4, 5), (2, 3, 4, 2), (5,)],
             big_shapes=((64, 10), (8, 6, 5, 4)), nograd_shapes=((4, 5), (3, 4), (2, 6)))
    # all targets ignored: mean is 0/0 = NaN
    t_ign = np.array([-100, -100, -100], dtype=np.int64)
    x = r4(g.rng.normal(0, 2, size=(3, 5)))
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"input": x, "target": t_ign}, {"reduction": red}, grad=["input"],
                  tag="all-ignored")
            if ce:
                g.add(dt, {"input": x, "target": t_ign},
                      {"reduction": red, "label_smoothing": 0.2}, grad=["input"],
                      tag="all-ignored")
        g.add(dt, {"input": x[0], "target": np.array(2, dtype=np.int64)},
              {"reduction": "mean", "ignore_index": 2, "weight": np.array([1.0, 2, 3, 4, 5])},
              grad=["input"], tag="scalar-ignored")
        # weights of the hit classes sum to 0: mean is NaN
        for red in ["mean", "sum"]:
            g.add(dt, {"input": x, "target": np.array([0, 1, 0], dtype=np.int64)},
                  {"reduction": red, "weight": np.array([0.0, 0.0, 1.0, 1.0, 1.0])},
                  grad=["input"], tag="zero-weights")
        big = np.array([[1000.0, -1000.0, 0.0, 5.0], [-50.0, 50.0, 50.0, 0.0],
                        [0.0, 0.0, 0.0, 0.0]])
        if not ce:
            big = np.array([[0.0, -2000.0, -1.0, -5.0], [-100.0, 0.0, -0.5, -1e-9],
                            [-1.3863, -1.3863, -1.3863, -1.3863]])
        g.add(dt, {"input": big, "target": np.array([1, 2, 3], dtype=np.int64)},
              {"reduction": "none"}, grad=["input"], tag="extreme")
        if ce:
            g.add(dt, {"input": big, "target": np.array([1, 2, 3], dtype=np.int64)},
                  {"reduction": "mean", "label_smoothing": 1.0}, grad=["input"],
                  tag="extreme")
            g.add(dt, {"input": big, "target": np.array([[0.0, 1.0, 0.0, 0.0],
                                                         [0.5, 0.0, 0.5, 0.0],
                                                         [0.25, 0.25, 0.25, 0.25]])},
                  {"reduction": "sum"}, grad=["input"], tag="extreme-prob")
    # invalid
    x = r4(g.rng.normal(0, 1, size=(3, 5)))
    bad = [("target-out-of-range", x, np.array([0, 5, 1]), {}),
           ("target-negative", x, np.array([0, -1, 1]), {}),
           ("target-batch", x, np.array([0, 1]), {}),
           ("spatial-target-shape", r4(g.rng.normal(0, 1, size=(2, 3, 4))),
            np.array([[0, 1, 2], [1, 1, 1]]), {})]
    if ce:
        bad += [("smoothing-above-1", x, np.array([0, 1, 1]), {"label_smoothing": 1.5}),
                ("smoothing-infinite", x, np.array([0, 1, 1]), {"label_smoothing": float("inf")})]
        # PyTorch smooths only with a positive label_smoothing (and checks it only then): a negative or NaN one is
        # no smoothing; probability targets take ignore_index when it is negative and refuse it otherwise
        probs = np.array([[0.1, 0.2, 0.3, 0.4, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0], [0.2, 0.2, 0.2, 0.2, 0.2]])
        for dt in BOTH:
            for ls in [-0.1, float("nan")]:
                g.add(dt, {"input": x, "target": np.array([0, 1, 4], dtype=np.int64)},
                      {"reduction": "mean", "label_smoothing": ls}, grad=["input"], tag="smoothing-not-positive")
                g.add(dt, {"input": x, "target": probs},
                      {"reduction": "mean", "label_smoothing": ls}, grad=["input"], tag="prob-smoothing-not-positive")
            for ii in [-1, -100]:
                g.add(dt, {"input": x, "target": probs}, {"reduction": "sum", "ignore_index": ii},
                      grad=["input"], tag="prob-ignore-index")
        for ii in [0, 3]:
            g.add("float64", {"input": x, "target": probs}, {"reduction": "mean", "ignore_index": ii},
                  tag="prob-ignore-index-refused", error=True)
        g.add("float64", {"input": x, "target": probs}, {"reduction": "mean", "label_smoothing": 1.5},
              tag="prob-smoothing-above-1", error=True)
    for tag, xi, ti, opts in bad:
        g.add("float64", {"input": xi, "target": np.asarray(ti, dtype=np.int64)},
              dict(opts, reduction="mean"), tag=tag, error=True)
    g.add("float32", {"input": x, "target": np.array([0, 5, 1], dtype=np.int64)},
          {"reduction": "sum"}, tag="target-out-of-range", error=True)
    g.add("float64", {"input": x, "target": np.array([0, 1, 1], dtype=np.int64)},
          {"reduction": "mean", "weight": np.ones(4)}, tag="weight-size", error=True)
    if ce:
        g.add("float64", {"input": x, "target": np.full((3, 4), 0.25)}, {"reduction": "mean"},
              tag="prob-target-shape", error=True)
        g.add("float64", {"input": x, "target": np.array([0.0, 1.0, 1.0])},
              {"reduction": "mean"}, tag="float-index-target", error=True)
    ins, _ = make(g.rng, (3, 5), {})
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True,
          loss=name + "_nope")
    g.add("float64", ins, {"reduction": "average"}, tag="bad-reduction", error=True)
    return g


MC_SHAPES = [(4, 5), (3, 7), (5,), (1, 3), (6, 4), (8, 10), (2, 2)]


def mc_out(shp):
    return shp[:-1]


def gen_multi_margin():
    g = Gen("multi_margin_loss")

    def make(rng, shp, v):
        ins, extra = make_class(rng, shp, v)
        ins["input"] = r4(ins["input"] / 3)
        return ins, extra
    standard(g, make, ["input"], shapes=MC_SHAPES, out_shape=mc_out,
             variants=[{"p": 2}, {"margin": 0.5}, {"margin": 2.0}, {"_weight": True},
                       {"p": 2, "margin": 0.3, "_weight": True}, {"margin": 0.0},
                       {"p": 1, "_weight": True}],
             gradout_shapes=[(4, 5), (5,)], big_shapes=((64, 10), (32, 33)),
             nograd_shapes=((4, 5), (3, 4), (2, 6)))
    x = np.array([[1.0, 0.0, 0.5, 2.0], [0.25, 1.25, -0.75, 0.25]])
    t = np.array([0, 1], dtype=np.int64)
    for dt in BOTH:
        for p in [1, 2]:
            g.add(dt, {"input": x, "target": t}, {"reduction": "none", "p": p}, grad=["input"],
                  tag="at-margin")
        # a non-finite score at the target's column makes every term's test fail (PyTorch skips them): loss 0, and a
        # NaN or infinite score elsewhere drops or keeps that one term
        xn = np.array([["nan", 0.0, 0.5, 2.0], [0.25, "inf", -0.75, 0.25], [0.5, "nan", 0.25, 1.0]], dtype=float)
        for p in [1, 2]:
            g.add(dt, {"input": xn, "target": np.array([0, 1, 0], dtype=np.int64)}, {"reduction": "none", "p": p},
                  grad=["input"], tag="non-finite-input")
    # the shapes of multi_margin_loss_shape_check: input (), (C) or (N, C); a target of rank 0 or 1 holding N indices,
    # whose rank is the unreduced output's
    row = np.array([0.1, 0.5, -0.3, 0.2])
    for dt in BOTH:
        for xi, ti, tag in [(row, np.array([2]), "unbatched-1d-target"),
                            (row[None], np.array(2), "one-row-0d-target"),
                            (row, np.array(2), "unbatched-0d-target"),
                            (np.array(0.5), np.array(0), "scalar-input"),
                            (np.array(0.5), np.array([0]), "scalar-input-1d-target")]:
            for red in ["none", "mean"]:
                g.add(dt, {"input": xi, "target": np.asarray(ti, dtype=np.int64)},
                      {"reduction": red}, grad=["input"], tag=tag)
    for xi, ti, tag in [(np.zeros(0), np.array(0), "empty-input"),
                        (np.zeros((2, 0)), np.array([0, 0]), "no-classes"),
                        (np.zeros(3), np.array([0, 1]), "unbatched-two-targets"),
                        (np.zeros((2, 3)), np.array(1), "batch-0d-target"),
                        (np.zeros((2, 3)), np.array([[1, 1]]), "batch-2d-target"),
                        (np.zeros((1, 2, 4)), np.array([[1, 1]]), "3d-input")]:
        g.add("float64", {"input": xi, "target": np.asarray(ti, dtype=np.int64)},
              {"reduction": "none"}, tag=tag, error=True)
    x = r4(g.rng.normal(0, 1, size=(3, 5)))
    for tag, ti, opts in [("p3", [0, 1, 2], {"p": 3}),
                          ("p0", [0, 1, 2], {"p": 0}),
                          ("target-out-of-range", [0, 5, 1], {}),
                          ("target-negative", [0, -1, 1], {}),
                          ("target-batch", [0, 1], {})]:
        g.add("float64", {"input": x, "target": np.array(ti, dtype=np.int64)},
              dict(opts, reduction="mean"), tag=tag, error=True)
    ins, _ = make(g.rng, (3, 5), {})
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True,
          loss="multi_margin_loss_nope")
    g.add("float64", ins, {"reduction": "average"}, tag="bad-reduction", error=True)
    return g


def gen_multilabel_margin():
    g = Gen("multilabel_margin_loss")

    def make(rng, shp, v):
        C = shp[-1]
        x = r4(rng.normal(0, 1.0, size=shp))
        rows = []
        for _ in range(int(np.prod(shp[:-1]))):
            k = rng.randint(0, C + 1)
            perm = list(rng.permutation(C)[:k])
            if k < C:
                perm += [-1] + list(rng.randint(0, C, size=C - k - 1))
            rows.append(perm)
        t = np.array(rows, dtype=np.int64).reshape(shp)
        return {"input": x, "target": t}, {}
    standard(g, make, ["input"], shapes=MC_SHAPES, out_shape=mc_out, n_base=5,
             gradout_shapes=[(4, 5), (5,)], big_shapes=((64, 10), (32, 33)),
             nograd_shapes=((4, 5), (3, 4), (2, 6)))
    x = np.array([[1.0, 0.0, 0.5, 2.0], [0.25, 1.25, -0.75, 0.25], [0.1, 0.2, 0.3, 0.4],
                  [0.1, 0.2, 0.3, 0.4]])
    t = np.array([[0, -1, 3, 3], [1, 3, -1, 0], [-1, 0, 1, 2], [3, 2, 1, 0]], dtype=np.int64)
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"input": x, "target": t}, {"reduction": red}, grad=["input"],
                  tag="at-margin")
    x = r4(g.rng.normal(0, 1, size=(3, 5)))
    for tag, ti in [("target-out-of-range", [[0, 5, -1, 0, 0]] * 3),
                    ("target-shape", [[0, 1, -1, 0, 0]] * 2)]:
        g.add("float64", {"input": x, "target": np.array(ti, dtype=np.int64)},
              {"reduction": "mean"}, tag=tag, error=True)
    ins, _ = make(g.rng, (3, 5), {})
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True,
          loss="multilabel_margin_loss_nope")
    g.add("float64", ins, {"reduction": "average"}, tag="bad-reduction", error=True)
    return g


def gen_multilabel_soft_margin():
    g = Gen("multilabel_soft_margin_loss")

    def make(rng, shp, v):
        x = normal(rng, shp, 2.0)
        if rng.rand() < 0.6:
            y = rng.choice([0.0, 1.0], size=shp)
        else:
            y = r4(rng.uniform(0, 1, size=shp))
        extra = {}
        if v.get("_weight"):
            extra["weight"] = r4(rng.uniform(0.1, 2.0, size=shp[-1:]))
        return {"input": x, "target": y}, extra
    standard(g, make, ["input"], shapes=MC_SHAPES, out_shape=mc_out,
             variants=[{"_weight": True}],
             gradout_shapes=[(4, 5), (5,)], big_shapes=((64, 10), (32, 33)),
             nograd_shapes=((4, 5), (3, 4), (2, 6)))
    x = np.array([[50.0, -50.0, 100.0, -100.0], [0.0, 20.0, -20.0, 1e-6]])
    y = np.array([[1.0, 0.0, 0.0, 1.0], [0.5, 1.0, 1.0, 0.0]])
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"input": x, "target": y}, {"reduction": red}, grad=["input"],
                  tag="large-logits")
    invalid_common(g, make, shapes=((3, 4), (3, 5)))
    return g


def gen_triplet():
    g = Gen("triplet_margin_loss")

    def make(rng, shp, v):
        a = normal(rng, shp)
        return {"anchor": a, "positive": r4(a + rng.normal(0, 0.7, size=shp)),
                "negative": normal(rng, shp)}, {}
    grads = ["anchor", "positive", "negative"]
    standard(g, make, grads, shapes=MC_SHAPES, out_shape=mc_out,
             variants=[{"margin": 0.5}, {"margin": 2.0}, {"margin": 0.0}, {"p": 1.0},
                       {"p": 3.0}, {"eps": 1e-3}, {"swap": True},
                       {"swap": True, "p": 1.0, "margin": 0.3}],
             gradout_shapes=[(4, 5), (5,)], big_shapes=((64, 10), (32, 33)),
             nograd_shapes=((4, 5), (3, 4), (2, 6)))
    a = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1.0, -1.0, 0.5]])
    for dt in BOTH:
        for opts in [{"reduction": "none"}, {"reduction": "mean", "swap": True},
                     {"reduction": "sum", "p": 1.0}]:
            g.add(dt, {"anchor": a, "positive": a.copy(), "negative": a[::-1].copy()},
                  opts, grad=grads, tag="coincident")
    x = r4(g.rng.normal(0, 1, size=(4, 5)))
    g.add("float64", {"anchor": x, "positive": x[0], "negative": x}, {"reduction": "mean"},
          tag="bad-dims", error=True)
    invalid_common(g, make, shapes=((3, 5), (4, 5)))
    return g


def gen_cosine_embedding():
    g = Gen("cosine_embedding_loss")

    def make(rng, shp, v):
        return {"input1": normal(rng, shp), "input2": normal(rng, shp),
                "target": pm1(rng, shp[:-1])}, {}
    grads = ["input1", "input2"]
    standard(g, make, grads, shapes=MC_SHAPES, out_shape=mc_out,
             variants=[{"margin": 0.5}, {"margin": -0.3}, {"margin": 0.9}],
             gradout_shapes=[(4, 5), (5,)], big_shapes=((64, 10), (32, 33)),
             nograd_shapes=((4, 5), (3, 4), (2, 6)))
    a = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1.0, -1.0, 0.5], [1.0, 0.0, 0.0],
                  [1e-8, 0.0, 0.0]])
    b = np.array([[2.0, 4.0, 6.0], [1.0, 2.0, 3.0], [-1.0, 1.0, -0.5], [0.0, 1.0, 0.0],
                  [1e-8, 0.0, 0.0]])
    for dt in BOTH:
        for t in [1.0, -1.0]:
            g.add(dt, {"input1": a, "input2": b, "target": np.full(5, t)},
                  {"reduction": "none"}, grad=grads, tag="special-%+d" % t)
        g.add(dt, {"input1": a, "input2": b, "target": np.full(5, -1.0)},
              {"reduction": "mean", "margin": 0.5}, grad=grads, tag="special")
    x = r4(g.rng.normal(0, 1, size=(4, 5)))
    g.add("float64", {"input1": x, "input2": x, "target": np.ones(3)}, {"reduction": "mean"},
          tag="target-batch", error=True)
    g.add("float64", {"input1": x, "input2": x[:, :3], "target": np.ones(4)},
          {"reduction": "mean"}, tag="bad-shape", error=True)
    ins, _ = make(g.rng, (3, 5), {})
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True,
          loss="cosine_embedding_loss_nope")
    g.add("float64", ins, {"reduction": "average"}, tag="bad-reduction", error=True)
    return g


def gen_categorical_hinge():
    def make(rng, shp, v):
        C = shp[-1]
        y = np.eye(C)[rng.randint(0, C, size=shp[:-1])]
        return {"y_pred": normal(rng, shp, 1.5), "y_true": y}, {}
    x = np.array([[3.0, -1.0, -2.0], [-1.0, -2.0, -3.0], [0.5, 0.25, 0.0], [1.0, 2.0, 0.0]])
    y = np.array([[1.0, 0, 0], [1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    return gen_rowloss("categorical_hinge", make, ["y_pred"], edges=[
        ("special", {"y_pred": x, "y_true": y}, {}, None)])


def gen_cosine_similarity():
    def make(rng, shp, v):
        return {"y_pred": normal(rng, shp), "y_true": normal(rng, shp)}, {}
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1e-13, 0.0, 0.0], [1.0, 0.0, 0.0]])
    y = np.array([[2.0, 4.0, 6.0], [1.0, 2.0, 3.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    return gen_rowloss("cosine_similarity", make, ["y_pred", "y_true"],
                       variants=[{"eps": 0.5}, {"eps": 1e-6}], edges=[
                           ("special", {"y_pred": x, "y_true": y}, {}, None),
                           ("special", {"y_pred": x, "y_true": y},
                            {"eps": 1.0, "reduction": "none"}, None)])


def gen_softmax_focal():
    g = Gen("softmax_focal_loss")
    shapes = [(4, 5), (3, 7), (1, 3), (6, 4), (8, 10), (2, 2)]

    def make(rng, shp, v):
        ins, _ = make_class(rng, shp, {})
        extra = {}
        if v.get("_alpha"):
            extra["alpha"] = r4(rng.uniform(0.1, 1.0, size=shp[-1:]))
        return ins, extra
    standard(g, make, ["input"], shapes=shapes, out_shape=mc_out,
             variants=[{"gamma": 0.0}, {"gamma": 1.0}, {"gamma": 0.5}, {"gamma": 3.5},
                       {"_alpha": True}, {"_alpha": True, "gamma": 0.0},
                       {"_alpha": True, "gamma": 1.5}],
             gradout_shapes=[(4, 5), (1, 3)], big_shapes=((64, 10), (32, 33)),
             nograd_shapes=((4, 5), (3, 4), (2, 6)))
    x = np.array([[50.0, 0.0, -50.0], [0.0, 30.0, 0.0], [0.0, 0.0, 0.0], [-20.0, 20.0, 0.0]])
    t = np.array([0, 0, 2, 1], dtype=np.int64)
    for dt in BOTH:
        for opts in [{"reduction": "none"}, {"reduction": "mean", "gamma": 1.0},
                     {"reduction": "sum", "gamma": 0.0,
                      "alpha": np.array([0.25, 0.5, 1.0])}]:
            g.add(dt, {"input": x, "target": t}, opts, grad=["input"], tag="large-logits")
    x = r4(g.rng.normal(0, 1, size=(3, 5)))
    for tag, xi, ti, opts in [("target-out-of-range", x, [0, 5, 1], {}),
                              ("target-negative", x, [0, -1, 1], {}),
                              ("target-batch", x, [0, 1], {}),
                              ("alpha-size", x, [0, 1, 2], {"alpha": np.ones(4)}),
                              ("unbatched", x[0], [1], {})]:
        g.add("float64", {"input": xi, "target": np.array(ti, dtype=np.int64)},
              dict(opts, reduction="mean"), tag=tag, error=True)
    ins, _ = make(g.rng, (3, 5), {})
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True,
          loss="softmax_focal_loss_nope")
    g.add("float64", ins, {"reduction": "average"}, tag="bad-reduction", error=True)
    return g


def make_seg(rng, shp, v):
    x = r4(sigmoid_np(rng.normal(0, 2, size=shp)))
    if rng.rand() < 0.6:
        y = rng.choice([0.0, 1.0], size=shp)
    else:
        y = r4(rng.uniform(0, 1, size=shp))
    return {"input": x, "target": y}, {}


def gen_dice():
    z = np.zeros((2, 4))
    x = np.array([[1.0, 0.0, 1.0, 0.0], [0.5, 0.5, 0.5, 0.5]])
    y = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    return gen_rowloss("dice_loss", make_seg, ["input"],
                       variants=[{"smooth": 0.0}, {"smooth": 1e-5}, {"smooth": 10.0}],
                       edges=[("perfect", {"input": x, "target": y}, {}, None),
                              ("all-zero", {"input": z, "target": z}, {"reduction": "none"},
                               None),
                              ("all-zero-nan", {"input": z, "target": z},
                               {"smooth": 0.0, "reduction": "mean"}, None)])


def gen_tversky():
    z = np.zeros((2, 4))
    x = np.array([[1.0, 0.0, 1.0, 0.0], [0.5, 0.5, 0.5, 0.5]])
    y = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    return gen_rowloss("tversky_loss", make_seg, ["input"],
                       variants=[{"alpha": 0.3, "beta": 0.7}, {"alpha": 0.7, "beta": 0.3},
                                 {"alpha": 1.0, "beta": 1.0}, {"smooth": 0.0},
                                 {"alpha": 0.2, "beta": 0.9, "smooth": 1e-3}],
                       edges=[("perfect", {"input": x, "target": y}, {}, None),
                              ("all-zero", {"input": z, "target": z}, {"reduction": "none"},
                               None),
                              ("all-zero-nan", {"input": z, "target": z},
                               {"smooth": 0.0, "reduction": "mean"}, None)])


BOX_SHAPES = [(4, 4), (1, 4), (7, 4), (4,), (2, 4), (16, 4)]


def make_boxes(rng, shp, v):
    n = int(np.prod(shp[:-1]))
    xy = rng.uniform(0, 10, size=(n, 2))
    wh = rng.uniform(0.5, 5, size=(n, 2))
    b1 = np.concatenate([xy, xy + wh], axis=1)
    xy2 = xy + rng.normal(0, 1.0, size=(n, 2))
    wh2 = np.maximum(wh + rng.normal(0, 1.0, size=(n, 2)), 0.2)
    far = rng.rand(n) < 0.2
    xy2[far] = rng.uniform(0, 20, size=(far.sum(), 2))
    b2 = np.concatenate([xy2, xy2 + wh2], axis=1)
    return {"boxes1": r4(b1).reshape(shp), "boxes2": r4(b2).reshape(shp)}, {}


def gen_box(name):
    g = Gen(name)
    grads = ["boxes1", "boxes2"]
    tv = name != "iou_loss"
    standard(g, make_boxes, grads, shapes=BOX_SHAPES, out_shape=mc_out,
             variants=[{"eps": 1e-3}, {"eps": 0.0}],
             gradout_shapes=[(3, 4), (5, 4), (4,)], big_shapes=((64, 4), (128, 4)),
             nograd_shapes=((4, 4), (2, 4), (3, 4)))
    b1 = np.array([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.0],
                   [0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 3.0, 2.0], [0.0, 0.0, 1.0, 1.0]])
    b2 = np.array([[0.0, 0.0, 2.0, 2.0], [3.0, 3.0, 5.0, 6.0], [2.0, 0.0, 4.0, 2.0],
                   [1.0, 1.0, 2.0, 3.0], [1.5, 0.5, 2.5, 2.5], [0.5, 0.5, 1.5, 1.5]])
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"boxes1": b1, "boxes2": b2}, {"reduction": red}, grad=grads,
                  tag="special")
        g.add(dt, {"boxes1": b1[:1], "boxes2": b2[:1]}, {"reduction": "sum"}, grad=grads,
              tag="identical")
        g.add(dt, {"boxes1": b1[1:3], "boxes2": b2[1:3]}, {"reduction": "none"},
              grad=grads, tag="disjoint-touching")
    if tv:
        g.add("float64", {"boxes1": np.zeros((0, 4)), "boxes2": np.zeros((0, 4))},
              {"reduction": "mean"}, grad=grads, tag="empty")
        g.add("float64", {"boxes1": np.zeros((0, 4)), "boxes2": np.zeros((0, 4))},
              {"reduction": "sum"}, grad=grads, tag="empty")
    ins, _ = make_boxes(g.rng, (3, 4), {})
    g.add("float64", {"boxes1": ins["boxes1"], "boxes2": ins["boxes2"][:2]},
          {"reduction": "mean"}, tag="bad-shape", error=True)
    g.add("float64", {"boxes1": np.ones((2, 5)), "boxes2": np.ones((2, 5))},
          {"reduction": "mean"}, tag="not-4", error=True)
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True,
          loss=name + "_nope")
    if tv:
        # torchvision's boxes of shape (..., 4): extra leading dimensions, boxes2 broadcasting to boxes1, and the
        # refusal when boxes1 is the narrower (the intersection is written through boxes1's mask)
        lead, _ = make_boxes(g.rng, (2, 3, 4), {})
        for dt in BOTH:
            for red in RED3:
                g.add(dt, lead, {"reduction": red}, grad=grads, tag="leading-dims")
        g.add("float64", {"boxes1": lead["boxes1"], "boxes2": lead["boxes2"][0]}, {"reduction": "none"},
              grad=grads, tag="broadcast-boxes2")
        g.add("float64", {"boxes1": lead["boxes1"][0], "boxes2": lead["boxes2"]}, {"reduction": "mean"},
              tag="narrower-boxes1", error=True)
    return g


def gen_gan(name):
    g = Gen(name)
    disc = name == "gan_discriminator_loss"
    shapes = [(8,), (4, 1), (1,), (33,), (5,), (2, 3)]
    state = {"i": 0}

    def make(rng, shp, v):
        f = normal(rng, rot(shapes, state["i"] + 3), 2.5)
        state["i"] += 1
        if disc:
            return {"real_logits": normal(rng, shp, 2.5), "fake_logits": f}, {}
        return {"fake_logits": normal(rng, shp, 2.5)}, {}
    grads = ["real_logits", "fake_logits"] if disc else ["fake_logits"]
    standard(g, make, grads, shapes=shapes, gradout=False, scalar=False,
             nograd_shapes=((4, 5), (6,), (3, 5)))
    big = np.array([50.0, -50.0, 1000.0, -1000.0, 0.0, 20.0])
    for dt in BOTH:
        ins = {"real_logits": big, "fake_logits": -big[::-1].copy()} if disc \
            else {"fake_logits": big}
        g.add(dt, ins, {"reduction": "mean"}, grad=grads, tag="large-logits")
        ins = {"real_logits": np.array(1.5), "fake_logits": np.array(-0.5)} if disc \
            else {"fake_logits": np.array(-0.5)}
        g.add(dt, ins, {"reduction": "none"}, grad=grads, tag="scalar")
    ins, _ = make(g.rng, (4,), {})
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True,
          loss=name + "_nope")
    return g


PHASE2 = {
    "cross_entropy": lambda: gen_class_loss("cross_entropy"),
    "nll_loss": lambda: gen_class_loss("nll_loss"),
    "multi_margin_loss": gen_multi_margin,
    "multilabel_margin_loss": gen_multilabel_margin,
    "multilabel_soft_margin_loss": gen_multilabel_soft_margin,
    "triplet_margin_loss": gen_triplet,
    "cosine_embedding_loss": gen_cosine_embedding,
    "categorical_hinge": gen_categorical_hinge,
    "cosine_similarity": gen_cosine_similarity,
    "softmax_focal_loss": gen_softmax_focal,
    "dice_loss": gen_dice,
    "tversky_loss": gen_tversky,
    "iou_loss": lambda: gen_box("iou_loss"),
    "generalized_box_iou_loss": lambda: gen_box("generalized_box_iou_loss"),
    "distance_box_iou_loss": lambda: gen_box("distance_box_iou_loss"),
    "complete_box_iou_loss": lambda: gen_box("complete_box_iou_loss"),
    "gan_discriminator_loss": lambda: gen_gan("gan_discriminator_loss"),
    "gan_generator_loss": lambda: gen_gan("gan_generator_loss"),
}


def np_log_softmax(a, axis=-1):
    m = a.max(axis=axis, keepdims=True)
    return a - m - np.log(np.exp(a - m).sum(axis=axis, keepdims=True))


CTC_SHAPES = [(12, 3, 5), (8, 2, 4), (10, 6), (20, 1, 6), (5, 4, 3), (15, 2, 8), (7, 5)]


def make_ctc(rng, shp, v):
    T, C = shp[0], shp[-1]
    batched = len(shp) == 3
    N = shp[1] if batched else 1
    blank = v.get("blank", 0)
    labels = [c for c in range(C) if c != blank]
    lp = r4(np_log_softmax(rng.normal(0, 1.5, size=shp)))
    in_len = rng.randint(max(1, T // 2), T + 1, size=N)
    in_len[0] = T
    tl = np.array([rng.randint(0 if rng.rand() < 0.15 else 1, max(1, min(in_len[n] // 2, 6)) + 1)
                   for n in range(N)])
    if v.get("_infeasible"):
        tl[-1] = max(1, in_len[-1] // 2 + 1)
        in_len[-1] = tl[-1]  # too short once the target repeats a label
    seqs = []
    for n in range(N):
        s = list(rng.choice(labels, size=tl[n]))
        if v.get("_infeasible") and n == N - 1:
            s = [labels[0]] * tl[n]  # all repeats: needs 2L - 1 frames
        elif tl[n] >= 2 and rng.rand() < 0.4:
            s[1] = s[0]  # a repeated label needs a blank in between
        seqs.append(s)
    if not batched:
        ins = {"log_probs": lp, "targets": np.array(seqs[0], dtype=np.int64),
               "input_lengths": np.array(in_len[0], dtype=np.int64),
               "target_lengths": np.array(tl[0], dtype=np.int64)}
        return ins, {}
    if v.get("_concat"):
        targets = np.array([c for s in seqs for c in s], dtype=np.int64)
    else:
        S = int(tl.max()) + int(rng.randint(0, 2))
        targets = np.array([s + list(rng.choice(labels, size=S - len(s))) for s in seqs],
                           dtype=np.int64).reshape(N, S)
    return {"log_probs": lp, "targets": targets,
            "input_lengths": np.asarray(in_len, dtype=np.int64),
            "target_lengths": np.asarray(tl, dtype=np.int64)}, {}


def gen_ctc():
    g = Gen("ctc_loss")
    standard(g, make_ctc, ["log_probs"], shapes=CTC_SHAPES,
             out_shape=lambda s: s[1:2] if len(s) == 3 else (),
             variants=[{"_concat": True}, {"blank": 2}, {"blank": 2, "_concat": True},
                       {"zero_infinity": True}, {"_infeasible": True, "zero_infinity": True},
                       {"_infeasible": True}],
             gradout_shapes=[(12, 3, 5), (10, 6)], big_shapes=((30, 2, 10), (40, 3, 8)),
             nograd_shapes=((12, 3, 5), (10, 6), (8, 2, 4)))
    # hand-made: empty targets, repeats, minimal input length, blank = C - 1
    lp = r4(np_log_softmax(g.rng.normal(0, 1.0, size=(6, 4, 4))))
    targets = np.array([[1, 1, 0], [1, 2, 3], [3, 3, 3], [2, 0, 0]], dtype=np.int64)
    in_len = np.array([6, 3, 5, 1], dtype=np.int64)
    tl = np.array([2, 3, 3, 0], dtype=np.int64)
    for dt in BOTH:
        for red in RED3:
            g.add(dt, {"log_probs": lp, "targets": targets, "input_lengths": in_len,
                       "target_lengths": tl}, {"reduction": red}, grad=["log_probs"],
                  tag="special")
        g.add(dt, {"log_probs": lp, "targets": targets - 1 + (targets == 0) * 1,
                   "input_lengths": in_len, "target_lengths": tl},
              {"reduction": "mean", "blank": 3}, grad=["log_probs"], tag="special")
    ins, _ = make_ctc(g.rng, (8, 2, 4), {})
    bad = [("input-length-too-long", dict(ins, input_lengths=np.array([9, 8], dtype=np.int64))),
           ("target-length-too-long",
            dict(ins, target_lengths=np.array([ins["targets"].shape[1] + 1, 1],
                                              dtype=np.int64))),
           ("lengths-batch", dict(ins, target_lengths=np.array([1, 1, 1], dtype=np.int64)))]
    for tag, b in bad:
        g.add("float64", b, {"reduction": "mean"}, tag=tag, error=True)
    g.add("float64", ins, {"reduction": "mean", "blank": 4}, tag="blank-out-of-range",
          error=True)
    g.add("float64", ins, {"reduction": "mean", "frobnicate": 1.0}, tag="bad-option",
          error=True)
    g.add("float64", ins, {"reduction": "mean"}, tag="bad-loss", error=True, loss="ctc_loss_nope")
    g.add("float64", ins, {"reduction": "average"}, tag="bad-reduction", error=True)
    return g


PHASE2["ctc_loss"] = gen_ctc


def gen_generalized_cross_entropy():
    g = Gen("generalized_cross_entropy")

    def make(rng, shp, v):
        ins, _ = make_class(rng, shp, {})
        return ins, {}
    standard(g, make, ["input"], shapes=[(4, 5), (3, 7), (1, 3), (6, 4), (8, 10)], out_shape=mc_out,
             variants=[{"q": 0.3}, {"q": 1.0}, {"q": 0.9}],
             gradout_shapes=[(4, 5), (1, 3)], big_shapes=((64, 10), (32, 33)),
             nograd_shapes=((4, 5), (3, 4)))
    x = r4(g.rng.normal(0, 1, size=(3, 5)))
    g.add("float64", {"input": x, "target": np.array([0, 5, 1], dtype=np.int64)}, {"reduction": "mean"},
          tag="target-out-of-range", error=True)
    return g


def gen_info_nce():
    g = Gen("info_nce")
    for dt in BOTH:
        for n in (3, 8, 17):
            for red in ("none", "mean", "sum"):
                for temperature in (0.07, 0.5):
                    sim = r4(np.tanh(g.rng.normal(0, 1, size=(n, n))))
                    g.add(dt, {"sim": sim}, {"reduction": red, "temperature": temperature}, grad=["sim"])
        # a batch against a larger bank of candidates: N rows of M >= N columns
        sim = r4(np.tanh(g.rng.normal(0, 1, size=(4, 9))))
        g.add(dt, {"sim": sim}, {"reduction": "mean", "temperature": 0.1}, grad=["sim"], tag="bank")
    sim = r4(g.rng.normal(0, 1, size=(5, 3)))
    g.add("float64", {"sim": sim}, {"reduction": "mean"}, tag="more-rows-than-columns", error=True)
    return g


def _lists(rng, n, length):
    """n padded lists of up to `length` documents: scores, graded relevance 0..3 with ties, and the padding mask."""
    scores = r4(rng.normal(0, 1.5, size=(n, length)))
    relevance = rng.randint(0, 4, size=(n, length)).astype(np.float64)
    mask = np.zeros((n, length))
    for r in range(n):
        mask[r, :rng.randint(0, length + 1) if r % 3 == 2 else length - rng.randint(0, 2)] = 1
    return scores, relevance, mask


def gen_pairwise(name, variants):
    def gen():
        g = Gen(name)
        for dt in BOTH:
            for n, length in ((3, 5), (4, 16), (2, 33), (1, 1), (5, 8)):
                for red in RED3:
                    for v in variants:
                        scores, relevance, mask = _lists(g.rng, n, length)
                        opts = {"reduction": red}
                        opts.update(v)
                        g.add(dt, {"scores": scores, "relevance": relevance, "mask": mask}, opts, grad=["scores"])
            scores, relevance, mask = _lists(g.rng, 3, 7)
            g.add(dt, {"scores": scores, "relevance": relevance, "mask": mask}, {"reduction": "none"}, grad=["scores"],
                  grad_output=r4(g.rng.normal(0, 1, size=(3,))))
            scores, relevance, mask = _lists(g.rng, 3, 7)
            g.add(dt, {"scores": scores, "relevance": relevance, "mask": mask}, {"reduction": "sum"}, grad=[], tag="values")
        scores, relevance, mask = _lists(g.rng, 2, 4)
        g.add("float64", {"scores": scores, "relevance": relevance[:, :3], "mask": mask}, {"reduction": "mean"},
              tag="shape-mismatch", error=True)
        return g
    return gen


PHASE2["ranknet"] = gen_pairwise("ranknet", [{}, {"sigma": 2.5}])
PHASE2["pairwise_hinge_loss"] = gen_pairwise("pairwise_hinge_loss", [{}, {"margin": 0.5, "mean_over_pairs": True}])
PHASE2["generalized_cross_entropy"] = gen_generalized_cross_entropy
PHASE2["info_nce"] = gen_info_nce


GENERATORS = dict(PHASE1)
GENERATORS.update(PHASE2)


def main(argv):
    os.makedirs(OUT_DIR, exist_ok=True)
    names = argv or list(GENERATORS)
    total = 0
    for name in names:
        g = GENERATORS[name]()
        n = g.write()
        total += n
        print("%-36s %4d cases" % (name, n))
    print("total %d cases" % total)


if __name__ == "__main__":
    main(sys.argv[1:])
