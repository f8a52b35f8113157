import Foundation
import Testing
@testable import Experiments
@testable import Reporting

/// Scenario names, strategy labels and grid values come from input files: whatever they hold
/// must not break a CSV row.
@Suite("CSV quoting")
struct CSVQuotingTests {
    /// RFC 4180: fields separated by commas, quoted fields may hold commas, quotes (doubled),
    /// CR and LF; records end with LF (CRLF accepted).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, wasQuoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append(chars.removeFirst()) } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if c == "," {
                row.append(field); field = ""; wasQuoted = false
            } else if c == "\n" || (c == "\r" && chars.first == "\n") {
                if c == "\r" { chars.removeFirst() }
                row.append(field); rows.append(row); row = []; field = ""; wasQuoted = false
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    @Test("CSV fields with a comma, quote, CR or LF are quoted per RFC 4180")
    func csvField() {
        #expect(CSV.line(["plain", "a,b", "say \"hi\"", "cr\rhere", "lf\nhere", "crlf\r\n"])
                == "plain,\"a,b\",\"say \"\"hi\"\"\",\"cr\rhere\",\"lf\nhere\",\"crlf\r\n\"\n")
        let fields = ["x", "a,\"b\"\r\nc", "", "\"", ","]
        #expect(Self.parseCSV(CSV.line(fields) + CSV.line(fields)) == [fields, fields])
    }

    @Test("runs.csv and summary.csv survive a label, scenario name and grid value with CR LF, comma and quote")
    func csvRoundTrip() throws {
        // The readers may refuse control characters in names, so the suite holds commas and
        // quotes, and CR LF is put into the label and grid value of the runs afterwards: the CSV
        // writer must not rely on the readers.
        var scenario = try String(contentsOf: GoldenTests.fixtures.appendingPathComponent("small-team.yaml"), encoding: .utf8)
        scenario = scenario.replacingOccurrences(of: "name: small-team", with: "name: 'team, \"the\" one'")
        let dir = try TestFolders.make(["team.yaml": scenario, "suite.yaml": """
            name: nasty
            seed: 3
            replications: 2
            scenarios:
              - path: team.yaml
                strategies: [least-loaded, {name: round-robin, label: 'a,"b"'}]
                grid:
                  description: ['p,q"r', plain]

            """])
        let suite = try SuiteLoader.load(path: dir + "/suite.yaml")
        #expect(suite.entries.first?.strategies.map { $0.label } == ["least-loaded", "a,\"b\""])
        let plan = RunPlan(suite: suite)
        let label = "a,\"b\"\r\nc", value = "p,q\"r\r\ns"
        let records = try Runner(jobs: 2).run(plan).map { record -> RunRecord in
            let spec = record.spec
            // One label with CR LF, a comma and a quote; one with only CR LF.
            let strategy = spec.strategy.label == "a,\"b\""
                ? StrategyChoice(family: spec.scenario.family, name: "round-robin", label: label)!
                : StrategyChoice(family: spec.scenario.family, name: "least-loaded", label: "least\r\nloaded")!
            let point = spec.point.map { (key: $0.key, value: $0.value == "p,q\"r" ? value : $0.value) }
            return RunRecord(spec: RunSpec(index: spec.index, scenario: spec.scenario, point: point, strategy: strategy,
                                           replication: spec.replication, baseSeed: spec.baseSeed),
                             outcome: record.outcome)
        }
        var results = ResultSet(records: records, suite: suite)
        let files = try ResultsWriter.render(&results)

        let runs = Self.parseCSV(files.runs)
        #expect(runs.count == 1 + plan.runs.count)
        #expect(runs.allSatisfy { $0.count == runs[0].count }, "every row has the header's number of fields")
        let strategyColumn = runs[0].firstIndex(of: "strategy")!, scenarioColumn = runs[0].firstIndex(of: "scenario")!
        let grid = runs[0].firstIndex(of: "grid:description")!, identity = runs[0].firstIndex(of: "run")!
        #expect(runs.dropFirst().map { $0[strategyColumn] }.filter { $0 == label }.count == plan.runs.count / 2)
        #expect(runs.dropFirst().map { $0[strategyColumn] }.filter { $0 == "least\r\nloaded" }.count == plan.runs.count / 2)
        #expect(Set(runs.dropFirst().map { $0[scenarioColumn] }) == ["team, \"the\" one"])
        #expect(Set(runs.dropFirst().map { $0[grid] }) == [value, "plain"])
        #expect(runs.dropFirst().map { $0[identity] } == records.map(\.spec.identity))

        let summary = Self.parseCSV(files.summary)
        #expect(summary.count > 1 && summary.allSatisfy { $0.count == summary[0].count })
        let strategy = summary[0].firstIndex(of: "strategy")!, point = summary[0].firstIndex(of: "point")!
        #expect(Set(summary.dropFirst().map { $0[strategy] }) == ["least\r\nloaded", label])
        #expect(Set(summary.dropFirst().map { $0[point] }) == ["description=" + value, "description=plain"])
    }
}
