import Vocabulary
import CSV
import Experiments
import Foundation

/// The detail files: one tidy CSV file per detail table that some run has rows for, beside
/// `runs.csv`. Columns `run,scenario,point,strategy,replication` (the values of those columns
/// of `runs.csv`), then the table's keys, then its figures (formatted as `runs.csv` formats
/// metrics; empty for NaN). Rows in plan order, then in the order the family gave them. A
/// file is written only for a table some run has rows for.
extension Tables {
    // Each detail table's file: its columns (`DetailTable.columns`), then every run's rows
    // (`Layout.detailLines`); written only when some run has rows for it.

    /// By family name, where `table` is among the family's own tables and how many it has
    /// (families that do not declare it are absent).
    static func position(of table: DetailTable, in content: Manifest.Content) -> [String: (index: Int, count: Int)] {
        var positions: [String: (index: Int, count: Int)] = [:]
        for family in content.families {
            let tables = content.detailTables(family: family.name)
            if let index = tables.firstIndex(where: { $0.name == table.name }) { positions[family.name] = (index, tables.count) }
        }
        return positions
    }

    /// Parses a detail file as `details` writes it, checking every field, and adds its rows to
    /// the runs they name (`byIdentity`: a run's index in `runs` by identity).
    static func readDetails(_ text: String, path: String, table: DetailTable, manifest: Manifest,
                            into runs: inout [RunRow], byIdentity: [String: Int]) throws(ResultsError) {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw ResultsError("\(path): not CSV (\(error))")
        }
        guard let header = reader.headerRow, header == table.columns else {
            throw ResultsError("\(path): the header is not " + table.columns.joined(separator: ","))
        }
        let (keys, figures) = (table.keys.count, table.figures.count)
        let positions = position(of: table, in: manifest.content)
        var line = 1
        while let fields = reader.next() {
            line += 1
            func fail(_ message: String) -> ResultsError { ResultsError("\(path):\(line): \(message)") }
            guard fields.count == header.count else { throw fail("\(fields.count) fields, the header has \(header.count)") }
            guard let r = byIdentity[fields[0]] else { throw fail("run '\(excerpt(fields[0], limit: 200))' is not in runs.csv") }
            let run = runs[r]
            guard fields[1] == run.scenario, fields[2] == run.pointLabel, fields[3] == run.strategy,
                  fields[4] == String(run.replication) else {
                throw fail("the scenario, point, strategy or replication differ from the run's in runs.csv")
            }
            guard let (position, count) = positions[run.family] else {
                throw fail("family '\(run.family)' of run '\(run.identity)' has no table \(table.name)")
            }
            var values: [Double] = []
            values.reserveCapacity(figures)
            for (offset, field) in fields.suffix(figures).enumerated() {
                guard !field.isEmpty else { values.append(.nan); continue }
                guard let value = Double(field) else {
                    throw fail("'\(excerpt(field))' in column \(table.figures[offset].name) is not a number")
                }
                values.append(value)
            }
            if runs[r].details.count < count { runs[r].details += Array(repeating: [], count: count - runs[r].details.count) }
            let start = DetailTable.runColumns.count
            runs[r].details[position].append(DetailRow(keys: Array(fields[start..<start + keys]), values: values))
        }
        if let error = reader.error { throw ResultsError("\(path):\(line + 1): \(error)") }
    }
}
