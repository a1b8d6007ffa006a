#!/usr/bin/env python3
"""Writes Tests/LinalgCLITests/ProductFixtures.swift: the derivative products `linalg eval` prints
(`--jvp`, `--vjp`, `--loss` with `--hvp`, `--ggnvp`, `--per-sample-norms`) for a small net, computed
once by JAX in float64 (`jax.jvp`, `jax.vjp`, `jax.jvp(jax.grad(L))`, the Gauss-Newton product from
`jax.linearize`/`jax.vjp`, `vmap(grad)` norms). The tests compare the CLI's JSON with these numbers
and never need Python.

Usage: python scripts/make_product_fixtures.py > Tests/LinalgCLITests/ProductFixtures.swift
"""
import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)

MODEL = {
    "activation": "tanh",
    "weights": [[[0.1, 0.2], [0.3, -0.4], [1, 2]], [[1, 0.5, -1], [0.25, -2, 3]]],
    "biases": [[0.1, 0.2, 0.3], [0.5, -0.5]],
}
INPUTS = [[1, 2], [0.5, -1], [0.1, 0.3]]
TANGENTS = {"inputs": [[1, 0], [0, 1], [1, 1]], "weights": [[[1, 0], [0, 1], [1, 1]], [[0, 0, 1], [1, 0, 0]]]}
COTANGENTS = [[1, 0], [0, 1], [1, 1]]
LABELS = [0, 1, 1]
VECTOR = {"weights": [[[1, 0], [0, 1], [1, 1]], [[0, 0, 1], [1, 0, 0]]], "biases": [[1, 1, 1], [0, 1]]}


def params(weights, biases):
    return [jnp.array(w, dtype=jnp.float64) for w in weights], [jnp.array(b, dtype=jnp.float64) for b in biases]


def net(theta, x):
    """x: one sample (h_0,)."""
    ws, bs = theta
    for l, (w, b) in enumerate(zip(ws, bs)):
        x = w @ x + b
        if l < len(ws) - 1:
            x = jnp.tanh(x)
    return x


def sample_loss(theta, x, label):
    f = net(theta, x)
    return jax.nn.logsumexp(f) - f[label]


def main():
    theta = params(MODEL["weights"], MODEL["biases"])
    x = jnp.array(INPUTS, dtype=jnp.float64)
    labels = jnp.array(LABELS)
    batched = jax.vmap(net, in_axes=(None, 0))

    zero_bias = [jnp.zeros_like(b) for b in theta[1]]
    tangent = (params(TANGENTS["weights"], [[0.0] * len(b) for b in MODEL["biases"]])[0], zero_bias)
    x_dot = jnp.array(TANGENTS["inputs"], dtype=jnp.float64)
    _, jvp = jax.jvp(lambda t, xs: batched(t, xs), (theta, x), (tangent, x_dot))

    _, pullback = jax.vjp(lambda t, xs: batched(t, xs), theta, x)
    vjp_theta, vjp_x = pullback(jnp.array(COTANGENTS, dtype=jnp.float64))

    def total(t):
        return jnp.sum(jax.vmap(sample_loss, in_axes=(None, 0, 0))(t, x, labels))

    loss, grad = jax.value_and_grad(total)(theta)
    v = params(VECTOR["weights"], VECTOR["biases"])
    _, hvp = jax.jvp(jax.grad(total), (theta,), (v,))

    f, jv = jax.jvp(lambda t: batched(t, x), (theta,), (v,))
    p = jax.nn.softmax(f, axis=1)
    hjv = p * jv - p * jnp.sum(p * jv, axis=1, keepdims=True)
    _, pull = jax.vjp(lambda t: batched(t, x), theta)
    (ggnvp,) = pull(hjv)

    per_sample = jax.vmap(jax.grad(sample_loss), in_axes=(None, 0, 0))(theta, x, labels)
    leaves = jax.tree_util.tree_leaves(per_sample)
    norms = jnp.sqrt(sum(jnp.sum(leaf.reshape(len(LABELS), -1) ** 2, axis=1) for leaf in leaves))

    def flat(tree):
        ws, bs = tree
        return [float(v) for w in ws for v in jnp.ravel(w)] + [float(v) for b in bs for v in b]

    def swift(name, values):
        numbers = [repr(float(v)) for v in values]
        lines = [", ".join(numbers[i:i + 4]) for i in range(0, len(numbers), 4)]
        return f"    static let {name}: [Double] = [\n        " + ",\n        ".join(lines) + ",\n    ]"

    print("// Written by scripts/make_product_fixtures.py (JAX " + jax.__version__ + ", float64): the derivative")
    print("// products of its small tanh net with biases, flattened row-major (weights, then biases).")
    print("enum ProductFixtures {")
    print(swift("jvp", jnp.ravel(jvp)))
    print(swift("vjpInputs", jnp.ravel(vjp_x)))
    print(swift("vjpParameters", flat(vjp_theta)))
    print(f"    static let loss = {float(loss)!r}")
    print(swift("gradient", flat(grad)))
    print(swift("hvp", flat(hvp)))
    print(swift("ggnvp", flat(ggnvp)))
    print(swift("perSampleNorms", norms))
    print("}")


if __name__ == "__main__":
    main()
