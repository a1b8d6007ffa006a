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
}
