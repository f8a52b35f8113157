import Foundation
import Experiments
import SimulationKernel

/// The cost–quality frontier of a comparison group: which strategies are Pareto-optimal in
/// (quality ↑, cost ↓), by their means over the replications.
public struct CostQualityFrontier: Sendable {
    public struct Point: Sendable {
        public let strategy: String
        public let quality: Double
        public let cost: Double
        public let optimal: Bool
    }

    public let qualityMetric: String
    public let costMetric: String
    public let points: [Point]

    public init?(_ group: ComparisonGroup) {
        guard let frontier = group.scenario.family.frontier,
              let q = group.metrics.firstIndex(where: { $0.name == frontier.quality }),
              let c = group.metrics.firstIndex(where: { $0.name == frontier.cost }) else { return nil }
        qualityMetric = frontier.quality
        costMetric = frontier.cost
        let means = group.strategies.indices.map {
            (group.summary(strategy: $0, metric: q).mean, group.summary(strategy: $0, metric: c).mean)
        }
        points = group.strategies.indices.compactMap { s in
            let (quality, cost) = means[s]
            guard !quality.isNaN && !cost.isNaN else { return nil }
            let dominated = means.indices.contains { o in
                o != s && means[o].0 >= quality && means[o].1 <= cost && (means[o].0 > quality || means[o].1 < cost)
            }
            return Point(strategy: group.strategies[s], quality: quality, cost: cost, optimal: !dominated)
        }
    }

    /// Markdown table, frontier members first by cost, then the others by cost.
    public func table() -> [String] {
        var lines = ["| strategy | \(qualityMetric) ↑ | \(costMetric) ↓ | on the frontier |", "|---|---:|---:|:---:|"]
        let ordered = points.filter(\.optimal).sorted { $0.cost < $1.cost } + points.filter { !$0.optimal }.sorted { $0.cost < $1.cost }
        for p in ordered {
            lines.append("| \(p.strategy) | \(MarkdownReport.format(p.quality)) | \(MarkdownReport.format(p.cost)) | "
                         + (p.optimal ? "✓" : "") + " |")
        }
        return lines
    }

    /// A self-contained SVG scatter chart: cost on the x axis (logarithmic when the costs
    /// span more than a factor of 20), quality on the y axis, every strategy labelled, the
    /// frontier drawn as a step line through its members.
    public func svg(title: String) -> String {
        let width = 720.0, height = 440.0, left = 70.0, right = 190.0, top = 40.0, bottom = 50.0
        let costs = points.map(\.cost).filter { $0 > 0 }
        let lo = costs.min() ?? 0, hi = points.map(\.cost).max() ?? 1
        let logScale = lo > 0 && hi / lo > 20
        func x(_ cost: Double) -> Double {
            let span = width - left - right
            if logScale {
                let a = log10(lo) - 0.1, b = log10(hi) + 0.1
                return left + (log10(max(cost, lo)) - a) / (b - a) * span
            }
            let b = hi > 0 ? hi * 1.1 : 1
            return left + cost / b * span
        }
        let qualities = points.map(\.quality)
        let qlo = max(0, (qualities.min() ?? 0) - 0.05), qhi = min(1, (qualities.max() ?? 1) + 0.05)
        func y(_ q: Double) -> Double {
            top + (1 - (q - qlo) / max(qhi - qlo, 1e-9)) * (height - top - bottom)
        }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(f(left))\" y=\"22\" font-size=\"14\" font-weight=\"bold\">\(Self.escape(title))</text>",
            "<line x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - right))\" y2=\"\(f(height - bottom))\" stroke=\"black\"/>",
            "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(height - bottom))\" stroke=\"black\"/>",
            "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">"
                + "\(costMetric)\(logScale ? " (log scale)" : "") ↓</text>",
            "<text transform=\"translate(18,\(f((top + height - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">"
                + "\(qualityMetric) ↑</text>",
        ]
        for k in 0...4 {
            let q = qlo + (qhi - qlo) * Double(k) / 4
            svg.append("<line x1=\"\(f(left - 4))\" y1=\"\(f(y(q)))\" x2=\"\(f(left))\" y2=\"\(f(y(q)))\" stroke=\"black\"/>"
                       + "<text x=\"\(f(left - 8))\" y=\"\(f(y(q) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", q))</text>")
        }
        var ticks: [Double] = []
        if logScale {
            let first = Int(floor(log10(lo))), last = Int(ceil(log10(hi)))
            for e in first...last {
                let t = pow(10.0, Double(e))
                let position = x(t)
                if position >= left && position <= width - right { ticks.append(t) }
            }
        } else {
            for k in 0...4 { ticks.append(Double(k) / 4 * hi * 1.1) }
        }
        for t in ticks {
            svg.append("<line x1=\"\(f(x(t)))\" y1=\"\(f(height - bottom))\" x2=\"\(f(x(t)))\" y2=\"\(f(height - bottom + 4))\" stroke=\"black\"/>"
                       + "<text x=\"\(f(x(t)))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\">\(String(format: "%g", t))</text>")
        }
        // The frontier as a step line: from each member, right to the next cheaper-is-better one.
        let frontier = points.filter(\.optimal).sorted { $0.cost < $1.cost }
        if frontier.count > 1 {
            var path = "M \(f(x(frontier[0].cost))) \(f(y(frontier[0].quality)))"
            for p in frontier.dropFirst() { path += " H \(f(x(p.cost))) V \(f(y(p.quality)))" }
            svg.append("<path d=\"\(path)\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>")
        }
        // Labels to the right of their points, moved up or down when they would overlap one
        // already placed (boxes estimated at 7 px per character, 14 px high).
        var placed: [(x: Double, y: Double, w: Double)] = []
        for p in points.sorted(by: { ($0.cost, $0.strategy) < ($1.cost, $1.strategy) }) {
            let colour = p.optimal ? "#d62728" : "#1f77b4"
            let px = x(p.cost), py = y(p.quality)
            let w = Double(p.strategy.count) * 7
            var ly = py + 4
            for dy in [4.0, -10, 18, -24, 32, -38, 46] {
                ly = py + dy
                if !placed.contains(where: { abs($0.y - ly) < 14 && px + 8 < $0.x + $0.w && $0.x < px + 8 + w }) { break }
            }
            placed.append((px + 8, ly, w))
            svg.append("<circle cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"5\" fill=\"\(colour)\"/>"
                       + "<text x=\"\(f(px + 8))\" y=\"\(f(ly))\">\(Self.escape(p.strategy))</text>")
        }
        svg.append("<text x=\"\(f(width - 10))\" y=\"22\" text-anchor=\"end\"><tspan fill=\"#d62728\">● on the frontier</tspan>"
                   + "  <tspan fill=\"#1f77b4\">● dominated</tspan></text>")
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The preferred file name for the chart of `group`: `frontier-<scenario>[-<point>].svg`,
    /// made of letters, digits, '-' and '.' only. Different groups can map to the same name
    /// (`a b`, `a/b` and `a-b`), and a name can be long: `fileNames` settles both.
    public static func fileName(_ group: ComparisonGroup) -> String {
        stem(group) + ".svg"
    }

    static func stem(_ group: ComparisonGroup) -> String {
        var name = "frontier-" + group.scenario.name
        if !group.point.isEmpty { name += "-" + group.point.map { "\($0.key)=\($0.value)" }.joined(separator: "-") }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        return String(name.map { allowed.contains($0) ? $0 : "-" })
    }

    /// At most this many bytes in a chart's file name.
    public static let maximumFileNameLength = 120

    /// The chart file names of a results folder: for each group with a frontier (nil for the
    /// others), a name unique within the folder (also ignoring case) and at most 120 bytes.
    /// A group keeps its `fileName` when that is short and no other group's is the same;
    /// otherwise the name is cut short and ends with a hash of the group's full key
    /// (scenario and grid point) — deterministic, so the report's links and the files agree.
    public static func fileNames(_ groups: [ComparisonGroup]) -> [String?] {
        let charted = groups.map { CostQualityFrontier($0) != nil }
        let preferred = groups.map(fileName)
        var counts: [String: Int] = [:]
        for (index, name) in preferred.enumerated() where charted[index] { counts[name.lowercased(), default: 0] += 1 }
        var names: [String?] = Array(repeating: nil, count: groups.count)
        var taken = Set<String>()
        // Unique short names first, so a hashed name can never take one of them.
        for index in groups.indices where charted[index] {
            let name = preferred[index]
            if counts[name.lowercased()] == 1 && name.utf8.count <= maximumFileNameLength {
                names[index] = name
                taken.insert(name.lowercased())
            }
        }
        for index in groups.indices where charted[index] && names[index] == nil {
            let group = groups[index]
            let key = group.scenario.name + "\u{1F}" + group.point.map { $0.key + "\u{1E}" + $0.value }.joined(separator: "\u{1F}")
            var attempt = 0
            while true {
                let hash = StableHash.hex(StableHash.fnv1a((attempt == 0 ? key : key + "\u{1F}\(attempt)").utf8)).prefix(12)
                let tail = "-" + hash + ".svg"
                let name = String(stem(group).prefix(maximumFileNameLength - tail.utf8.count)) + tail
                if taken.insert(name.lowercased()).inserted {
                    names[index] = name
                    break
                }
                attempt += 1
            }
        }
        return names
    }
}
