#if canImport(Glibc)
import Glibc
#endif

/// Scores of predicted probabilities against 0/1 labels.
public enum ClassificationMetrics {
    /// The mean log loss `(1/n) Σ [log(1 + e^{z_i}) − y_i z_i]` from the logits `z_i` (the linear
    /// predictor), which stays exact where `p_i` rounds to 0 or 1 (scikit-learn's `log_loss`
    /// clips `p` to `[ε, 1 − ε]` instead; the two agree until a probability is within `ε` of 0 or 1).
    public static func logLoss(logits: [Double], labels: [Double]) -> Double {
        precondition(logits.count == labels.count, "one label per logit")
        guard !logits.isEmpty else { return .nan }
        var total = 0.0
        for (z, y) in zip(logits, labels) { total += Logistic.negativeLogLikelihood(z, label: y) }
        return total / Double(logits.count)
    }

    /// The fraction of samples with `(z_i > 0) == (y_i == 1)`: class 1 exactly when `p_i > ½`, as
    /// scikit-learn's `predict`.
    public static func accuracy(logits: [Double], labels: [Double]) -> Double {
        precondition(logits.count == labels.count, "one label per logit")
        guard !logits.isEmpty else { return .nan }
        let correct = zip(logits, labels).reduce(0) { $0 + (($1.0 > 0) == ($1.1 == 1) ? 1 : 0) }
        return Double(correct) / Double(logits.count)
    }

    /// The area under the ROC curve, `P(s₊ > s₋) + ½ P(s₊ = s₋)` over pairs of a positive and a
    /// negative sample: the Mann–Whitney statistic with mid-ranks for ties,
    /// `(Σ_{y_i = 1} rank_i − n₊(n₊ + 1)/2) / (n₊ n₋)`, which equals the trapezoidal area of
    /// scikit-learn's `roc_auc_score` (ties give diagonal segments). `nil` when one class is absent.
    public static func rocAUC(scores: [Double], labels: [Double]) -> Double? {
        precondition(scores.count == labels.count, "one label per score")
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0, positives = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            // Ranks start + 1 … end share their mean.
            let midRank = Double(start + 1 + end) / 2
            for k in start..<end where labels[order[k]] == 1 {
                positiveRankSum += midRank
                positives += 1
            }
            start = end
        }
        let negatives = Double(scores.count) - positives
        guard positives > 0, negatives > 0 else { return nil }
        return (positiveRankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    // MARK: K classes, from the predicted probabilities (n × K) and each row's class index

    /// The mean log loss `−(1/n) Σ_i log p_{i,y_i}` (scikit-learn's `log_loss` without its
    /// clipping: a probability that is exactly 0 gives +∞).
    public static func logLoss(probabilities p: Matrix<Double>, classes: [Int]) -> Double {
        precondition(p.rows == classes.count, "one class per row")
        guard !classes.isEmpty else { return .nan }
        return -classes.enumerated().reduce(0) { $0 + log(p[$1.offset, $1.element]) } / Double(classes.count)
    }

    /// The most probable class of each row (the first of equal ones, as numpy's `argmax`).
    public static func predictedClasses(probabilities p: Matrix<Double>) -> [Int] {
        (0..<p.rows).map { i in (0..<p.columns).reduce(0) { p[i, $1] > p[i, $0] ? $1 : $0 } }
    }

    /// The fraction of rows whose most probable class is their class.
    public static func accuracy(probabilities p: Matrix<Double>, classes: [Int]) -> Double {
        guard !classes.isEmpty else { return .nan }
        let correct = zip(predictedClasses(probabilities: p), classes).filter { $0 == $1 }.count
        return Double(correct) / Double(classes.count)
    }

    /// `C[t][q]`: the rows of class `t` predicted as class `q` (rows = true class, as scikit-learn's
    /// `confusion_matrix`).
    public static func confusion(probabilities p: Matrix<Double>, classes: [Int]) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: p.columns), count: p.columns)
        for (predicted, truth) in zip(predictedClasses(probabilities: p), classes) { counts[truth][predicted] += 1 }
        return counts
    }
}
