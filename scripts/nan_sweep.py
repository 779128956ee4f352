"""NaN sweep: every loss's fixture cases with one NaN in a differentiable input, and PyTorch's answers.

For each loss of make_fixtures.py, takes its first cases that ask for gradients and, for each differentiable input,
puts a NaN at that input's first element; PyTorch 1.13 (via make_fixtures.evaluate) gives the expected loss and
gradients. Writes one <loss>.jsonl per loss into OUT_DIR, in the fixtures' format, for `lossdsl check`:

    /usr/bin/python3 scripts/nan_sweep.py /tmp/nan-sweep
    dotnet src/LossDsl.Cli/bin/Release/net10.0/lossdsl.dll check /tmp/nan-sweep/*.jsonl

Not a fixture set: several formula-defined references take NaN * 0 from autograd's masks (torch.where's unselected
branch, a norm's backward under a zero upstream gradient), where the generated code's selects give 0.
"""
import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402

CASES_PER_LOSS = 6


def sweep(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, gen in mf.GENERATORS.items():
        g = gen()
        lines = []
        for case, error in g.cases:
            if error or not case.get("grad"):
                continue
            for inp in case["grad"]:
                data = case["inputs"].get(inp, {}).get("data")
                if not data or not isinstance(data[0], (int, float)):
                    continue
                c = copy.deepcopy(case)
                c["id"] = case["id"] + "-nan-" + inp
                c["inputs"][inp]["data"][0] = "NaN"
                try:
                    expected = mf.evaluate(c)
                except Exception:  # the reference refuses the case: not a NaN question
                    continue
                lines.append(json.dumps({"case": c, "expected": expected}, separators=(",", ":"), allow_nan=False))
            if len(lines) >= CASES_PER_LOSS:
                break
        if lines:
            with open(os.path.join(out_dir, name + ".jsonl"), "w") as f:
                f.write("\n".join(lines) + "\n")
            print("%-40s %d cases" % (name, len(lines)))


if __name__ == "__main__":
    sweep(sys.argv[1] if len(sys.argv) > 1 else "/tmp/nan-sweep")
