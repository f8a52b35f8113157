import Foundation
import Experiments
import SimulationKernel
import Statistics

/// `report.md`: per scenario (and grid point), strategies × key metrics as mean ± half-width
/// with the best mean in bold, then the best strategy paired against the runner-up on each
/// key metric. Renders on GitHub.
public enum MarkdownReport {
    /// Differences with a paired p-value below this are called significant.
    public static let significanceLevel = 0.05

    public static func render(_ groups: [ComparisonGroup], suite: Suite, toolVersion: String) -> String {
        let percent = formatNumber((suite.confidence * 100).rounded(toPlaces: 1))
        var lines: [String] = []
        lines.append("# coordbench report: \(suite.name)")
        lines.append("")
        if !suite.description.isEmpty { lines.append(suite.description); lines.append("") }
        let reps = Set(suite.entries.map(\.replications)).sorted().map(String.init).joined(separator: "/")
        lines.append("Suite `\(suite.path)` · base seed \(suite.seed) · \(reps) replications per strategy · "
                     + "mean ± half-width of the \(percent) % t-interval · coordbench \(toolVersion)")
        lines.append("")
        lines.append("Every strategy of a replication faces the same workload (common random numbers), so "
                     + "differences are tested pairwise (paired t-test, significant when p < \(formatNumber(significanceLevel))). "
                     + "↑ higher is better, ↓ lower is better; the best mean of each column is in **bold**.")
        let chartNames = CostQualityFrontier.fileNames(groups)
        for (index, group) in groups.enumerated() {
            lines.append("")
            var title = "## \(group.scenario.name)"
            if !group.point.isEmpty { title += " — " + group.point.map { "\($0.key) = \($0.value)" }.joined(separator: ", ") }
            lines.append(title)
            lines.append("")
            var about = "Family `\(group.scenario.family.rawValue)` · `\(group.scenario.path)`"
            if !group.scenario.description.isEmpty { about += " · " + group.scenario.description }
            lines.append(about)
            lines.append("")
            lines += table(group)
            lines.append("")
            lines += pairedComparisons(group)
            if let frontier = CostQualityFrontier(group) {
                lines += ["", "Cost–quality frontier (means; a strategy is on it when no other is at least as good "
                          + "on both and better on one):", ""]
                lines += frontier.table()
                lines += ["", "![cost–quality frontier of \(group.scenario.name)](\(chartNames[index]!))"]
            }
            if !group.unfinished.isEmpty {
                lines.append("")
                let notes = group.unfinished.map { "\($0.strategy): \($0.count) stopped at \($0.reason.rawValue)" }
                lines.append("⚠ Runs that did not finish their work (metrics cover the time until the stop): "
                             + notes.joined(separator: "; ") + ".")
            }
            // After the last grid point of a scenario, compare the points side by side.
            let isLast = index + 1 == groups.count || groups[index + 1].scenario.name != group.scenario.name
            let points = groups.filter { $0.scenario.name == group.scenario.name }
            if isLast && points.count > 1 { lines += gridOverview(points) }
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    static func keyMetrics(_ group: ComparisonGroup) -> [Int] {
        group.metrics.indices.filter { group.metrics[$0].isKey }
    }

    static func table(_ group: ComparisonGroup) -> [String] {
        let keys = keyMetrics(group)
        var header = "| strategy |"
        var rule = "|---|"
        for m in keys {
            let metric = group.metrics[m]
            header += " \(metric.name) \(metric.direction.arrow) (\(metric.unit)) |"
            rule += "---:|"
        }
        var lines = [header, rule]
        let bold = keys.map { group.best(metric: $0) }
        for (s, strategy) in group.strategies.enumerated() {
            var row = "| \(strategy) |"
            for (k, m) in keys.enumerated() {
                var cell = formatInterval(group.summary(strategy: s, metric: m))
                if bold[k].contains(s) { cell = "**\(cell)**" }
                row += " \(cell) |"
            }
            lines.append(row)
        }
        return lines
    }

    /// One table per key metric: grid points × strategies, means only, the best of each row
    /// in bold — how the comparison changes across the grid (loads, tactic populations…).
    static func gridOverview(_ points: [ComparisonGroup]) -> [String] {
        let first = points[0]
        var lines = ["", "### \(first.scenario.name) across the grid", "",
                     "Means per grid point; the best strategy of each row in bold."]
        for m in keyMetrics(first) {
            let metric = first.metrics[m]
            lines += ["", "**\(metric.name)** \(metric.direction.arrow) (\(metric.unit))", "",
                      "| grid point | " + first.strategies.joined(separator: " | ") + " |",
                      "|---|" + String(repeating: "---:|", count: first.strategies.count)]
            for group in points {
                let bold = group.best(metric: m)
                let cells = group.strategies.indices.map { s -> String in
                    let text = format(group.summary(strategy: s, metric: m).mean)
                    return bold.contains(s) ? "**\(text)**" : text
                }
                let label = group.point.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")
                lines.append("| \(label) | " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines
    }

    static func pairedComparisons(_ group: ComparisonGroup) -> [String] {
        guard group.strategies.count >= 2 else { return [] }
        var lines = ["| metric | best | runner-up | difference (best − runner-up) | p (paired) | significant |",
                     "|---|---|---|---:|---:|:---:|"]
        var tiedEverywhere: [String] = []
        for m in keyMetrics(group) {
            let ranking = group.ranking(metric: m)
            guard ranking.count >= 2 else { continue }
            if ranking.allSatisfy(\.tiesBest) {
                tiedEverywhere.append(group.metrics[m].name)
                continue
            }
            // The best (with any strategies tied with it) against the best of the rest.
            let best = ranking[0].strategy
            let tied = ranking.filter(\.tiesBest).map { group.strategies[$0.strategy] }
            let second = ranking.first { !$0.tiesBest }!.strategy
            let test = PairedComparison(group.values[best][m], group.values[second][m], confidence: group.confidence)
            let diff = format(test.meanDifference, halfWidth: test.halfWidth)
            let significant = test.pValue.isNaN ? "–" : (test.pValue < significanceLevel ? "yes" : "no")
            let bestLabel = tied.count > 1 ? tied.joined(separator: " = ") : tied[0]
            lines.append("| \(group.metrics[m].name) | \(bestLabel) | \(group.strategies[second]) | "
                         + "\(diff) | \(formatP(test.pValue)) | \(significant) |")
        }
        if !tiedEverywhere.isEmpty {
            lines.append("")
            lines.append("All strategies tie on " + tiedEverywhere.joined(separator: ", ") + ".")
        }
        return lines
    }

    /// `mean ± half-width`: the half-width to two significant digits and the mean to the
    /// same decimal place; four significant digits when there is no interval.
    static func formatInterval(_ summary: Summary) -> String {
        format(summary.mean, halfWidth: summary.halfWidth)
    }

    static func format(_ value: Double, halfWidth: Double) -> String {
        if value.isNaN { return "–" }
        guard !halfWidth.isNaN else { return format(value) }
        guard halfWidth > 0 else { return format(value) + " ± 0" }
        let decimals = max(0, 1 - Int(floor(log10(halfWidth))))
        if decimals > 6 || abs(value) >= 1e6 { return format(value) + " ± " + String(format: "%.1e", halfWidth) }
        return String(format: "%.\(decimals)f ± %.\(decimals)f", value, halfWidth)
    }

    /// Four significant digits, no exponent for ordinary magnitudes.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "–" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return String(format: "%.3e", value) }
        let digits = max(0, 3 - Int(floor(log10(magnitude))))
        return String(format: "%.\(digits)f", value)
    }

    static func formatP(_ p: Double) -> String {
        if p.isNaN { return "–" }
        if p < 0.0001 { return "< 0.0001" }
        return String(format: "%.4f", p)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
