#!/usr/bin/env python3
"""The benchmark's cases in the Python ecosystem, timed like `swift run -c release bench`: the MLP
and logistic cases written by hand in numpy, the same MLP cases in PyTorch and JAX the way their
users write them (autograd / `torch.func` and `jax.grad` / `jax.jacrev` under `vmap`, JAX
jit-compiled; both in float64 like Linalg's nets), the logistic fit with scikit-learn's
newton-cholesky solver, and the data readers (pandas, numpy, scikit-learn).

Writes the same JSON records (case, sizes, batch, implementation, median_seconds, min_seconds,
max_seconds, gflops, repeats) with implementation "numpy", "pytorch", "jax", "sklearn" or
"pandas", so that scripts/compare.py can put them beside Linalg's. Installs nothing; a peer that
is not installed is skipped with a note:

    python3 -m pip install numpy pandas scikit-learn
    python3 -m pip install torch --index-url https://download.pytorch.org/whl/cpu   # optional
    python3 -m pip install "jax[cpu]"                                               # optional
    python3 scripts/bench_peers.py [--quick] [--json FILE] [--filter TEXT]
"""

import argparse
import json
import statistics
import sys
import time

import numpy as np

EXERCISE = [2, 10, 10, 2]
WIDE = [256, 512, 512, 256]


def measure(body, budget, minimum=5, maximum=200):
    """Warm-up, then samples until `budget` seconds (calls under 50 µs are batched)."""
    start = time.perf_counter()
    body()
    once = time.perf_counter() - start
    if once >= budget:
        return [once]
    inner = 1 if once >= 5e-5 else max(1, int(5e-5 / max(once, 1e-9)))
    samples = []
    begin = time.perf_counter()
    while len(samples) < maximum and (len(samples) < minimum or time.perf_counter() - begin < budget):
        t0 = time.perf_counter()
        for _ in range(inner):
            body()
        samples.append((time.perf_counter() - t0) / inner)
    return samples


def measure_compiled(body, budget, minimum=5):
    """`measure` after a first call outside the timing: JAX compiles on it, torch.func traces."""
    body()
    return measure(body, budget, minimum)


def record(case, sizes, batch, implementation, samples, flops):
    median = statistics.median(samples)
    return {
        "case": case,
        "sizes": sizes,
        "batch": batch,
        "implementation": implementation,
        "median_seconds": median,
        "min_seconds": min(samples),
        "max_seconds": max(samples),
        "gflops": (flops / median / 1e9) if flops is not None else None,
        "repeats": len(samples),
    }


def mlp_flops(case, sizes, batch):
    """The flop count of an MLP case, as the Swift bench counts it (FlopCount): forward 2BΣ, gradient
    2B(3Σ − h₁h₀), df/dx₀ 2BΣ + 2B min(h₀, h_L)(Σ − edge), df/dW factors 2BΣ + 2B h_L Σ_inner."""
    s = weight_count(sizes)
    h0, h1, hl, hl1 = sizes[0], sizes[1], sizes[-1], sizes[-2]
    kind = case.removeprefix("mlp.").removesuffix("_f32")
    if kind == "forward":
        return 2 * batch * s
    if kind == "gradient":
        return 2 * batch * (3 * s - h0 * h1)
    if kind == "jacobian_x0":
        edge = h0 * h1 if h0 < hl else hl * hl1
        return 2 * batch * s + 2 * batch * min(h0, hl) * (s - edge)
    inner = 0 if len(sizes) < 3 else s - h0 * h1 - hl * hl1
    return 2 * batch * s + 2 * batch * hl * inner


def weight_count(sizes):
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def make_net(sizes, rng):
    return [rng.random((sizes[l + 1], sizes[l])) / np.sqrt(sizes[l + 1]) for l in range(len(sizes) - 1)]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(weights, x):
    """x_{l+1} = σ(W_l x_l), identity on the last layer; returns every x_l (h_l × B)."""
    xs = [x]
    for l, w in enumerate(weights):
        z = w @ xs[-1]
        xs.append(z if l == len(weights) - 1 else sigmoid(z))
    return xs


def gradient(weights, x, y):
    """Σ_b ‖f − y‖² and ∂/∂W_l = Δ_l x_lᵀ by backprop."""
    xs = forward(weights, x)
    delta = 2.0 * (xs[-1] - y)
    grads = [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        grads[l] = delta @ xs[l].T
        if l > 0:
            delta = (weights[l].T @ delta) * xs[l] * (1.0 - xs[l])
    return float(np.sum((xs[-1] - y) ** 2)), grads


def sensitivities(weights, x):
    """δ_l = ∂f/∂z_{l+1} for every sample, batched as (B, h_L, h_{l+1}) with matmul."""
    xs = forward(weights, x)
    batch, outputs = x.shape[1], weights[-1].shape[0]
    delta = np.broadcast_to(np.eye(outputs), (batch, outputs, outputs))
    result = [delta]
    for l in range(len(weights) - 1, 0, -1):
        slope = (xs[l] * (1.0 - xs[l])).T[:, None, :]  # (B, 1, h_l)
        delta = (delta @ weights[l]) * slope
        result.insert(0, delta)
    return result


def input_jacobians(weights, x):
    """df/dx₀ = δ₀ W₀ for every sample (reverse accumulation), shape (B, h_L, h₀)."""
    return sensitivities(weights, x)[0] @ weights[0]


def mlp_record(case, sizes, batch, implementation, body, budget, timer=None):
    """The record of an MLP case: `body` timed by `timer` (default `measure`) within `budget`, with the
    case's flop count."""
    samples = (timer or measure)(body, budget)
    return record(case, sizes, batch, implementation, samples, mlp_flops(case, sizes, batch))


def mlp_cases(sizes, batch, jacobian_batch, budget):
    rng = np.random.default_rng(7)
    weights = make_net(sizes, rng)
    out = []
    x = rng.standard_normal((sizes[0], batch))
    y = 0.5 * x[: sizes[-1]]
    xj = x[:, :jacobian_batch]
    out.append(mlp_record("mlp.forward", sizes, batch, "numpy", lambda: forward(weights, x), budget))
    out.append(mlp_record("mlp.gradient", sizes, batch, "numpy", lambda: gradient(weights, x, y), budget))
    out.append(
        mlp_record("mlp.jacobian_x0", sizes, jacobian_batch, "numpy", lambda: input_jacobians(weights, xj), budget)
    )
    out.append(
        mlp_record("mlp.jacobian_weights", sizes, jacobian_batch, "numpy", lambda: sensitivities(weights, xj), budget)
    )
    return out


def layered(sigmoid):
    """f(W, x₀) = W_{L−1} σ(⋯ σ(W₀ x₀)), identity on the last layer, with a framework's own σ."""

    def f(ws, x0):
        for l, w in enumerate(ws):
            x0 = w @ x0
            if l < len(ws) - 1:
                x0 = sigmoid(x0)
        return x0

    return f


def peer_inputs(sizes, batch, jacobian_batch, convert):
    """The numpy cases' weights, inputs, targets and Jacobian inputs (samples as rows), converted."""
    rng = np.random.default_rng(7)
    weights = [convert(w) for w in make_net(sizes, rng)]
    x = rng.standard_normal((sizes[0], batch))
    return weights, convert(x), convert(0.5 * x[: sizes[-1]]), convert(np.ascontiguousarray(x[:, :jacobian_batch].T))


def torch_mlp_cases(sizes, batch, jacobian_batch, budget):
    """The MLP cases in PyTorch (float64): forward under no_grad, the gradient of Σ‖f − y‖² by
    autograd, df/dx₀ and df/dW_l by torch.func.jacrev under vmap (one sample per call)."""
    import torch
    from torch.func import jacrev, vmap

    weights, x, y, xj = peer_inputs(sizes, batch, jacobian_batch, torch.tensor)
    s = weight_count(sizes)
    hl = sizes[-1]
    f = layered(torch.sigmoid)

    def forward():
        with torch.no_grad():
            return f(weights, x)

    params = [w.clone().requires_grad_(True) for w in weights]

    def gradient():
        for p in params:
            p.grad = None
        loss = ((f(params, x) - y) ** 2).sum()
        loss.backward()
        return loss

    input_jacobian = vmap(jacrev(lambda x0: f(weights, x0)))
    weight_jacobian = vmap(jacrev(lambda ws, x0: f(ws, x0)), in_dims=(None, 0))
    out = [
        mlp_record("mlp.forward", sizes, batch, "pytorch", forward, budget, measure_compiled),
        mlp_record("mlp.gradient", sizes, batch, "pytorch", gradient, budget, measure_compiled),
    ]
    out.append(
        mlp_record(
            "mlp.jacobian_x0", sizes, jacobian_batch, "pytorch", lambda: input_jacobian(xj), budget, measure_compiled
        )
    )
    if jacobian_batch * hl * s <= 1 << 26:  # the dense tensors: 4.3 GB for the wide net
        out.append(
            mlp_record(
                "mlp.jacobian_weights",
                sizes,
                jacobian_batch,
                "pytorch",
                lambda: weight_jacobian(weights, xj),
                budget,
                measure_compiled,
            )
        )
    return out


def torch_sgd_case(budget, steps=20000):
    """SGD towards the identity, batch 1, as a PyTorch user writes it (optimizer, backward)."""
    import torch

    sizes = EXERCISE

    def train():
        rng = np.random.default_rng(0)
        params = [torch.tensor(w).requires_grad_(True) for w in make_net(sizes, rng)]
        optimizer = torch.optim.SGD(params, lr=0.01)
        inputs = torch.tensor(rng.standard_normal((steps, 2, 1)))
        f = layered(torch.sigmoid)
        for k in range(steps):
            x0 = inputs[k]
            loss = ((f(params, x0) - x0) ** 2).sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return sgd_record("pytorch", train, budget, steps)


def torch_f32_cases(sizes, batch, budget):
    """mlp.forward_f32 and mlp.gradient_f32 in PyTorch: the same net and inputs in float32."""
    import torch

    weights, x, y, _ = peer_inputs(sizes, batch, 1, lambda a: torch.tensor(a, dtype=torch.float32))
    f = layered(torch.sigmoid)
    params = [w.clone().requires_grad_(True) for w in weights]

    def forward():
        with torch.no_grad():
            return f(weights, x)

    def gradient():
        for p in params:
            p.grad = None
        loss = ((f(params, x) - y) ** 2).sum()
        loss.backward()
        return loss

    flops = mlp_flops("mlp.gradient", sizes, batch)
    return [
        record(
            "mlp.forward_f32",
            sizes,
            batch,
            "pytorch",
            measure_compiled(forward, budget),
            mlp_flops("mlp.forward", sizes, batch),
        ),
        record("mlp.gradient_f32", sizes, batch, "pytorch", measure_compiled(gradient, budget), flops),
    ]


def jax_f32_cases(sizes, batch, budget):
    """mlp.forward_f32 and mlp.gradient_f32 in JAX (float32 arrays, jit-compiled)."""
    import jax
    import jax.numpy as jnp

    weights, x, y, _ = peer_inputs(sizes, batch, 1, lambda a: jnp.asarray(a, dtype=jnp.float32))
    f = layered(jax.nn.sigmoid)
    forward = jax.jit(f)
    gradient = jax.jit(jax.value_and_grad(lambda ws: jnp.sum((f(ws, x) - y) ** 2)))
    ready = lambda body: (lambda: jax.block_until_ready(body()))
    flops = mlp_flops("mlp.gradient", sizes, batch)
    return [
        record(
            "mlp.forward_f32",
            sizes,
            batch,
            "jax",
            measure_compiled(ready(lambda: forward(weights, x)), budget),
            mlp_flops("mlp.forward", sizes, batch),
        ),
        record(
            "mlp.gradient_f32", sizes, batch, "jax", measure_compiled(ready(lambda: gradient(weights)), budget), flops
        ),
    ]


def jax_mlp_cases(sizes, batch, jacobian_batch, budget):
    """The MLP cases in JAX (float64, jit-compiled; timed until the result is ready)."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    weights, x, y, xj = peer_inputs(sizes, batch, jacobian_batch, jnp.asarray)
    s = weight_count(sizes)
    hl = sizes[-1]
    f = layered(jax.nn.sigmoid)

    forward = jax.jit(f)
    gradient = jax.jit(jax.value_and_grad(lambda ws: jnp.sum((f(ws, x) - y) ** 2)))
    input_jacobian = jax.jit(jax.vmap(jax.jacrev(lambda x0: f(weights, x0))))
    weight_jacobian = jax.jit(jax.vmap(jax.jacrev(f), in_axes=(None, 0)))
    ready = lambda body: (lambda: jax.block_until_ready(body()))
    out = [
        mlp_record("mlp.forward", sizes, batch, "jax", ready(lambda: forward(weights, x)), budget, measure_compiled),
        mlp_record("mlp.gradient", sizes, batch, "jax", ready(lambda: gradient(weights)), budget, measure_compiled),
    ]
    out.append(
        mlp_record(
            "mlp.jacobian_x0", sizes, jacobian_batch, "jax", ready(lambda: input_jacobian(xj)), budget, measure_compiled
        )
    )
    if jacobian_batch * hl * s <= 1 << 26:
        out.append(
            mlp_record(
                "mlp.jacobian_weights",
                sizes,
                jacobian_batch,
                "jax",
                ready(lambda: weight_jacobian(weights, xj)),
                budget,
                measure_compiled,
            )
        )
    return out


def jax_sgd_case(budget, steps=20000):
    """SGD towards the identity, batch 1: a jit-compiled step called from Python per sample."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    sizes = EXERCISE

    f = layered(jax.nn.sigmoid)

    def loss(ws, x0):
        return jnp.sum((f(ws, x0) - x0) ** 2)

    step = jax.jit(lambda ws, x0: [w - 0.01 * g for w, g in zip(ws, jax.grad(loss)(ws, x0))])

    def train():
        rng = np.random.default_rng(0)
        ws = [jnp.asarray(w) for w in make_net(sizes, rng)]
        inputs = jnp.asarray(rng.standard_normal((steps, 2, 1)))
        for k in range(steps):
            ws = step(ws, inputs[k])
        jax.block_until_ready(ws)

    return sgd_record("jax", train, budget, steps)


def product_flops(case, sizes, batch):
    """The Swift bench's counts (FlopCount) of the derivative products: JVP 6BΣ, VJP (no f)
    2B(3Σ − h_L h_{L−1}), HVP (no gradient) 2B(3Σ + 5(Σ − h₁h₀)), Gauss-Newton (no loss)
    2B(3Σ + 2(Σ − h₁h₀) − h_L h_{L−1}), per-sample norms 2B(2Σ − h₁h₀)."""
    s = weight_count(sizes)
    inner = s - sizes[0] * sizes[1]
    out = sizes[-1] * sizes[-2]
    kind = case.removeprefix("mlp.").removesuffix("_f32")
    return 2 * batch * {"jvp": 3 * s, "vjp": 3 * s - out, "hvp": 3 * s + 5 * inner,
                         "ggnvp": 3 * s + 2 * inner - out, "per_sample_norms": s + inner}[kind]


def jax_product_cases(sizes, batch, budget, single=False):
    """The derivative products of the wide net in JAX, jit-compiled, as its users write them: `jax.jvp`
    in the weights and the inputs, `jax.vjp` to both, the HVP of Σ‖f − y‖² as `jax.jvp(jax.grad(L))`,
    the Gauss-Newton product from `jax.jvp` and `jax.vjp` of f (H_ℓ = 2I), per-sample gradient norms by
    `vmap(grad)` over the samples (which forms the B gradients)."""
    import jax
    import jax.numpy as jnp

    if not single:
        jax.config.update("jax_enable_x64", True)
    dtype = jnp.float32 if single else jnp.float64
    weights, x, y, _ = peer_inputs(sizes, batch, 1, lambda a: jnp.asarray(a, dtype=dtype))
    rng = np.random.default_rng(11)
    v = [jnp.asarray(0.05 * rng.standard_normal(w.shape), dtype=dtype) for w in weights]
    x_dot = jnp.asarray(rng.standard_normal(x.shape), dtype=dtype)
    f = layered(jax.nn.sigmoid)

    def loss(ws):
        return jnp.sum((f(ws, x) - y) ** 2)

    def sample_loss(ws, x0, y0):
        return jnp.sum((f(ws, x0) - y0) ** 2)

    jvp = jax.jit(lambda ws, v, xd: jax.jvp(f, (ws, x), (v, xd)))
    vjp = jax.jit(lambda ws, g: jax.vjp(f, ws, x)[1](g))
    hvp = jax.jit(lambda ws, v: jax.jvp(jax.grad(loss), (ws,), (v,))[1])

    def ggn(ws, v):
        _, jv = jax.jvp(lambda w: f(w, x), (ws,), (v,))
        return jax.vjp(lambda w: f(w, x), ws)[1](2 * jv)[0]

    ggnvp = jax.jit(ggn)

    def norms(ws):
        grads = jax.vmap(jax.grad(sample_loss), in_axes=(None, 1, 1))(ws, x, y)
        return jnp.sqrt(sum(jnp.sum(g.reshape(g.shape[0], -1) ** 2, axis=1) for g in grads))

    per_sample = jax.jit(norms)
    ready = lambda body: (lambda: jax.block_until_ready(body()))
    suffix = "_f32" if single else ""
    bodies = {
        "jvp": lambda: jvp(weights, v, x_dot),
        "vjp": lambda: vjp(weights, y),
        "hvp": lambda: hvp(weights, v),
        "ggnvp": lambda: ggnvp(weights, v),
        "per_sample_norms": lambda: per_sample(weights),
    }
    return [
        record(f"mlp.{name}{suffix}", sizes, batch, "jax", measure_compiled(ready(body), budget),
               product_flops(name, sizes, batch))
        for name, body in bodies.items()
    ]


def sgd_record(implementation, train, budget, steps):
    """The mlp.sgd_identity record of `train` (`steps` SGD steps of the exercise net), compiled first."""
    flops = steps * 2 * (3 * weight_count(EXERCISE) - EXERCISE[0] * EXERCISE[1])
    return record("mlp.sgd_identity", EXERCISE, 1, implementation, measure_compiled(train, budget, minimum=3), flops)


def peer_mlp_cases(wanted, budget):
    """PyTorch's and JAX's MLP records, each skipped with a note when not installed."""
    records = []
    for name, module, cases, single, sgd in (
        ("pytorch", "torch", torch_mlp_cases, torch_f32_cases, torch_sgd_case),
        ("jax", "jax", jax_mlp_cases, jax_f32_cases, jax_sgd_case),
    ):
        try:
            __import__(module)
        except ImportError:
            print(f"{module} is not installed: the {name} MLP cases are skipped", file=sys.stderr)
            continue
        if wanted("mlp"):
            for batch in (1, 64, 1024):
                records += [r for r in cases(EXERCISE, batch, batch, budget) if wanted(r["case"])]
            records += [r for r in cases(WIDE, 1024, 4, budget) if wanted(r["case"])]
        if wanted("mlp.forward_f32") or wanted("mlp.gradient_f32"):
            records += [r for r in single(WIDE, 1024, budget) if wanted(r["case"])]
        if wanted("mlp.sgd_identity"):
            records.append(sgd(budget))
        if name == "jax" and any(wanted(f"mlp.{p}") for p in ("jvp", "vjp", "hvp", "ggnvp", "per_sample_norms")):
            for single in (False, True):
                records += [r for r in jax_product_cases(WIDE, 1024, budget, single) if wanted(r["case"])]
    return records


def sgd_case(budget, steps=20000):
    sizes = EXERCISE

    def train():
        rng = np.random.default_rng(0)
        weights = make_net(sizes, rng)
        for _ in range(steps):
            x = rng.standard_normal((2, 1))
            _, grads = gradient(weights, x, x)
            for w, g in zip(weights, grads):
                w -= 0.01 * g

    return record(
        "mlp.sgd_identity",
        sizes,
        1,
        "numpy",
        measure(train, budget, minimum=3),
        steps * 2 * (3 * weight_count(sizes) - sizes[0] * sizes[1]),
    )


def logistic_data(n, d):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((n, d))
    truth = rng.standard_normal(d) / np.sqrt(d)
    y = (rng.random(n) < sigmoid(x @ truth)).astype(float)
    return x, y, 0.1 * rng.standard_normal(d)


def logistic_cases(n, d, budget, lam=1.0, tol=1e-10):
    x, y, beta = logistic_data(n, d)
    out = []

    def hessian():
        p = sigmoid(x @ beta)
        return x.T @ ((p * (1 - p))[:, None] * x) + 2 * lam * np.eye(d)

    out.append(record("logistic.hessian", [n, d], None, "numpy", measure(hessian, budget), n * d * (d + 1) + 2 * n * d))
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        print(
            "scikit-learn is not installed: logistic.fit skipped (python3 -m pip install scikit-learn)", file=sys.stderr
        )
        return out
    # sklearn minimises C Σ loss + ½‖β‖², which is Σ loss + λ‖β‖² for C = 1/(2λ).
    model = LogisticRegression(solver="newton-cholesky", C=1 / (2 * lam), fit_intercept=False, tol=tol, max_iter=100)
    samples = measure(lambda: model.fit(x, y), budget, minimum=3)
    iterations = int(np.max(model.n_iter_))
    flops = iterations * (n * d * (d + 1) + 4 * n * d) + 4 * n * d
    out.append(record("logistic.fit", [n, d], None, "sklearn", samples, flops))
    return out


def gemm_cases(budget):
    out = []
    rng = np.random.default_rng(1)
    for n in (64, 256, 1024):
        a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        out.append(record("gemm", [n, n, n], None, "numpy", measure(lambda: a @ b, budget), 2 * n**3))
    return out


def io_cases(n, d, budget):
    """The bench's io cases: a table of n rows of d normal deviates and a 0/1 label, written once
    (CSV by pandas with shortest round-trip decimals as Linalg's writer, .npy, libsvm with every
    feature present), read back by pandas.read_csv, numpy.loadtxt, numpy.load and
    sklearn.datasets.load_svmlight_file. Peers that are not installed are skipped."""
    import os
    import tempfile

    records = []
    rng = np.random.default_rng(5)
    table = rng.standard_normal((n, d + 1))
    table[:, d] = table[:, d] > 0
    folder = tempfile.mkdtemp(prefix="linalg-bench-")
    csv_path, npy_path, svm_path = (os.path.join(folder, name) for name in ("table.csv", "table.npy", "table.svm"))
    np.save(npy_path, table)
    with open(svm_path, "w") as f:
        for row in table:
            f.write(
                ("+1" if row[d] else "-1")
                + " "
                + " ".join(f"{j + 1}:{float(v)!r}" for j, v in enumerate(row[:d]))
                + "\n"
            )
    sizes = [n, d + 1]
    try:
        import pandas as pd

        pd.DataFrame(table, columns=[f"x{j}" for j in range(d)] + ["y"]).to_csv(csv_path, index=False)
        records.append(
            record("io.csv_read", sizes, None, "pandas", measure(lambda: pd.read_csv(csv_path), budget, 3), None)
        )
    except ImportError:
        print("pandas not installed: io.csv_read by pandas skipped", file=sys.stderr)
        np.savetxt(
            csv_path, table, delimiter=",", fmt="%r", header=",".join(f"x{j}" for j in range(d + 1)), comments=""
        )
    records.append(
        record(
            "io.csv_read",
            sizes,
            None,
            "numpy",
            measure(lambda: np.loadtxt(csv_path, delimiter=",", skiprows=1), budget, 1),
            None,
        )
    )
    records.append(record("io.npy_read", sizes, None, "numpy", measure(lambda: np.load(npy_path), budget), None))
    try:
        from sklearn.datasets import load_svmlight_file

        records.append(
            record(
                "io.libsvm_read", sizes, None, "sklearn", measure(lambda: load_svmlight_file(svm_path), budget, 1), None
            )
        )
    except ImportError:
        print("scikit-learn not installed: io.libsvm_read skipped", file=sys.stderr)
    for name in (csv_path, npy_path, svm_path):
        os.remove(name)
    os.rmdir(folder)
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller logistic problem, shorter budgets")
    parser.add_argument("--json", help="write the records to this file")
    parser.add_argument("--filter", help="only cases whose name contains this text")
    args = parser.parse_args()
    budget = 0.25 if args.quick else 1.0
    n, d = (20000, 50) if args.quick else (100000, 100)
    wanted = lambda name: args.filter is None or args.filter in name

    records = []
    if wanted("gemm"):
        records += gemm_cases(budget)
    for batch in (1, 64, 1024):
        if wanted("mlp"):
            records += [r for r in mlp_cases(EXERCISE, batch, batch, budget) if wanted(r["case"])]
    if wanted("mlp"):
        records += [r for r in mlp_cases(WIDE, 1024, 4, budget) if wanted(r["case"])]
    if wanted("mlp.sgd_identity"):
        records.append(sgd_case(budget))
    records += peer_mlp_cases(wanted, budget)
    if wanted("logistic"):
        records += [r for r in logistic_cases(n, d, budget) if wanted(r["case"])]
    if wanted("io"):
        io_n, io_d = (20000, 50) if args.quick else (100000, 100)
        records += [r for r in io_cases(io_n, io_d, budget) if wanted(r["case"])]

    for r in records:
        gflops = "-" if r["gflops"] is None else f"{r['gflops']:.2f}"
        print(
            f"{r['case']:<22} {','.join(map(str, r['sizes'])):<17} {str(r['batch']):>5}  "
            f"{r['implementation']:<8} {r['median_seconds'] * 1e6:>12.2f} µs  {gflops:>8} GFLOP/s"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=2)
        print(f"wrote {len(records)} records to {args.json}")


if __name__ == "__main__":
    main()
