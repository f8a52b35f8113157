import Foundation
import Experiments
import SimulationKernel
import Vocabulary

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
    /// The metrics' units, for the chart's axis titles ("" when unknown).
    public let qualityUnit: String
    public let costUnit: String

    public init?(_ group: ComparisonGroup) {
        guard let frontier = group.frontier, let (q, c) = Self.metrics(frontier, in: group.metrics) else { return nil }
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
        let (qualityName, costName) = (qualityMetric, costMetric)
        qualityUnit = group.metrics.first { $0.name == qualityName }?.unit ?? ""
        costUnit = group.metrics.first { $0.name == costName }?.unit ?? ""
    }

    /// The indices of a frontier's quality and cost metrics among `metrics`; nil (no chart) when
    /// either is missing.
    static func metrics(_ frontier: (quality: String, cost: String), in metrics: [MetricDescriptor]) -> (Int, Int)? {
        guard let q = metrics.firstIndex(where: { $0.name == frontier.quality }),
              let c = metrics.firstIndex(where: { $0.name == frontier.cost }) else { return nil }
        return (q, c)
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

    /// A self-contained SVG scatter chart: cost on the x axis (logarithmic, a power of ten at
    /// each end, when every cost is positive and they span more than a factor of 20), quality
    /// on the y axis, both with the metrics' units in their titles and ticks from `Axis`; every
    /// strategy labelled, the frontier drawn as a step line through its members.
    public func svg(title: String) -> String {
        let width = 720.0, height = 440.0, left = 70.0, right = 190.0, top = 40.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let points = self.points.filter { $0.cost.isFinite && $0.quality.isFinite }  // no place on a chart for ±∞
        let costs = points.map(\.cost), qualities = points.map(\.quality)
        let cmin = costs.min() ?? 0, cmax = costs.max() ?? 1
        let logScale = cmin > 0 && cmax / cmin > 20
        let costAxis = logScale ? Axis.logarithmic(lo: cmin, hi: cmax) : Axis.linear(lo: cmin, hi: cmax)
        let qualityAxis = Axis.linear(lo: qualities.min() ?? 0, hi: qualities.max() ?? 1)
        func x(_ cost: Double) -> Double { left + costAxis.position(of: cost) * plotWidth }
        func y(_ q: Double) -> Double { top + (1 - qualityAxis.position(of: q)) * plotHeight }
        func f(_ v: Double) -> String { Printf.format("%.1f", v) }
        func axisTitle(_ metric: String, _ unit: String, _ extra: String?) -> String {
            let notes = [unit, extra ?? ""].filter { !$0.isEmpty }
            return Self.escape(metric + (notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"))
        }
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
        ]
        // The title in 14 px bold (estimated 8.5 px per character); smaller when that would not fit
        // the chart's width, down to 9 px, and then cut short with "…" (whole in <title>).
        let room = width - left - 10
        var heading = title, size = 14.0
        if Double(title.count) * 8.5 > room {
            size = max(9, (14 * room / (Double(title.count) * 8.5)).rounded(.down))
            let fits = Int(room / (8.5 * size / 14))
            if title.count > fits { heading = String(title.prefix(fits - 1)) + "…" }
        }
        // The whole title too, as the chart's accessible name (a viewer's tooltip).
        svg.append("<title>\(Self.escape(title))</title>")
        svg.append("<text x=\"\(f(left))\" y=\"22\" font-size=\"\(Int(size))\" font-weight=\"bold\">\(Self.escape(heading))</text>")
        // Grid lines at the labelled ticks, under everything else.
        for t in costAxis.ticks where t.major && x(t.value) > left + 0.5 {
            svg.append("<line x1=\"\(f(x(t.value)))\" y1=\"\(f(top))\" x2=\"\(f(x(t.value)))\" y2=\"\(f(height - bottom))\" stroke=\"#e5e5e5\"/>")
        }
        for t in qualityAxis.ticks where t.major && y(t.value) < height - bottom - 0.5 {
            svg.append("<line x1=\"\(f(left))\" y1=\"\(f(y(t.value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(t.value)))\" stroke=\"#e5e5e5\"/>")
        }
        svg += [
            "<line x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - right))\" y2=\"\(f(height - bottom))\" stroke=\"black\"/>",
            "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(height - bottom))\" stroke=\"black\"/>",
            "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">"
                + "\(axisTitle(costMetric, costUnit, logScale ? "log scale" : nil)) ↓</text>",
            "<text transform=\"translate(18,\(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">"
                + "\(axisTitle(qualityMetric, qualityUnit, nil)) ↑</text>",
        ]
        for t in qualityAxis.ticks {
            let length = t.major ? 5.0 : 3.0
            svg.append("<line x1=\"\(f(left - length))\" y1=\"\(f(y(t.value)))\" x2=\"\(f(left))\" y2=\"\(f(y(t.value)))\" stroke=\"black\"/>"
                       + (t.label.isEmpty ? "" : "<text x=\"\(f(left - 8))\" y=\"\(f(y(t.value) + 4))\" text-anchor=\"end\">\(t.label)</text>"))
        }
        // Cost labels: every one, or every n-th when long labels would touch (7 px per character).
        let labelled = costAxis.ticks.filter { !$0.label.isEmpty }
        let every = (1...max(labelled.count, 1)).first { n in
            let shown = stride(from: 0, to: labelled.count, by: n).map { labelled[$0] }
            return zip(shown, shown.dropFirst()).allSatisfy { a, b in
                x(b.value) - x(a.value) >= Double(a.label.count + b.label.count) * 3.5 + 6
            }
        } ?? 1
        for t in costAxis.ticks {
            let length = t.major ? 5.0 : 3.0
            let shown = labelled.firstIndex(of: t).map { $0 % every == 0 } ?? false
            svg.append("<line x1=\"\(f(x(t.value)))\" y1=\"\(f(height - bottom))\" x2=\"\(f(x(t.value)))\" y2=\"\(f(height - bottom + length))\" stroke=\"black\"/>"
                       + (shown ? "<text x=\"\(f(x(t.value)))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\">\(t.label)</text>" : ""))
        }
        // Boxes (x0, y0, x1, y1) that a label must not cover: the points, the frontier's segments.
        var obstacles: [(Double, Double, Double, Double)] = points.map {
            let (px, py) = (x($0.cost), y($0.quality))
            return (px - 6, py - 6, px + 6, py + 6)
        }
        // The frontier as a step line: from each member, right to the next cheaper-is-better one.
        let frontier = points.filter(\.optimal).sorted { $0.cost < $1.cost }
        if frontier.count > 1 {
            var path = "M \(f(x(frontier[0].cost))) \(f(y(frontier[0].quality)))"
            for (a, b) in zip(frontier, frontier.dropFirst()) {
                path += " H \(f(x(b.cost))) V \(f(y(b.quality)))"
                let (ax, ay, bx, by) = (x(a.cost), y(a.quality), x(b.cost), y(b.quality))
                obstacles.append((ax, ay - 1.5, bx, ay + 1.5))
                obstacles.append((bx - 1.5, min(ay, by), bx + 1.5, max(ay, by)))
            }
            svg.append("<path d=\"\(path)\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>")
        }
        for p in points {
            svg.append("<circle cx=\"\(f(x(p.cost)))\" cy=\"\(f(y(p.quality)))\" r=\"5\" fill=\"\(p.optimal ? "#d62728" : "#1f77b4")\"/>")
        }
        // Each label beside its point, right or left, level with it or moved up or down: of the
        // places inside the chart that cover no label already placed (nor have a leader line
        // crossing one), the one covering least of
        // the points and frontier segments (the nearest on a tie); failing that, the first place
        // that covers no label. Boxes are estimated at 7 px per character, from 9 px above the
        // baseline to 2.5 px below.
        var placed: [(Double, Double, Double, Double)] = []
        func overlaps(_ a: (Double, Double, Double, Double), _ b: (Double, Double, Double, Double)) -> Bool {
            a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
        }
        for p in points.sorted(by: { ($0.cost, $0.strategy) < ($1.cost, $1.strategy) }) {
            let px = x(p.cost), py = y(p.quality)
            let w = Double(p.strategy.count) * 7
            var candidates: [(box: (Double, Double, Double, Double), toLeft: Bool)] = []
            for dy in [4.0, -10, 18, -24, 32, -38, 46] {
                for toLeft in [false, true] {
                    let lx = toLeft ? px - 8 - w : px + 8
                    candidates.append(((lx, py + dy - 9, lx + w, py + dy + 2.5), toLeft))
                }
            }
            let inside = { (b: (Double, Double, Double, Double)) in
                b.0 >= 2 && b.2 <= width - 2 && b.1 >= top - 11 && b.3 <= height - bottom - 1
            }
            // A label moved more than a line away gets a thin leader line from its point, which
            // must not cross a label already placed or another point.
            func leader(_ c: (box: (Double, Double, Double, Double), toLeft: Bool)) -> (Double, Double, Double, Double)? {
                let (ex, ey) = (c.toLeft ? c.box.2 + 2 : c.box.0 - 2, (c.box.1 + c.box.3) / 2)
                let distance = ((ex - px) * (ex - px) + (ey - py) * (ey - py)).squareRoot()
                guard abs(ey - py) > 20 && distance > 7 else { return nil }
                return (px + (ex - px) / distance * 6, py + (ey - py) / distance * 6, ex, ey)
            }
            let free = { (c: (box: (Double, Double, Double, Double), toLeft: Bool)) -> Bool in
                if placed.contains(where: { overlaps($0, c.box) }) { return false }
                guard let (sx, sy, ex, ey) = leader(c) else { return true }
                return !(0...16).contains { i in
                    let (qx, qy) = (sx + (ex - sx) * Double(i) / 16, sy + (ey - sy) * Double(i) / 16)
                    return placed.contains { $0.0 <= qx && qx <= $0.2 && $0.1 <= qy && qy <= $0.3 }
                        || points.contains { o in
                            o.strategy != p.strategy && (x(o.cost) - qx) * (x(o.cost) - qx) + (y(o.quality) - qy) * (y(o.quality) - qy) < 36
                        }
                }
            }
            // How much of the points and frontier a box covers (area, in px²).
            let covered = { (b: (Double, Double, Double, Double)) in
                obstacles.reduce(0.0) { sum, o in sum + max(0, min(o.2, b.2) - max(o.0, b.0)) * max(0, min(o.3, b.3) - max(o.1, b.1)) }
            }
            let usable = candidates.filter { inside($0.box) && free($0) }
            let chosen = usable.min { covered($0.box) < covered($1.box) } ?? candidates.first { free($0) } ?? candidates[0]
            placed.append(chosen.box)
            if let (sx, sy, ex, ey) = leader(chosen) {
                svg.append("<line x1=\"\(f(sx))\" y1=\"\(f(sy))\" x2=\"\(f(ex))\" y2=\"\(f(ey))\" stroke=\"#999\" stroke-width=\"0.75\"/>")
            }
            let anchor = chosen.toLeft ? " text-anchor=\"end\"" : ""
            svg.append("<text x=\"\(f(chosen.toLeft ? chosen.box.2 : chosen.box.0))\" y=\"\(f(chosen.box.1 + 9))\"\(anchor)>"
                       + "\(Self.escape(p.strategy))</text>")
        }
        // The legend, bottom right beside the cost axis, where neither the title nor a label can be.
        svg.append("<text x=\"\(f(width - right + 24))\" y=\"\(f(height - bottom + 18))\" fill=\"#d62728\">● on the frontier</text>")
        svg.append("<text x=\"\(f(width - right + 24))\" y=\"\(f(height - bottom + 36))\" fill=\"#1f77b4\">● dominated</text>")
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// What names a group's chart: its scenario and grid point, and whether it has a chart.
    public struct ChartKey: Sendable {
        public let scenario: String
        public let point: [(key: String, value: String)]
        public let charted: Bool

        public init(scenario: String, point: [(key: String, value: String)], charted: Bool) {
            self.scenario = scenario
            self.point = point
            self.charted = charted
        }

        init(_ group: ComparisonGroup) {
            self.init(scenario: group.scenario.name, point: group.point, charted: CostQualityFrontier(group) != nil)
        }
    }

    /// The preferred file name for the chart of `group`: `frontier-<scenario>[-<point>].svg`,
    /// made of letters, digits, '-' and '.' only. Different groups can map to the same name
    /// (`a b`, `a/b` and `a-b`), and a name can be long: `fileNames` settles both.
    public static func fileName(_ group: ComparisonGroup) -> String {
        stem(ChartKey(group)) + ".svg"
    }

    static func stem(_ key: ChartKey) -> String {
        var name = "frontier-" + key.scenario
        if !key.point.isEmpty { name += "-" + key.point.map { "\($0.key)=\($0.value)" }.joined(separator: "-") }
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
        fileNames(groups.map(ChartKey.init))
    }

    /// The chart file names of the groups `keys` describe, in order (see above): known before
    /// any run, from the plan alone, so a streamed report can link its charts as it goes.
    public static func fileNames(_ keys: [ChartKey]) -> [String?] {
        let preferred = keys.map { stem($0) + ".svg" }
        var counts: [String: Int] = [:]
        for (index, name) in preferred.enumerated() where keys[index].charted { counts[name.lowercased(), default: 0] += 1 }
        var names: [String?] = Array(repeating: nil, count: keys.count)
        var taken = Set<String>()
        // Unique short names first, so a hashed name can never take one of them.
        for index in keys.indices where keys[index].charted {
            let name = preferred[index]
            if counts[name.lowercased()] == 1 && name.utf8.count <= maximumFileNameLength {
                names[index] = name
                taken.insert(name.lowercased())
            }
        }
        for index in keys.indices where keys[index].charted && names[index] == nil {
            let group = keys[index]
            let key = group.scenario + "\u{1F}" + group.point.map { $0.key + "\u{1E}" + $0.value }.joined(separator: "\u{1F}")
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
