#!/usr/bin/env python3
"""Writes Tests/LinalgTests/ClippingFixtures.swift: one DP-SGD step of Opacus (`GradSampleModule`,
`DPOptimizer` over SGD, noise multiplier 0, float64) on a small net with biases and tanh, for the
mean squared error and the softmax cross-entropy: the initial parameters, the batch, and the
parameters after the step. `linalg train --clip-per-sample` must take the same step (to 1e-12).

Usage: python scripts/make_dp_fixtures.py > Tests/LinalgTests/ClippingFixtures.swift
"""
import warnings

import torch
from opacus import GradSampleModule
from opacus.optimizers import DPOptimizer

warnings.filterwarnings("ignore")
torch.set_default_dtype(torch.float64)

N, SIZES, LR, CLIP = 8, (3, 5, 4), 0.5, 0.3


def flat(model):
    """W_l row-major for every layer, then every b_l (Linalg's parameter order)."""
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    return [float(v) for m in linears for v in m.weight.detach().reshape(-1)] + [
        float(v) for m in linears for v in m.bias.detach()
    ]


def step(loss_name, seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.Tanh(), torch.nn.Linear(SIZES[1], SIZES[2])
    )
    x = torch.randn(N, SIZES[0])
    if loss_name == "squared":
        y = torch.randn(N, SIZES[2])
        criterion, targets = torch.nn.MSELoss(), y
    else:
        labels = torch.arange(N) % SIZES[2]
        y = torch.nn.functional.one_hot(labels, SIZES[2]).double()
        criterion, targets = torch.nn.CrossEntropyLoss(), labels
    before = flat(model)
    private = GradSampleModule(model)
    optimizer = DPOptimizer(
        torch.optim.SGD(private.parameters(), lr=LR), noise_multiplier=0.0, max_grad_norm=CLIP,
        expected_batch_size=N,
    )
    optimizer.zero_grad()
    criterion(private(x), targets).backward()
    optimizer.step()
    return before, [float(v) for v in x.reshape(-1)], [float(v) for v in y.reshape(-1)], flat(model)


def swift(name, values):
    numbers = [repr(v) for v in values]
    lines = [", ".join(numbers[i:i + 4]) for i in range(0, len(numbers), 4)]
    return f"    static let {name}: [Double] = [\n        " + ",\n        ".join(lines) + ",\n    ]"


def main():
    import opacus

    print(f"// Written by scripts/make_dp_fixtures.py (Opacus {opacus.__version__}, PyTorch {torch.__version__},")
    print(f"// float64): one DP-SGD step, SGD lr {LR}, clipping norm {CLIP}, noise multiplier 0, on {N} samples")
    print(f"// (rows) of a {SIZES} tanh net with biases; parameters as Linalg orders them.")
    print("enum ClippingFixtures {")
    print(f"    static let sizes = {list(SIZES)}")
    print(f"    static let (samples, learningRate, maxNorm) = ({N}, {LR}, {CLIP})")
    for loss_name, seed in (("squared", 1), ("softmax", 2)):
        before, x, y, after = step(loss_name, seed)
        print(swift(f"{loss_name}Before", before))
        print(swift(f"{loss_name}Inputs", x))
        print(swift(f"{loss_name}Targets", y))
        print(swift(f"{loss_name}After", after))
    print("}")


if __name__ == "__main__":
    main()
