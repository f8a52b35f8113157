/// Adjustments of p-values for a family of hypotheses tested together (several metrics, or
/// several strategies against one baseline).
public enum MultipleComparisons {
    /// Holm–Bonferroni adjusted p-values, in the order given.
    ///
    /// With the m defined p-values sorted ascending, p₍ᵢ₎ becomes maxⱼ≤ᵢ min(1, (m − j + 1)·p₍ⱼ₎):
    /// step-down, so the adjusted values keep the order of the raw ones, and capped at 1.
    /// Rejecting where the adjusted value is ≤ α controls the family-wise error rate at α.
    /// NaN entries stay NaN and do not count in m. Matches statsmodels
    /// `multipletests(p, method="holm")`.
    public static func holm(_ p: [Double]) -> [Double] {
        let order = p.indices.filter { !p[$0].isNaN }.sorted { p[$0] < p[$1] }
        var adjusted = p
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(order.count - rank) * p[i]))
            adjusted[i] = running
        }
        return adjusted
    }
}
