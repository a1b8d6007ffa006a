#!/usr/bin/env python3
"""Writes Tests/LinalgTests/LogisticFixtures.swift: small generated data sets with the values that
statsmodels (inference), scikit-learn (predict_proba, roc_auc_score) compute for them.

Run once, from the repository root, in a venv outside the checkout:
    python -m venv /tmp/venv && /tmp/venv/bin/pip install numpy statsmodels scikit-learn
    /tmp/venv/bin/python scripts/make_logistic_fixtures.py
The tests read only the generated Swift file; they never need Python.
"""

import warnings

import numpy as np
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

OUT = "Tests/LinalgTests/LogisticFixtures.swift"
rng = np.random.default_rng(20261202)


def swift(values, indent=12):
    """A Swift array literal, wrapped so that no line is longer than 120 characters."""
    items = [repr(float(v)) for v in np.asarray(values, dtype=float).ravel()]
    lines, line = [], ""
    for item in items:
        if line and len(line) + len(item) + 2 + indent > 118:
            lines.append(line + ",")
            line = ""
        line = item if not line else line + ", " + item
    lines.append(line)
    if len(lines) == 1 and len(lines[0]) + 30 <= 118:  # room for the label before it
        return "[" + lines[0] + "]"
    pad = " " * indent
    return "[\n" + "\n".join(pad + l for l in lines) + "\n" + " " * (indent - 4) + "]"


def data(n, d):
    x = rng.normal(size=(n, d)) * np.array([1.0, 2.0, 0.5, 3.0][:d])
    truth = rng.normal(size=d) * 0.7
    z = x @ truth - 0.3
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(float)
    return x, y


def inference_case(name, x, y, result, weights=None, offsets=None, intercept=True, null=True, shared=None):
    """A fixture; with `shared`, X and y are the static arrays `<shared>X`, `<shared>Y`."""
    conf = np.asarray(result.conf_int(0.05))
    conf90 = np.asarray(result.conf_int(0.10))
    bic = result.bic_llf if hasattr(result, "bic_llf") else result.bic
    lines = [
        f"    static let {name} = InferenceFixture(",
        f"        rows: {x.shape[0]}, columns: {x.shape[1]}, x: {f'{shared}X' if shared else swift(x)},",
        f"        y: {f'{shared}Y' if shared else swift(y)},",
        f"        weights: {swift(weights) if weights is not None else 'nil'},",
        f"        offsets: {swift(offsets) if offsets is not None else 'nil'},",
        f"        intercept: {'true' if intercept else 'false'},",
        f"        parameters: {swift(result.params)},",
        f"        standardErrors: {swift(result.bse)},",
        f"        zValues: {swift(result.tvalues)},",
        f"        pValues: {swift(result.pvalues)},",
        f"        lower: {swift(conf[:, 0])},",
        f"        upper: {swift(conf[:, 1])},",
        f"        lower90: {swift(conf90[:, 0])},",
        f"        upper90: {swift(conf90[:, 1])},",
        f"        covariance: {swift(result.cov_params())},",
        f"        logLikelihood: {float(result.llf)!r},",
        f"        nullLogLikelihood: {repr(float(result.llnull)) if null else 'nil'},",
        f"        aic: {float(result.aic)!r}, bic: {float(bic)!r})",
    ]
    return "\n".join(lines)


cases = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    # Logit with the constant last, as Linalg orders its parameters.
    x, y = data(200, 3)
    exog = np.column_stack([x, np.ones(len(y))])
    cases.append(f"    static let logitX: [Double] = {swift(x, indent=8)}")
    cases.append(f"    static let logitY: [Double] = {swift(y, indent=8)}")
    cases.append(inference_case("logit", x, y, sm.Logit(y, exog).fit(disp=0, tol=1e-14, maxiter=100), shared="logit"))
    cases.append(
        inference_case("logitHC0", x, y, sm.Logit(y, exog).fit(disp=0, cov_type="HC0", tol=1e-14, maxiter=100),
                       shared="logit"))
    # No intercept: Linalg's null model is then β = 0, statsmodels' is a constant; only ℓ etc.
    cases.append(
        inference_case("logitNoIntercept", x, y, sm.Logit(y, x).fit(disp=0, tol=1e-14, maxiter=100),
                       intercept=False, null=False, shared="logit"))
    # Frequency weights.
    x, y = data(150, 4)
    w = rng.integers(1, 4, size=len(y)).astype(float)
    exog = np.column_stack([x, np.ones(len(y))])
    glm = sm.GLM(y, exog, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-14, maxiter=100)
    cases.append(inference_case("weighted", x, y, glm, weights=w))
    # Offsets.
    x, y = data(180, 2)
    o = rng.normal(size=len(y)) * 0.8
    exog = np.column_stack([x, np.ones(len(y))])
    glm = sm.GLM(y, exog, family=sm.families.Binomial(), offset=o).fit(tol=1e-14, maxiter=100)
    cases.append(inference_case("offset", x, y, glm, offsets=o))

# predict_proba on given coefficients, and roc_auc_score with ties in the scores.
x, y = data(40, 3)
model = LogisticRegression()
model.classes_ = np.array([0.0, 1.0])
model.coef_ = np.array([[0.8, -1.3, 2.1]])
model.intercept_ = np.array([-0.4])
probabilities = model.predict_proba(x)[:, 1]
scores = np.round(rng.uniform(size=60), 1)  # one decimal: many ties
labels = (rng.uniform(size=60) < scores).astype(float)
auc = roc_auc_score(labels, scores)

header = f'''// Generated by scripts/make_logistic_fixtures.py (statsmodels {statsmodels.__version__},
// scikit-learn {sklearn.__version__}, numpy {np.__version__}); do not edit.
// swift-format-ignore-file

struct InferenceFixture {{
    var rows: Int, columns: Int, x: [Double], y: [Double], weights: [Double]?, offsets: [Double]?
    var intercept: Bool
    var parameters: [Double], standardErrors: [Double], zValues: [Double], pValues: [Double]
    var lower: [Double], upper: [Double], lower90: [Double], upper90: [Double], covariance: [Double]
    var logLikelihood: Double, nullLogLikelihood: Double?, aic: Double, bic: Double
}}

enum LogisticFixtures {{
'''
body = "\n".join(cases)
tail = f'''
    static let predictX: [Double] = {swift(x)}
    static let predictCoefficients: [Double] = [0.8, -1.3, 2.1]
    static let predictIntercept = -0.4
    static let predictProbabilities: [Double] = {swift(probabilities)}
    static let aucScores: [Double] = {swift(scores)}
    static let aucLabels: [Double] = {swift(labels)}
    static let auc = {auc!r}
}}
'''
with open(OUT, "w") as f:
    f.write(header + body + "\n" + tail)
print("wrote", OUT)
