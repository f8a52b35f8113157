import Vocabulary
import Foundation
import SimulationKernel

/// A finished run's line in the journal (format 3), after its checksum, fields separated by
/// tabs:
///
///     index  identity  stop-reason  events  metric…  T  (R  (key… figure…) × R) × T
///
/// — the run's plan index and identity, its stop reason and events, one field per metric of
/// its family, then its detail rows: `T`, the number of tables it reports (0, or as many as its
/// family declares), and per table `R`, its number of rows, followed by each row's keys and
/// figures (as many as the table declares). Numbers are in Swift's shortest round-trip form
/// (`nan` for NaN), so they read back to the same `Double`; text (the identity, the keys) is
/// escaped reversibly: `\\`, `\t`, `\n` and `\r` stand for a backslash, a tab, a line feed and
/// a carriage return, so no field holds a tab or a line break.
extension Journal {
    /// A run's record: the line without its checksum and `\n`.
    static func record(_ spec: RunSpec, _ outcome: RunOutcome) -> String {
        var fields = [String(spec.index), escape(spec.identity), outcome.stopReason.rawValue, String(outcome.events)]
        fields += outcome.metrics.map(number)
        fields.append(String(outcome.details.count))
        for rows in outcome.details {
            fields.append(String(rows.count))
            for row in rows { fields += row.keys.map(escape) + row.values.map(number) }
        }
        return fields.joined(separator: "\t")
    }

    /// A run's line (without its `\n`) when its checksum holds, it names a run of `plan` and
    /// its fields are what that run's family records. `index` is the run's position among the
    /// plan's runs (its plan index, unless the plan is a shard or a sample).
    static func parse(_ line: Data.SubSequence, plan: RunPlan) -> (index: Int, outcome: RunOutcome)? {
        guard let tab = line.firstIndex(of: UInt8(ascii: "\t")), line.distance(from: line.startIndex, to: tab) == 16,
              let text = String(validating: line, as: UTF8.self) else { return nil }
        let record = line[line.index(after: tab)...]
        guard String(decoding: line[..<tab], as: UTF8.self) == record.withUnsafeBytes(checksum) else { return nil }
        let fields = Array(text.split(separator: "\t", omittingEmptySubsequences: false).dropFirst())
        guard fields.count >= 4, let planIndex = Int(fields[0]), let index = plan.runs.position(ofPlanIndex: planIndex),
              escape(plan.runs[index].identity) == fields[1],
              let reason = StopReason(rawValue: String(fields[2])), let events = Int(fields[3]) else { return nil }
        let family = plan.runs[index].scenario.family
        var rest = fields.dropFirst(4)
        guard rest.count > family.metrics.count else { return nil }
        var metrics: [Double] = []
        for field in rest.prefix(family.metrics.count) {
            guard let value = number(field) else { return nil }
            metrics.append(value)
        }
        rest = rest.dropFirst(family.metrics.count)
        guard let details = details(&rest, tables: family.details), rest.isEmpty else { return nil }
        return (index, RunOutcome(stopReason: reason, events: events, metrics: metrics, details: details))
    }

    /// The detail rows at the start of `fields` (consumed), for a family with `tables`; nil
    /// when they are malformed.
    private static func details(_ fields: inout ArraySlice<Substring>, tables: [DetailTable]) -> [[DetailRow]]? {
        guard let first = fields.popFirst(), let count = Int(first), count == 0 || count == tables.count else { return nil }
        var details: [[DetailRow]] = []
        for table in tables.prefix(count) {
            let width = table.keys.count + table.figures.count
            guard let field = fields.popFirst(), let rows = Int(field), rows >= 0, width > 0,
                  rows <= fields.count / width else { return nil }
            var parsed: [DetailRow] = []
            parsed.reserveCapacity(rows)
            for _ in 0..<rows {
                var keys: [String] = []
                for _ in table.keys {
                    guard let key = unescape(fields.popFirst()!) else { return nil }
                    keys.append(key)
                }
                var values: [Double] = []
                for _ in table.figures {
                    guard let value = number(fields.popFirst()!) else { return nil }
                    values.append(value)
                }
                parsed.append(DetailRow(keys: keys, values: values))
            }
            details.append(parsed)
        }
        return details
    }

    /// Shortest round-trip text of `value`; `nan` for NaN.
    static func number(_ value: Double) -> String { value.isNaN ? "nan" : "\(value)" }

    static func number(_ field: Substring) -> Double? { field == "nan" ? .nan : Double(field) }

    /// `text` with backslashes, tabs, line feeds and carriage returns escaped (see above).
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The text `escape` made `field` from; nil for a backslash not followed by `\`, `t`, `n` or `r`.
    static func unescape(_ field: Substring) -> String? {
        guard field.utf8.contains(0x5C) else { return String(field) }
        var text = ""
        var scalars = field.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\\" else {
                text.unicodeScalars.append(scalar)
                continue
            }
            switch scalars.next() {
            case "\\": text += "\\"
            case "t": text += "\t"
            case "n": text += "\n"
            case "r": text += "\r"
            default: return nil
            }
        }
        return text
    }
}
