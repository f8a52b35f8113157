/// A table of figures a family reports per run beside its metrics: one row per item (a node of
/// an orchestration graph, say), written to its own tidy CSV file `<name>.csv`.
///
/// The file's columns are `run,scenario,point,strategy,replication` (as in `runs.csv`), then
/// `keys` (what identifies an item: `node`, or `from` and `to`), then `figures`. A family gives
/// its rows in `RunOutcome.details`; `runs.csv` stays one row per run. Two families may declare
/// a table of the same name only with the same columns (the registry checks).
public struct DetailTable: Sendable, Equatable {
    /// The file stem, e.g. `nodes`: letters, digits, `-`, `_` or `.`.
    public let name: String
    /// The key columns' names, e.g. `["node"]` or `["from", "to"]`.
    public let keys: [String]
    /// The figures of a row, in column order.
    public let figures: [FigureDescriptor]
    /// One line: what a row is.
    public let description: String

    public init(_ name: String, keys: [String], figures: [FigureDescriptor], _ description: String) {
        self.name = name
        self.keys = keys
        self.figures = figures
        self.description = description
    }

    /// The file the table is written to.
    public var fileName: String { name + ".csv" }

    /// The columns every detail file starts with, identifying the run (as `runs.csv` does).
    public static let runColumns = ["run", "scenario", "point", "strategy", "replication"]

    /// Names a detail table may not take: its file would be written over another result file.
    public static let reservedNames = ["runs", "summary"]

    /// The whole header: the run's columns, the keys, the figures.
    public var columns: [String] { DetailTable.runColumns + keys + figures.map(\.name) }

    /// Whether `other` writes the same columns: the same keys, and the same figures with the
    /// same units (descriptions may differ).
    public func hasSameColumns(as other: DetailTable) -> Bool {
        keys == other.keys && figures.map(\.name) == other.figures.map(\.name) && figures.map(\.unit) == other.figures.map(\.unit)
    }
}

/// One figure of a detail table: its name (a CSV column), unit and one-line meaning.
public struct FigureDescriptor: Sendable, Equatable {
    public let name: String
    public let unit: String
    public let description: String

    public init(_ name: String, unit: String, _ description: String) {
        self.name = name
        self.unit = unit
        self.description = description
    }
}

/// One row of a detail table for one run: the item's keys and its figures.
public struct DetailRow: Sendable, Equatable {
    /// In the table's `keys` order; free text.
    public var keys: [String]
    /// In the table's `figures` order; NaN where a figure is undefined.
    public var values: [Double]

    public init(keys: [String], values: [Double]) {
        self.keys = keys
        self.values = values
    }
}

extension Array where Element == DetailTable {
    /// Why `details` (a run's detail rows) does not fit these tables, or nil when it does:
    /// no rows at all, or one array per table whose rows have the table's numbers of keys and
    /// figures.
    public func mismatch(_ details: [[DetailRow]]) -> String? {
        guard !details.isEmpty else { return nil }
        guard details.count == count else { return "\(details.count) arrays of detail rows for \(count) tables" }
        for (table, rows) in zip(self, details) {
            if let row = rows.first(where: { $0.keys.count != table.keys.count || $0.values.count != table.figures.count }) {
                return "a row of \(table.name) with \(row.keys.count) keys and \(row.values.count) values; the table "
                    + "declares \(table.keys.count) and \(table.figures.count)"
            }
        }
        return nil
    }
}
