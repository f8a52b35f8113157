import Vocabulary
import Experiments

/// One detail table's figures for a comparison group (a scenario at a grid point), as the
/// report shows them: per strategy and item, each figure's mean over the group's runs that
/// report the item.
public struct DetailSummary: Sendable {
    public let table: DetailTable
    /// Replications per strategy in the group (the most any strategy has).
    public let replications: Int
    /// Strategies in the group's order; within one, items in the order its runs first report
    /// them (runs in replication order).
    public let rows: [Row]

    public struct Row: Sendable {
        /// Index into the group's strategies.
        public let strategy: Int
        public let keys: [String]
        /// Per figure: the mean of the values that are not NaN; NaN when there are none.
        public let means: [Double]
    }

    /// The summary of the table at `position` among the family's tables, from the group's runs
    /// per strategy (each in replication order); nil when no run has a row of it.
    init?(table: DetailTable, position: Int, runs: [[RunRow]]) {
        var rows: [Row] = []
        for (s, strategyRuns) in runs.enumerated() {
            var items: [[String]] = []
            var index: [[String]: Int] = [:]
            var sums: [[Double]] = []
            var counts: [[Int]] = []
            for run in strategyRuns {
                for row in run.detailRows(position) {
                    let i: Int
                    if let known = index[row.keys] {
                        i = known
                    } else {
                        i = items.count
                        index[row.keys] = i
                        items.append(row.keys)
                        sums.append(Array(repeating: 0, count: table.figures.count))
                        counts.append(Array(repeating: 0, count: table.figures.count))
                    }
                    for (f, value) in row.values.enumerated() where !value.isNaN {
                        sums[i][f] += value
                        counts[i][f] += 1
                    }
                }
            }
            for i in items.indices {
                let means = zip(sums[i], counts[i]).map { sum, count in count == 0 ? Double.nan : sum / Double(count) }
                rows.append(Row(strategy: s, keys: items[i], means: means))
            }
        }
        guard !rows.isEmpty else { return nil }
        self.table = table
        self.replications = runs.map(\.count).max() ?? 0
        self.rows = rows
    }
}
