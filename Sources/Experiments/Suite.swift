import Foundation
import SimulationKernel
import Synchronization
import Yams

/// A benchmark suite: scenarios × strategies × grid points × replications, and a base seed.
public struct Suite: Sendable {
    /// One scenario entry of the suite, with the strategies it is run under and its grid.
    public struct Entry: Sendable {
        public let scenarioPath: String
        /// One scenario per grid point, in grid order (a single one without a grid). Loaded
        /// with `SuiteLoader.Depth.check`, only the scenario as written (see `estimate`).
        public let points: [(label: [(key: String, value: String)], scenario: Scenario)]
        public let strategies: [StrategyChoice]
        public let replications: Int
        /// The strategy (by label) every other strategy is compared against in the report; nil:
        /// the best is compared with the runner-up.
        public let baseline: String?
        /// The metrics the report shows and compares, in the family's order; the family's key
        /// metrics unless the suite names others.
        public let keyMetrics: [String]
    }

    public let name: String
    public let path: String
    public let description: String
    public let seed: UInt64
    public let confidence: Double
    public let entries: [Entry]
    /// Every file read, suite first, in reading order (for the manifest).
    public let inputFiles: [String]
    /// The plan's size, known before it runs.
    public let estimate: PlanEstimate
}

/// Reads suite files (see README, "Suite files").
public enum SuiteLoader {
    static let topKeys = ["name", "description", "seed", "replications", "confidence", "baseline", "key-metrics", "scenarios"]
    static let entryKeys = ["path", "strategies", "replications", "grid", "baseline", "key-metrics"]
    /// The most values a scenario entry's grid may list, over all its keys.
    public static let maximumGridValues = 10_000

    /// How much of a grid is built. `plan` builds every grid point, for running; `check`
    /// checks every grid value once (against the scenario as written) and only counts the
    /// points, so validating a large grid costs what the file's values cost, not their product.
    public enum Depth: Sendable { case plan, check }

    /// Parses the suite and every scenario it names, validating all of them; all problems
    /// are thrown together. `replications` and `seed`, when given, override the file's. The
    /// plan must fit `budget`: a suite that does not is refused, naming the entry and the
    /// numbers, before anything is built for it.
    public static func load(path: String, replications overrideReplications: Int? = nil,
                            seed overrideSeed: UInt64? = nil, budget: Budget = Budget(),
                            depth: Depth = .plan, registry: Registry = .builtIn,
                            cache: SourceCache = SourceCache()) throws(InputError) -> Suite {
        let (file, parsed) = try cache.parse(path)
        guard let root = parsed else { throw InputError(file.diagnostics) }
        guard let top = Fields(root, in: file, what: "suite", allowed: topKeys) else { throw InputError(file.diagnostics) }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let name = top.string("name", what: "suite") ?? stem
        if name.isEmpty || name.contains("/") || name.hasPrefix(".") || !isPrintableName(name) || name.utf8.count > 100 {
            file.error("suite name '\(excerpt(name))' must be a plain folder name of at most 100 bytes, without "
                       + "'/', a leading '.' or control characters", at: top["name"])
        }
        let description = top.string("description", what: "suite") ?? ""
        var seed: UInt64? = 1
        if let seedNode = top["seed"] {
            seed = seedNode.string.flatMap { UInt64($0) }
            if seed == nil {
                file.error("seed must be a whole number from 0 to 2^64 − 1, got \(file.quoted(seedNode))", at: seedNode)
            }
        }
        let defaultReplications = top.integer("replications", what: "suite", default: 10, in: 1...1_000_000)
        let confidence = top.number("confidence", what: "suite", default: 0.95, in: 0.5...0.999)
        let suiteBaseline = top["baseline"].flatMap { readLabel($0, field: "baseline", in: file) }
        let suiteKeyMetrics = top["key-metrics"].flatMap { readNames($0, field: "key-metrics", in: file) }

        var entries: [Suite.Entry] = []
        var estimates: [PlanEstimate.Entry] = []
        var inputs = [path]
        var otherErrors: [Diagnostic] = []
        var scenarioNames: [String: String] = [:]
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        if let list = top.required("scenarios", what: "suite") {
            if case .sequence(let items) = list, !items.isEmpty {
                let read = readEntries(Array(items), of: file, base: base,
                                       defaultReplications: overrideReplications ?? defaultReplications ?? 10,
                                       baseline: suiteBaseline, keyMetrics: suiteKeyMetrics?.names ?? [], budget: budget,
                                       depth: depth, registry: registry, cache: cache)
                for (item, result) in zip(items, read) {
                    do throws(InputError) {
                        guard let (entry, estimate) = try result.get() else { continue }
                        // Runs are identified by scenario name: two entries of one name would
                        // make runs with the same identity.
                        if let name = entry.points.first?.scenario.name {
                            if let other = scenarioNames[name] {
                                file.error(other == entry.scenarioPath
                                    ? "\(entry.scenarioPath) is listed twice; list a scenario once (vary it with "
                                        + "its strategies and grid), since runs are identified by scenario name"
                                    : "scenario name '\(excerpt(name))' is used by both \(other) and "
                                        + "\(entry.scenarioPath); names identify runs and must be unique", at: item)
                            }
                            scenarioNames[name] = entry.scenarioPath
                        }
                        if !inputs.contains(entry.scenarioPath) { inputs.append(entry.scenarioPath) }
                        entries.append(entry)
                        estimates.append(estimate)
                    } catch {
                        otherErrors += error.diagnostics
                    }
                }
                // A suite-wide key metric applies to the entries whose family has it; one that
                // no entry's family has is a mistake.
                if let suiteKeyMetrics, otherErrors.isEmpty {
                    let known = Set(entries.flatMap { $0.points[0].scenario.family.metrics.map(\.name) })
                    for (name, node) in suiteKeyMetrics.nodes where !known.contains(name) {
                        file.error(unknownMessage("key metric", name, known: known.sorted())
                                   + " (no scenario of the suite has it)", at: node)
                    }
                }
                let plan = PlanEstimate(entries: estimates)
                if plan.runs > budget.maxRuns {
                    file.error("the suite makes \(grouped(plan.runs)) runs, more than --max-runs \(grouped(budget.maxRuns)); "
                               + "raise --max-runs to run it", at: list)
                } else if let group = plan.largestGroup,
                          plan.resultBytes(jobs: budget.jobs) + (plan.largest?.perRun.bytes ?? 0) * Double(budget.jobs)
                            > budget.maxMemory {
                    file.error("the suite's results need about \(formatBytes(plan.resultBytes(jobs: budget.jobs))) "
                               + "while it runs, mostly for the \(grouped(group.groupRuns)) runs of one grid point of "
                               + "\(group.scenarioPath), whose metric values are held until they are summarised, besides "
                               + "the runs in progress, more than --max-memory \(formatBytes(budget.maxMemory)); lower its "
                               + "replications or raise --max-memory", at: list)
                }
                if let maxEvents = budget.maxEvents, plan.events > maxEvents {
                    let heaviest = estimates.max { Double($0.runs) * $0.perRun.events < Double($1.runs) * $1.perRun.events }
                    file.error("the suite's runs add up to about \(formatQuantity(plan.events)) events, more than "
                               + "--max-events \(formatQuantity(maxEvents))"
                               + (heaviest.map { " (the most from \($0.scenarioPath): \(formatQuantity(Double($0.runs) * $0.perRun.events)))" } ?? "")
                               + "; raise --max-events to run it", at: list)
                }
            } else {
                file.error("scenarios must be a non-empty list of scenario files", at: list)
            }
        }
        let all = (file.diagnostics + otherErrors).sorted { ($0.location, $0.message) < ($1.location, $1.message) }
        guard all.isEmpty, let seed, let confidence else { throw InputError(all) }
        return Suite(name: name, path: path, description: description, seed: overrideSeed ?? seed,
                     confidence: confidence, entries: entries, inputFiles: inputs,
                     estimate: PlanEstimate(entries: estimates))
    }

    /// `readEntry` of every item of the suite `file`'s `scenarios`, in order, on two threads:
    /// entries are read independently of each other, and reading their scenarios is most of
    /// what happens before the first run (45 ms of the default suite's 75). This thread reads
    /// with `file` and `cache`; the other parses the suite again and reads with its own copies,
    /// since Yams resolves a node's tag in place when it is read (so no node may be read by
    /// both), and the problems it finds in the suite file are added to `file` at the end (they
    /// are sorted before they are shown). Each thread takes the next unread entry.
    static func readEntries(_ items: [Node], of file: ConfigFile, base: URL, defaultReplications: Int, baseline: String?,
                            keyMetrics: [String], budget: Budget, depth: Depth, registry: Registry,
                            cache: SourceCache) -> [Result<(Suite.Entry, PlanEstimate.Entry)?, InputError>] {
        typealias Read = Result<(Suite.Entry, PlanEstimate.Entry)?, InputError>
        @Sendable func read(_ item: Node, in file: ConfigFile, cache: SourceCache) -> Read {
            Result { () throws(InputError) in
                try readEntry(item, base: base, in: file, defaultReplications: defaultReplications, baseline: baseline,
                              keyMetrics: keyMetrics, budget: budget, depth: depth, registry: registry, cache: cache)
            }
        }
        guard items.count > 1 else { return items.map { read($0, in: file, cache: cache) } }
        let results = Mutex<[Read?]>(Array(repeating: nil, count: items.count))
        let next = Atomic<Int>(0)
        let (path, text, count) = (file.path, file.text, items.count)
        let problems = Mutex<[Diagnostic]>([])
        let done = DispatchSemaphore(value: 0)
        // A thread of its own: the global queue's may all be waiting for git (see `run`).
        Thread {
            defer { done.signal() }
            let copy = ConfigFile(path: path, text: text)
            guard case .mapping(let root)? = copy.compose(), case .sequence(let copies)? = root["scenarios"],
                  copies.count == count else { return }
            let cache = SourceCache()
            while case let i = next.add(1, ordering: .relaxed).oldValue, i < copies.count {
                let result = read(copies[i], in: copy, cache: cache)
                results.withLock { $0[i] = result }
            }
            problems.withLock { $0 = copy.diagnostics }
        }.start()
        while case let i = next.add(1, ordering: .relaxed).oldValue, i < items.count {
            let result = read(items[i], in: file, cache: cache)
            results.withLock { $0[i] = result }
        }
        done.wait()
        file.add(problems.withLock { $0 })
        return results.withLock { $0.map { $0! } }
    }

    static func readEntry(_ item: Node, base: URL, in file: ConfigFile, defaultReplications: Int, baseline suiteBaseline: String?,
                          keyMetrics suiteKeyMetrics: [String], budget: Budget, depth: Depth,
                          registry: Registry, cache: SourceCache) throws(InputError) -> (Suite.Entry, PlanEstimate.Entry)? {
        let problemsBefore = file.diagnostics.count
        let fields: Fields
        if case .scalar = item {
            fields = Fields(Node.mapping(Node.Mapping([(Node("path"), item)])), in: file, what: "scenario entry", allowed: entryKeys)!
        } else {
            guard let f = Fields(item, in: file, what: "scenario entry", allowed: entryKeys) else { return nil }
            fields = f
        }
        guard let relative = fields.string("path", what: "scenario entry", required: true) else { return nil }
        let scenarioPath = relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).path
        if !budget.allowOutsidePaths {
            let folder = base.standardizedFileURL.resolvingSymlinksInPath().path
            let target = URL(fileURLWithPath: scenarioPath).standardizedFileURL.resolvingSymlinksInPath().path
            guard target.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
                file.error("scenario path '\(excerpt(relative))' lies outside the suite's folder \(excerpt(relativePath(folder)))"
                           + "; scenario files must be in the suite's folder tree unless --allow-outside-paths is given",
                           at: fields["path"] ?? item)
                return nil
            }
        }
        let displayPath = relativePath(scenarioPath)
        let replications = fields.integer("replications", what: "scenario entry", default: defaultReplications,
                                          in: 1...1_000_000)

        // Grid: key → list of values; points are the cartesian product, first key slowest.
        var axes: [(key: String, keyNode: Node, values: [(String, Node)])] = []
        if let grid = fields["grid"] {
            if case .mapping(let mapping) = grid {
                var listed = 0
                for (key, values) in mapping {
                    guard let k = key.string, let list = file.stringList(values, field: "grid.\(k)") else { continue }
                    if list.isEmpty { file.error("grid key '\(excerpt(k))' needs at least one value", at: values) }
                    var seen: Set<String> = []
                    for (value, node) in list {
                        if !isPrintableName(value) || value.utf8.count > 100 {
                            file.error("grid value '\(excerpt(value))' must be at most 100 bytes without control characters",
                                       at: node)
                        } else if !seen.insert(value).inserted {
                            // Two equal values make two grid points with one identity.
                            file.error("grid value '\(excerpt(value))' is listed twice for '\(excerpt(k))'", at: node)
                        }
                    }
                    listed += list.count
                    axes.append((k, key, list))
                }
                // Each value is checked against the scenario, so their number is bounded (their
                // product, the number of points, is bounded by --max-runs below).
                if listed > SuiteLoader.maximumGridValues {
                    file.error("the grid lists \(grouped(listed)) values; at most \(grouped(SuiteLoader.maximumGridValues)) "
                               + "are supported per scenario entry", at: grid)
                }
            } else {
                file.error("grid must map scenario fields to lists of values", at: grid)
            }
        }
        // A grid with a bad key or value is not built at all: an empty or skipped axis would
        // make the count wrong and leave the others to be multiplied out for nothing.
        if file.diagnostics.count > problemsBefore { return nil }
        // The number of points, counted (never built) before anything else: nil when it overflows.
        let pointCount: Int? = axes.reduce(Optional(1)) { count, axis in
            count.flatMap { c in
                let (product, overflow) = c.multipliedReportingOverflow(by: axis.values.count)
                return overflow ? nil : product
            }
        }

        func override(_ key: String, _ valueNode: Node, _ keyNode: Node, _ value: String) -> Override {
            Override(key: key, value: value, line: valueNode.mark?.line ?? 1, column: valueNode.mark?.column ?? 1,
                     keyLine: keyNode.mark?.line ?? 1, keyColumn: keyNode.mark?.column ?? 1)
        }
        var diagnostics: [Diagnostic] = []
        var seen: Set<String> = []
        func load(_ overrides: [Override]) -> Scenario? {
            do throws(InputError) {
                return try ScenarioLoader.load(path: displayPath, overrides: overrides, origin: file.path,
                                                 registry: registry, cache: cache)
            } catch {
                for d in error.diagnostics where seen.insert(d.description).inserted { diagnostics.append(d) }
                return nil
            }
        }
        // The scenario as written, then every grid value once on its own.
        guard let written = load([]) else { throw InputError(diagnostics) }
        var variants = [written]
        for axis in axes {
            for (value, node) in axis.values {
                if let scenario = load([override(axis.key, node, axis.keyNode, value)]) { variants.append(scenario) }
            }
        }
        if !diagnostics.isEmpty { throw InputError(diagnostics) }
        guard let replications else { return nil }
        let family = written.family

        // Strategies: names or {name, label, parameters…}; default: the family's whole catalogue.
        var strategies: [StrategyChoice] = []
        if let list = fields["strategies"] {
            guard case .sequence(let items) = list, !items.isEmpty else {
                file.error("strategies must be a non-empty list", at: list)
                return nil
            }
            var labels: Set<String> = []
            for item in items {
                if let choice = readStrategy(item, scenario: written.model, in: file) {
                    if !labels.insert(choice.label).inserted {
                        file.error("strategy '\(excerpt(choice.label))' is listed twice; give one of them a 'label'", at: item)
                    }
                    strategies.append(choice)
                }
            }
        } else {
            strategies = written.model.strategies.compactMap { StrategyChoice(scenario: written.model, name: $0.name) }
        }

        // The report's baseline strategy and key metrics: the entry's, else the suite's.
        let labels = strategies.map(\.label)
        var baseline = suiteBaseline
        var baselineNode = fields["baseline"]
        if let node = fields["baseline"] { baseline = readLabel(node, field: "baseline", in: file) }
        if baselineNode == nil && baseline != nil { baselineNode = item }
        if let baseline, !labels.contains(baseline) {
            file.error(unknownMessage("baseline strategy", baseline, known: labels)
                       + (fields["baseline"] == nil ? " (the suite's baseline, for \(displayPath))" : ""), at: baselineNode)
        }
        let metricNames = family.metrics.map(\.name)
        var keyMetrics = family.metrics.filter(\.isKey).map(\.name)
        if let node = fields["key-metrics"] {
            if let named = readNames(node, field: "key-metrics", in: file) {
                for (name, at) in named.nodes where !metricNames.contains(name) {
                    file.error(unknownMessage("metric", name, known: metricNames) + " (family \(family.rawValue))", at: at)
                }
                keyMetrics = metricNames.filter(named.names.contains)
            }
        } else if suiteKeyMetrics.contains(where: metricNames.contains) {
            keyMetrics = metricNames.filter(suiteKeyMetrics.contains)
        }

        // Runs, counted with overflow checks, against the budget before any point is built.
        let runs = pointCount.flatMap { points in
            let (a, o1) = points.multipliedReportingOverflow(by: max(strategies.count, 1))
            let (b, o2) = a.multipliedReportingOverflow(by: replications)
            return o1 || o2 ? nil : b
        }
        let breakdown = "\(pointCount.map(grouped) ?? "more than 2^63") grid point\(pointCount == 1 ? "" : "s") × "
            + "\(strategies.count) strateg\(strategies.count == 1 ? "y" : "ies") × \(grouped(replications)) replications"
        guard let runs, runs <= budget.maxRuns else {
            file.error("this entry makes \(runs.map(grouped) ?? "more than 2^63") runs (\(breakdown)), more than "
                       + "--max-runs \(grouped(budget.maxRuns)); raise --max-runs to run it",
                       at: fields["grid"] ?? fields["replications"] ?? item)
            return nil
        }

        var points: [(label: [(key: String, value: String)], scenario: Scenario)] = [([], written)]
        if depth == .plan && !axes.isEmpty {
            points = []
            var combination: [[(key: String, value: String, node: Node, keyNode: Node)]] = [[]]
            for axis in axes {
                combination = combination.flatMap { point in axis.values.map { point + [(axis.key, $0.0, $0.1, axis.keyNode)] } }
            }
            for point in combination {
                if let scenario = load(point.map { override($0.key, $0.node, $0.keyNode, $0.value) }) {
                    points.append((point.map { ($0.key, $0.value) }, scenario))
                }
            }
            if !diagnostics.isEmpty { throw InputError(diagnostics) }
            variants = points.map(\.scenario)
        }
        var perRun = Footprint(events: 0, bytes: 0)
        for variant in variants {
            let footprint = variant.model.footprint
            perRun = Footprint(events: max(perRun.events, footprint.events), bytes: max(perRun.bytes, footprint.bytes))
        }
        let concurrent = Double(min(budget.jobs, runs))
        if perRun.bytes * concurrent > budget.maxMemory {
            file.error("a run of \(displayPath) needs about \(formatBytes(perRun.bytes)) of memory"
                       + (concurrent > 1 ? " (× \(Int(concurrent)) jobs)" : "") + ", more than --max-memory "
                       + "\(formatBytes(budget.maxMemory)); make the scenario smaller or raise --max-memory",
                       at: fields["path"] ?? item)
            return nil
        }
        if file.diagnostics.count > problemsBefore { return nil }
        return (Suite.Entry(scenarioPath: displayPath, points: points, strategies: strategies, replications: replications,
                            baseline: baseline, keyMetrics: keyMetrics),
                PlanEstimate.Entry(scenarioPath: displayPath, runs: runs, perRun: perRun,
                                   groupRuns: max(strategies.count, 1) * replications, metrics: family.metrics.count))
    }

    /// A strategy label naming the baseline.
    static func readLabel(_ node: Node, field: String, in file: ConfigFile) -> String? {
        guard case .scalar = node, let text = node.string, !text.isEmpty else {
            file.error("\(field) must name one strategy by its label", at: node)
            return nil
        }
        return text
    }

    /// A non-empty list of distinct names (metric names), with each name's node.
    static func readNames(_ node: Node, field: String, in file: ConfigFile) -> (names: [String], nodes: [(String, Node)])? {
        guard let list = file.stringList(node, field: field) else { return nil }
        guard !list.isEmpty else {
            file.error("\(field) must list at least one metric", at: node)
            return nil
        }
        var seen: Set<String> = []
        for (name, at) in list where !seen.insert(name).inserted {
            file.error("\(field) lists '\(excerpt(name))' twice", at: at)
        }
        return (list.map(\.0), list)
    }

    static func readStrategy(_ item: Node, scenario: ScenarioModel, in file: ConfigFile) -> StrategyChoice? {
        let family = scenario.family
        let known = scenario.strategies.map(\.name)
        var name: String?
        var label: String?
        var parameters: [(name: String, value: Double)] = []
        var nameNode = item
        switch item {
        case .scalar(let scalar):
            name = scalar.string
        case .mapping(let mapping):
            let nameValue = mapping["name"]
            name = nameValue?.string
            if let nameValue { nameNode = nameValue }
            label = mapping["label"]?.string
            if let label, !isPrintableName(label) || label.utf8.count > 100 {
                file.error("label '\(excerpt(label))' must be at most 100 bytes without control characters",
                           at: mapping["label"])
                return nil
            }
            guard let name, let descriptor = scenario.strategies.first(where: { $0.name == name }) else { break }
            for (key, value) in mapping {
                guard let k = key.string, k != "name", k != "label" else { continue }
                guard let p = descriptor.parameters.first(where: { $0.name == k }) else {
                    let allowed = ["name", "label"] + descriptor.parameters.map(\.name)
                    file.error(unknownMessage("parameter", k, known: allowed) + " (of strategy '\(excerpt(name))')", at: key)
                    continue
                }
                if !p.choices.isEmpty {
                    let text = value.string ?? ""
                    if let index = p.choices.firstIndex(of: text) {
                        parameters.append((k, Double(index)))
                    } else {
                        file.error(unknownMessage("value", text, known: p.choices) + " (for \(name).\(excerpt(k)))", at: value)
                    }
                } else if let v = file.number(value, field: "\(name).\(excerpt(k))", in: p.range) {
                    parameters.append((k, v))
                }
            }
        default:
            break
        }
        guard let name else {
            file.error("a strategy is a name, or a mapping with 'name' and parameters", at: item)
            return nil
        }
        guard let choice = StrategyChoice(scenario: scenario, name: name, parameters: parameters, label: label) else {
            file.error(unknownMessage("strategy", name, known: known) + " (family \(family.rawValue))", at: nameNode)
            return nil
        }
        return choice
    }

    /// `path` relative to the working directory when it lies below it (stable output text).
    static func relativePath(_ path: String) -> String {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return standardized.hasPrefix(prefix) ? String(standardized.dropFirst(prefix.count)) : standardized
    }
}

/// Whether `name` can be written into file names, CSV rows and reports as it is: no
/// control, format or line-separator characters.
func isPrintableName(_ name: String) -> Bool {
    name.unicodeScalars.allSatisfy { scalar in
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: false
        default: true
        }
    }
}

/// Input files read once: every grid point of a suite reuses a scenario's text and parsed
/// tree, and `validate` reads a file once to tell a suite from a scenario and to check it.
public final class SourceCache {
    var sources: [String: (text: String, root: Node?)] = [:]

    public init() {}

    /// The file's parsed tree; nil with the file's diagnostics when it cannot be read or parsed.
    func parse(_ path: String) throws(InputError) -> (file: ConfigFile, root: Node?) {
        if let cached = sources[path] {
            let file = ConfigFile(path: path, text: cached.text)
            if cached.root == nil { _ = file.compose() }
            return (file, cached.root)
        }
        let file = try ConfigFile.read(path: path)
        let root = file.compose()
        sources[path] = (file.text, root)
        return (file, root)
    }

    /// Whether the file at `path` is a suite: a mapping with a top-level `scenarios` key.
    public func isSuite(_ path: String) throws(InputError) -> Bool {
        guard case .mapping(let mapping)? = try parse(path).root else { return false }
        return mapping["scenarios"] != nil
    }
}
