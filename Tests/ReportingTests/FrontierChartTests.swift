import Foundation
import Testing
@testable import Experiments
@testable import Reporting

/// The cost–quality chart's axes: ticks inside the plot where their labels say, units in the
/// titles, a linear cost axis when a log one is impossible. Set COORDBENCH_CHART_DIR to a
/// folder to keep the SVGs for a look.
@Suite("Frontier chart")
struct FrontierChartTests {
    static let desk = GoldenTests.here.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios/agent-teams/support-desk.yaml").path

    /// The chart of strategies with the given mean (quality, cost), one replication each.
    static func chart(_ name: String, _ means: [(quality: Double, cost: Double)], title: String? = nil) throws -> String {
        let scenario = try ScenarioLoader.load(path: desk)
        let metrics = scenario.family.metrics
        let q = try #require(metrics.firstIndex { $0.name == "success-rate" })
        let c = try #require(metrics.firstIndex { $0.name == "cost-per-task" })
        let values = means.map { mean in metrics.indices.map { [$0 == q ? mean.quality : $0 == c ? mean.cost : 0] } }
        let record = Manifest.ScenarioRecord(name: scenario.name, family: scenario.family.rawValue, description: "",
                                             path: "support-desk.yaml", sha256: "", bytes: 0)
        let group = ComparisonGroup(scenario: record, point: [], strategies: means.indices.map { "strategy-\($0)" },
                                    metrics: metrics, keyMetrics: [q, c], baseline: nil,
                                    frontier: scenario.family.frontier, values: values, unfinished: [], confidence: 0.95)
        let svg = try #require(CostQualityFrontier(group)).svg(title: title ?? name)
        if let dir = ProcessInfo.processInfo.environment["COORDBENCH_CHART_DIR"] {
            try svg.write(toFile: dir + "/chart-" + name + ".svg", atomically: true, encoding: .utf8)
        }
        return svg
    }

    /// The numbers of attribute `name` in the elements of `svg` that start with `prefix`.
    static func attribute(_ name: String, of prefix: String, in svg: String) -> [Double] {
        svg.components(separatedBy: "\n").flatMap { line in
            line.components(separatedBy: prefix).dropFirst().compactMap { element -> Double? in
                guard let range = element.range(of: " \(name)=\"") else { return nil }
                return Double(element[range.upperBound...].prefix { $0 != "\"" })
            }
        }
    }

    /// Tick marks: (position, label) along the x axis (below y = 390) and the y axis (left of x = 70).
    static func ticks(_ svg: String) -> (x: [(Double, String)], y: [(Double, String)]) {
        var x: [(Double, String)] = [], y: [(Double, String)] = []
        for line in svg.components(separatedBy: "\n") where line.hasPrefix("<line ") && line.contains("stroke=\"black\"") {
            let x1 = attribute("x1", of: "<line", in: line)[0], y1 = attribute("y1", of: "<line", in: line)[0]
            let x2 = attribute("x2", of: "<line", in: line)[0], y2 = attribute("y2", of: "<line", in: line)[0]
            let label = line.range(of: "\">", options: .backwards).map { String(line[$0.upperBound...].prefix { $0 != "<" }) } ?? ""
            if x1 == x2 && y1 == 390 && y2 > 390 { x.append((x1, label)) }
            if y1 == y2 && x2 == 70 && x1 < 70 { y.append((y1, label)) }
        }
        return (x, y)
    }

    static func checkInsidePlot(_ svg: String) {
        let (x, y) = ticks(svg)
        #expect(x.count >= 2 && y.count >= 2)
        #expect(x.allSatisfy { (70...530).contains($0.0) }, "x ticks \(x)")
        #expect(y.allSatisfy { (40...390).contains($0.0) }, "y ticks \(y)")
        // The axes' ends are ticks: the domain is whole steps or whole decades.
        #expect(x.map(\.0).min() == 70 && x.map(\.0).max() == 530)
        #expect(y.map(\.0).min() == 40 && y.map(\.0).max() == 390)
        for cx in attribute("cx", of: "<circle", in: svg) { #expect((70...530).contains(cx)) }
        for cy in attribute("cy", of: "<circle", in: svg) { #expect((40...390).contains(cy)) }
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test("log cost axis: decades of equal width labelled with their powers of ten; units in the titles")
    func logAxis() throws {
        let svg = try Self.chart("log", [(0.3, 0.0023), (0.6, 0.05), (0.87, 4.1)])
        Self.checkInsidePlot(svg)
        let labelled = Self.ticks(svg).x.filter { !$0.1.isEmpty }
        #expect(labelled.map(\.0) == [70, 185, 300, 415, 530])
        #expect(labelled.map(\.1) == ["0.001", "0.01", "0.1", "1", "10"])
        #expect(Self.ticks(svg).y.map(\.1) == ["0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"])
        #expect(svg.contains(">cost-per-task (money, log scale) ↓</text>"))
        #expect(svg.contains(">success-rate (fraction) ↑</text>"))
        // The cheapest point is right of the 0.001 tick, where 0.0023 belongs.
        let cx = Self.attribute("cx", of: "<circle", in: svg)
        #expect(abs(cx[0] - (70 + (log10(0.0023) + 3) / 4 * 460)) < 0.06)
    }

    @Test("costs within a factor of 20: a linear cost axis with nice ticks")
    func linearAxis() throws {
        let svg = try Self.chart("linear", [(0.2, 0.12), (0.5, 0.3), (0.9, 0.37)])
        Self.checkInsidePlot(svg)
        #expect(Self.ticks(svg).x.map(\.1) == ["0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4"])
        #expect(svg.contains(">cost-per-task (money) ↓</text>"))
    }

    @Test("a cost of 0 makes a log axis impossible: linear from 0")
    func zeroCost() throws {
        let svg = try Self.chart("zero-cost", [(0.1, 0), (0.5, 0.01), (0.95, 4.1)])
        Self.checkInsidePlot(svg)
        #expect(Self.ticks(svg).x.map(\.1) == ["0", "1", "2", "3", "4", "5"])
        #expect(!svg.contains("log scale"))
        #expect(Self.attribute("cx", of: "<circle", in: svg)[0] == 70)
    }

    @Test("degenerate charts: one point, equal costs, equal qualities, negative values, an infinite cost (not drawn)",
          arguments: [
              ("single", [(0.8, 0.37)]),
              ("equal-costs", [(0.2, 0.05), (0.5, 0.05), (0.7, 0.05)]),
              ("equal-quality", [(0.5, 0.001), (0.5, 0.2), (0.5, 3)]),
              ("all-zero", [(0, 0), (0, 0)]),
              ("negative", [(-0.2, -1), (0.3, 2), (0.1, 0.5)]),
              ("unbounded-cost", [(0.9, .infinity), (0.3, 0.1), (0.6, 0.2)]),
          ] as [(String, [(Double, Double)])])
    func degenerate(name: String, means: [(Double, Double)]) throws {
        let svg = try Self.chart(name, means.map { (quality: $0.0, cost: $0.1) })
        Self.checkInsidePlot(svg)
    }

    @Test("a title too long for the chart gets a smaller font, then is cut short; the legend keeps clear of it")
    func longTitle() throws {
        // 108 characters: an estimated 918 px at 14 px, 590 px at 9 px.
        let title = "support-desk — " + (1...5).map { "parameter-\($0) = \($0 * 111)" }.joined(separator: ", ")
        #expect(title.count == 108)
        let svg = try Self.chart("long-title", [(0.3, 0.01), (0.8, 2)], title: title)
        #expect(svg.contains("<text x=\"70.0\" y=\"22\" font-size=\"9\" font-weight=\"bold\">\(title)</text>"))
        let longer = title + String(repeating: ", more = 1", count: 5)
        let cut = try Self.chart("longer-title", [(0.3, 0.01), (0.8, 2)], title: longer)
        #expect(cut.contains("font-size=\"9\" font-weight=\"bold\">\(longer.prefix(116))…</text>"))
        #expect(cut.contains("<title>\(longer)</title>"), "the whole title is kept as the chart's name")
        #expect(svg.contains("<text x=\"554.0\" y=\"408.0\" fill=\"#d62728\">● on the frontier</text>"))
        let short = try Self.chart("short-title", [(0.3, 0.01), (0.8, 2)])
        #expect(short.contains("font-size=\"14\" font-weight=\"bold\">short-title</text>"))
    }
}
