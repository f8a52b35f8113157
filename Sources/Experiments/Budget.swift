import Foundation
import SimulationKernel

/// Limits a suite must fit before anything runs (`run` and `validate` options), so that a
/// suite too large for the machine is refused with numbers instead of exhausting it.
public struct Budget: Sendable {
    /// Runs in the whole suite.
    public var maxRuns: Int
    /// Estimated memory of the runs that execute at once: one run's estimate × jobs.
    public var maxMemory: Double
    /// Estimated events (the families' units of work) in the whole suite; nil: no limit.
    public var maxEvents: Double?
    /// Runs executed in parallel.
    public var jobs: Int
    /// Whether scenario files may lie outside the suite file's folder tree.
    public var allowOutsidePaths: Bool

    public static let defaultMaxRuns = 1_000_000

    /// Three quarters of this machine's memory.
    public static var defaultMaxMemory: Double { Double(ProcessInfo.processInfo.physicalMemory) * 0.75 }

    public init(maxRuns: Int = Budget.defaultMaxRuns, maxMemory: Double = Budget.defaultMaxMemory,
                maxEvents: Double? = nil, jobs: Int = 1, allowOutsidePaths: Bool = false) {
        self.maxRuns = maxRuns
        self.maxMemory = maxMemory
        self.maxEvents = maxEvents
        self.jobs = max(1, jobs)
        self.allowOutsidePaths = allowOutsidePaths
    }

    public static let unlimited = Budget(maxRuns: .max, maxMemory: .infinity)
}

/// The size of a suite, known before it runs: per entry its runs and its costliest run.
public struct PlanEstimate: Sendable {
    public struct Entry: Sendable {
        public let scenarioPath: String
        public let runs: Int
        /// The costliest run's footprint over the entry's grid points.
        public let perRun: Footprint
        /// Runs at one grid point (strategies × replications): a comparison group, whose metric
        /// values are held until its last run is in.
        public let groupRuns: Int
        /// Metrics per run of the entry's family.
        public let metrics: Int

        public init(scenarioPath: String, runs: Int, perRun: Footprint, groupRuns: Int = 1, metrics: Int = 0) {
            self.scenarioPath = scenarioPath
            self.runs = runs
            self.perRun = perRun
            self.groupRuns = groupRuns
            self.metrics = metrics
        }

        /// Memory to hold one comparison group's metric values (8 bytes each, and the
        /// replication order they come in) while it is summarised.
        public var groupBytes: Double { Double(groupRuns) * Double(metrics + 1) * 8 }
    }

    public let entries: [Entry]

    /// Runs in all (`Int.max` if that overflows).
    public var runs: Int {
        entries.reduce(0) { total, entry in
            let (sum, overflow) = total.addingReportingOverflow(entry.runs)
            return overflow ? .max : sum
        }
    }
    public var events: Double { entries.reduce(0) { $0 + Double($1.runs) * $1.perRun.events } }
    /// Memory a finished run takes while it waits in the runner's reorder window (its
    /// outcome and formatted rows), an upper estimate.
    public static let bytesPerResult = 4096.0

    /// Memory held for results while the suite runs: the runner's reorder window of finished
    /// runs (`Runner.slotsPerJob` per job) and the largest comparison group's metric values.
    /// Results stream to disk in plan order, so this does not grow with the number of runs.
    public func resultBytes(jobs: Int) -> Double {
        Double(Runner.slotsPerJob * max(1, jobs)) * PlanEstimate.bytesPerResult + (largestGroup?.groupBytes ?? 0)
    }

    /// The entry whose comparison groups hold the most.
    public var largestGroup: Entry? { entries.max { $0.groupBytes < $1.groupBytes } }

    /// The entry whose run needs the most memory.
    public var largest: Entry? { entries.max { $0.perRun.bytes < $1.perRun.bytes } }

    /// `plan: 3,350 runs; ~1.2e6 events in all; the largest run ~40 MiB (scenarios/x.yaml)`.
    public var summary: String {
        var text = "plan: \(grouped(runs)) run\(runs == 1 ? "" : "s"); about \(formatQuantity(events)) events in all"
        if let largest {
            text += "; the largest run needs about \(formatBytes(largest.perRun.bytes)) and "
                + "\(formatQuantity(largest.perRun.events)) events (\(largest.scenarioPath))"
        }
        return text
    }
}

/// 1234567 → "1,234,567".
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// A count for people: 950, 12,000, 3.4e9.
public func formatQuantity(_ x: Double) -> String {
    guard x.isFinite else { return "∞" }
    if x < 1e6 { return grouped(Int(x.rounded())) }
    return String(format: "%.2g", x).replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e+", with: "e")
}

/// Bytes for people: 512 B, 3.2 MiB, 41 GiB.
public func formatBytes(_ bytes: Double) -> String {
    guard bytes.isFinite else { return "∞" }
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = bytes, unit = 0
    while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
    if unit == units.count - 1 && value >= 1024 { return String(format: "%.2g EiB", value) }
    return unit == 0 ? "\(Int(value)) B" : String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
}
