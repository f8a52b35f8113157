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
        var accumulator = Accumulator(table: table)
        for (s, strategyRuns) in runs.enumerated() {
            for run in strategyRuns { accumulator.add(strategy: s, rows: run.detailRows(position)) }
        }
        guard let summary = accumulator.summary(strategies: runs.count) else { return nil }
        self = summary
    }

    init(table: DetailTable, replications: Int, rows: [Row]) {
        self.table = table
        self.replications = replications
        self.rows = rows
    }

    /// A detail table's sums and counts for one group, added to run by run — each strategy's runs
    /// in replication order, whatever the interleaving of strategies — so the means are summed
    /// in the same order however the runs arrive, and only items are held, not runs.
    struct Accumulator: Sendable {
        let table: DetailTable
        /// Per strategy (by index): its items in first-reported order, their sums and counts of
        /// the values that are not NaN, and its number of runs.
        private var items: [[[String]]] = []
        private var index: [[[String]: Int]] = []
        private var sums: [[[Double]]] = []
        private var counts: [[[Int]]] = []
        private var runs: [Int] = []

        init(table: DetailTable) { self.table = table }

        /// Adds one run of strategy `s`: its rows of this table (none is a run too).
        mutating func add(strategy s: Int, rows: [DetailRow]) {
            while runs.count <= s {
                items.append([]); index.append([:]); sums.append([]); counts.append([]); runs.append(0)
            }
            runs[s] += 1
            for (position, row) in rows.enumerated() {
                let i: Int
                // A strategy's runs mostly report the same items in the same order, so the item
                // at the row's position is tried before the index (comparing keys costs less
                // than hashing them; items are distinct, so either finds the same one).
                if position < items[s].count, items[s][position] == row.keys {
                    i = position
                } else if let known = index[s][row.keys] {
                    i = known
                } else {
                    i = items[s].count
                    index[s][row.keys] = i
                    items[s].append(row.keys)
                    sums[s].append(Array(repeating: 0, count: table.figures.count))
                    counts[s].append(Array(repeating: 0, count: table.figures.count))
                }
                for (f, value) in row.values.enumerated() where !value.isNaN {
                    sums[s][i][f] += value
                    counts[s][i][f] += 1
                }
            }
        }

        /// The summary of a group of `strategies` strategies; nil when no run had a row.
        func summary(strategies: Int) -> DetailSummary? {
            var rows: [Row] = []
            for s in 0..<min(strategies, items.count) {
                for i in items[s].indices {
                    let means = zip(sums[s][i], counts[s][i]).map { sum, count in count == 0 ? Double.nan : sum / Double(count) }
                    rows.append(Row(strategy: s, keys: items[s][i], means: means))
                }
            }
            guard !rows.isEmpty else { return nil }
            return DetailSummary(table: table, replications: runs.max() ?? 0, rows: rows)
        }
    }
}
