#!/usr/bin/env python3
"""The PyTorch side of `linalg train`'s comparison: the same net (nn.Linear layers with biases,
the same hidden activation, identity output), MSELoss or CrossEntropyLoss, torch.optim.Adam/SGD, the
same learning rate, batch size and epochs, shuffled mini-batches (DataLoader-style,
drop_last=False), on the .npz files of scripts/make_regression_data.py (X, Y) or
scripts/make_classification_data.py (X, y = the class). Prints the validation loss (and accuracy)
after every epoch and the median seconds per epoch (training steps only, as `linalg train` reports
them).

    python3 scripts/train_pytorch.py train.npz valid.npz --sizes 8,64,64,1 --epochs 20 \
        --batch 64 --lr 1e-3 [--optimizer adam|sgd|momentum] [--dtype float32|float64] [--threads N] \
        [--loss mse|cross-entropy] [--activation sigmoid|tanh|relu]
"""

import argparse
import statistics
import time

import numpy as np
import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train")
    parser.add_argument("valid")
    parser.add_argument("--sizes", default="8,64,64,1")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--activation", default="sigmoid")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--loss", default="mse")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dtype = {"float32": torch.float32, "float64": torch.float64}[args.dtype]
    sizes = [int(s) for s in args.sizes.split(",")]
    act = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[args.activation]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    net = torch.nn.Sequential(*layers).to(dtype)
    train, valid = np.load(args.train), np.load(args.valid)
    classes = args.loss == "cross-entropy"

    def targets(archive):
        if classes:
            return torch.tensor(archive["y"], dtype=torch.long)
        return torch.tensor(archive["Y"], dtype=dtype).reshape(len(archive["X"]), -1)

    x, y = torch.tensor(train["X"], dtype=dtype), targets(train)
    xv, yv = torch.tensor(valid["X"], dtype=dtype), targets(valid)
    if args.optimizer == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    elif args.optimizer == "momentum":
        opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss() if classes else torch.nn.MSELoss()
    n = len(x)
    seconds = []
    for epoch in range(1, args.epochs + 1):
        started = time.perf_counter()
        order = torch.randperm(n)
        total = 0.0
        for start in range(0, n, args.batch):
            idx = order[start : start + args.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        seconds.append(time.perf_counter() - started)
        with torch.no_grad():
            out = net(xv)
            val = loss_fn(out, yv).item()
            accuracy = (out.argmax(dim=1) == yv).double().mean().item() if classes else None
        print(
            f"epoch {epoch}/{args.epochs}  loss {total / n:.6g}  validation {val:.6g}"
            + (f"  accuracy {accuracy:.4f}" if classes else "") + f"  {seconds[-1]:.2f} s"
        )
    scores = f"validation_loss={val} validation_accuracy={accuracy}" if classes else f"validation_mse={val}"
    print(
        f"final {scores} median_epoch_seconds={statistics.median(seconds):.4f} "
        f"torch={torch.__version__} threads={torch.get_num_threads()}"
    )


if __name__ == "__main__":
    main()
