#!/usr/bin/env python3
"""Compare PyTorch's CPU activations with relu --dtype, for README's table.

Usage: torch_compare.py RELU [--count N] [--seed S]

For every function and derivative of the family, at the default
parameters, in float32 and bfloat16: how many of PyTorch's results differ
from relu's (which are correctly rounded; tests/accuracy/ checks them), and
by how many units in the last place at most, and at which input.
Derivatives are PyTorch's
autograd (y.backward(ones)). The inputs:
  bfloat16  every finite bfloat16 value (65,280);
  float32   N values (200,000 by default): half uniform on [-10, 10], half
            of magnitude 2^u for u uniform on [-30, 7], either sign, each
            rounded to float32.
ulps: the distance between the two values counted in values of the dtype
(their encodings ordered as integers); an infinity or NaN on one side only
counts as a difference of "inf" ulps; "no kernel" where PyTorch's CPU has
no backward for the dtype. Needs Debian's python3-torch (or
pip's torch); not run by CTest.
"""

import argparse
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

# relu's name and parameters, and PyTorch's function at its defaults.
FUNCTIONS = [
    ("relu", [], F.relu),
    ("leaky_relu", [], lambda x: F.leaky_relu(x, 0.01)),
    ("relu6", [], F.relu6),
    ("hardtanh", [], F.hardtanh),
    ("elu", [], F.elu),
    ("selu", [], F.selu),
    ("celu", [], F.celu),
    ("gelu", [], F.gelu),
    ("gelu", ["--approximate", "tanh"],
     lambda x: F.gelu(x, approximate="tanh")),
    ("silu", [], F.silu),
    ("mish", [], F.mish),
    ("softplus", [], F.softplus),
    ("hardswish", [], F.hardswish),
    ("hardsigmoid", [], F.hardsigmoid),
    ("sigmoid", [], torch.sigmoid),
    ("tanh", [], torch.tanh),
    ("softsign", [], F.softsign),
    ("logsigmoid", [], F.logsigmoid),
]


def inputs(dtype, count, seed):
    if dtype == torch.bfloat16:
        bits = np.arange(1 << 16, dtype=np.uint32) << 16
        x = bits.view(np.float32)
        return x[np.isfinite(x)]
    rng = np.random.default_rng(seed)
    half = count // 2
    uniform = rng.uniform(-10, 10, half)
    log = np.exp2(rng.uniform(-30, 7, count - half)) * \
        rng.choice([-1.0, 1.0], count - half)
    return np.concatenate([uniform, log]).astype(np.float32)


def torch_values(f, x, dtype, derivative):
    t = torch.tensor(x, dtype=torch.float32).to(dtype)
    try:
        if not derivative:
            return f(t).to(torch.float32).numpy()
        t.requires_grad_(True)
        f(t).backward(torch.ones_like(t))
    except RuntimeError:  # a kernel PyTorch's CPU lacks for the dtype
        return None
    return t.grad.to(torch.float32).numpy()


def relu_values(relu, name, params, x, dtype, derivative):
    # %a: the exact value, which float.fromhex() reads without rounding.
    args = [relu, "-j", "2", "--format", "%a", "--dtype", dtype, "-F",
            name] + params
    if derivative:
        args.append("-g")
    text = "\n".join(float(v).hex() for v in x) + "\n"
    out = subprocess.run(args, input=text.encode(), capture_output=True,
                         check=True).stdout.decode().split()
    return np.array([float.fromhex(v) for v in out], dtype=np.float32)


def ordered(x, dtype):
    """Encodings as integers in the order of the values they encode."""
    bits = x.view(np.int32).astype(np.int64)
    if dtype == "bfloat16":
        bits >>= 16
        top = 1 << 15
    else:
        top = 1 << 31
    return np.where(bits < 0, -(bits & (top - 1)), bits)


def compare(x, a, b, dtype):
    """How many differ, the largest gap in ulps, and the input there."""
    same = (a.view(np.int32) == b.view(np.int32)) | \
        (np.isnan(a) & np.isnan(b))
    differ = int(np.count_nonzero(~same))
    if differ == 0:
        return 0, "0", ""
    nonfinite = ~same & ~(np.isfinite(a) & np.isfinite(b))
    if np.any(nonfinite):
        return differ, "inf", f"{float(x[np.argmax(nonfinite)]):.6g}"
    gap = np.abs(ordered(a, dtype) - ordered(b, dtype))
    gap[same] = -1  # so that the worst is one that differs
    worst = int(np.argmax(gap))
    return differ, f"{int(gap[worst]):,}", f"{float(x[worst]):.6g}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("relu")
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    dtypes = [("float32", torch.float32), ("bfloat16", torch.bfloat16)]
    data = {name: inputs(t, args.count, args.seed) for name, t in dtypes}
    print(f"PyTorch {torch.__version__}, CPU; inputs: float32 "
          f"{len(data['float32']):,}, bfloat16 {len(data['bfloat16']):,}")
    print("| function | float32: differ | max ulps | at x | bfloat16: "
          "differ | max ulps | at x |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, params, f in FUNCTIONS:
        for derivative in (False, True):
            label = name + (" tanh" if params else "") + \
                ("'" if derivative else "")
            cells = []
            for dname, t in dtypes:
                x = data[dname]
                ours = relu_values(args.relu, name, params, x, dname,
                                   derivative)
                theirs = torch_values(f, x, t, derivative)
                if theirs is None:
                    cells += ["no kernel", "", ""]
                    continue
                differ, gap, where = compare(x, ours, theirs, dname)
                cells += [f"{differ:,}", gap, where]
            print(f"| {label} | " + " | ".join(cells) + " |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
