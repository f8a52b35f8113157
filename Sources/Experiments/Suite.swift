import Foundation
import SimulationKernel
import Yams

/// A benchmark suite: scenarios × strategies × grid points × replications, and a base seed.
public struct Suite: Sendable {
    /// One scenario entry of the suite, with the strategies it is run under and its grid.
    public struct Entry: Sendable {
        public let scenarioPath: String
        /// One scenario per grid point, in grid order (a single one without a grid).
        public let points: [(label: [(key: String, value: String)], scenario: Scenario)]
        public let strategies: [StrategyChoice]
        public let replications: Int
    }

    public let name: String
    public let path: String
    public let description: String
    public let seed: UInt64
    public let confidence: Double
    public let entries: [Entry]
    /// Every file read, suite first, in reading order (for the manifest).
    public let inputFiles: [String]
}

/// Reads suite files (see README, "Suite files").
public enum SuiteLoader {
    static let topKeys = ["name", "description", "seed", "replications", "confidence", "scenarios"]
    static let entryKeys = ["path", "strategies", "replications", "grid"]

    /// Parses the suite and every scenario it names, validating all of them; all problems
    /// are thrown together. `replications` and `seed`, when given, override the file's.
    public static func load(path: String, replications overrideReplications: Int? = nil,
                            seed overrideSeed: UInt64? = nil) throws(InputError) -> Suite {
        let file = try ConfigFile.read(path: path)
        guard let root = file.compose() else { throw InputError(file.diagnostics) }
        guard let top = Fields(root, in: file, what: "suite", allowed: topKeys) else { throw InputError(file.diagnostics) }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let name = top.string("name", what: "suite") ?? stem
        if name.isEmpty || name.contains("/") || name.hasPrefix(".") {
            file.error("suite name '\(name)' must be a plain folder name", at: top["name"])
        }
        let description = top.string("description", what: "suite") ?? ""
        var seed: UInt64? = 1
        if let seedNode = top["seed"] {
            seed = seedNode.string.flatMap { UInt64($0) }
            if seed == nil { file.error("seed must be a whole number from 0 to 2^64 − 1, got '\(seedNode.string ?? "")'", at: seedNode) }
        }
        let defaultReplications = top.integer("replications", what: "suite", default: 10, in: 1...1_000_000)
        let confidence = top.number("confidence", what: "suite", default: 0.95, in: 0.5...0.999)

        var entries: [Suite.Entry] = []
        var inputs = [path]
        var otherErrors: [Diagnostic] = []
        var scenarioNames: [String: String] = [:]
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        if let list = top.required("scenarios", what: "suite") {
            if case .sequence(let items) = list, !items.isEmpty {
                for item in items {
                    do throws(InputError) {
                        if let entry = try readEntry(item, base: base, in: file, defaultReplications: overrideReplications
                                                        ?? defaultReplications ?? 10) {
                            for point in entry.points {
                                if let other = scenarioNames[point.scenario.name], other != entry.scenarioPath {
                                    file.error("scenario name '\(point.scenario.name)' is used by both \(other) and "
                                               + "\(entry.scenarioPath); names identify runs and must be unique", at: item)
                                }
                                scenarioNames[point.scenario.name] = entry.scenarioPath
                            }
                            if !inputs.contains(entry.scenarioPath) { inputs.append(entry.scenarioPath) }
                            entries.append(entry)
                        }
                    } catch {
                        otherErrors += error.diagnostics
                    }
                }
            } else {
                file.error("scenarios must be a non-empty list of scenario files", at: list)
            }
        }
        let all = (file.diagnostics + otherErrors).sorted { ($0.location, $0.message) < ($1.location, $1.message) }
        guard all.isEmpty, let seed, let confidence else { throw InputError(all) }
        return Suite(name: name, path: path, description: description, seed: overrideSeed ?? seed,
                     confidence: confidence, entries: entries, inputFiles: inputs)
    }

    static func readEntry(_ item: Node, base: URL, in file: ConfigFile, defaultReplications: Int) throws(InputError) -> Suite.Entry? {
        let fields: Fields
        if case .scalar = item {
            fields = Fields(Node.mapping(Node.Mapping([(Node("path"), item)])), in: file, what: "scenario entry", allowed: entryKeys)!
        } else {
            guard let f = Fields(item, in: file, what: "scenario entry", allowed: entryKeys) else { return nil }
            fields = f
        }
        guard let relative = fields.string("path", what: "scenario entry", required: true) else { return nil }
        let scenarioPath = relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).path
        let displayPath = relativePath(scenarioPath)
        let replications = fields.integer("replications", what: "scenario entry", default: defaultReplications,
                                          in: 1...1_000_000)

        // Grid: key → list of values; points are the cartesian product, first key slowest.
        var axes: [(key: String, keyNode: Node, values: [(String, Node)])] = []
        if let grid = fields["grid"] {
            if case .mapping(let mapping) = grid {
                for (key, values) in mapping {
                    guard let k = key.string, let list = file.stringList(values, field: "grid.\(k)") else { continue }
                    if list.isEmpty { file.error("grid key '\(k)' needs at least one value", at: values) }
                    axes.append((k, key, list))
                }
            } else {
                file.error("grid must map scenario fields to lists of values", at: grid)
            }
        }
        var points: [[(key: String, value: String, node: Node, keyNode: Node)]] = [[]]
        for axis in axes {
            points = points.flatMap { point in axis.values.map { point + [(axis.key, $0.0, $0.1, axis.keyNode)] } }
        }
        var scenarios: [(label: [(key: String, value: String)], scenario: Scenario)] = []
        var diagnostics: [Diagnostic] = []
        for point in points {
            let overrides = point.map {
                Override(key: $0.key, value: $0.value, line: $0.node.mark?.line ?? 1, column: $0.node.mark?.column ?? 1,
                         keyLine: $0.keyNode.mark?.line ?? 1, keyColumn: $0.keyNode.mark?.column ?? 1)
            }
            do throws(InputError) {
                let scenario = try ScenarioLoader.load(path: displayPath, overrides: overrides, origin: file.path)
                scenarios.append((point.map { ($0.key, $0.value) }, scenario))
            } catch {
                for d in error.diagnostics where !diagnostics.contains(d) { diagnostics.append(d) }
            }
        }
        if !diagnostics.isEmpty { throw InputError(diagnostics) }
        guard let family = scenarios.first?.scenario.family, let replications else { return nil }

        // Strategies: names or {name, label, parameters…}; default: the family's whole catalogue.
        var strategies: [StrategyChoice] = []
        if let list = fields["strategies"] {
            guard case .sequence(let items) = list, !items.isEmpty else {
                file.error("strategies must be a non-empty list", at: list)
                return nil
            }
            for item in items {
                if let choice = readStrategy(item, family: family, in: file) {
                    if strategies.contains(where: { $0.label == choice.label }) {
                        file.error("strategy '\(choice.label)' is listed twice; give one of them a 'label'", at: item)
                    }
                    strategies.append(choice)
                }
            }
        } else {
            strategies = family.strategies.compactMap { StrategyChoice(family: family, name: $0.name) }
        }
        return Suite.Entry(scenarioPath: displayPath, points: scenarios, strategies: strategies, replications: replications)
    }

    static func readStrategy(_ item: Node, family: Family, in file: ConfigFile) -> StrategyChoice? {
        let known = family.strategies.map(\.name)
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
            guard let name, let descriptor = family.strategies.first(where: { $0.name == name }) else { break }
            for (key, value) in mapping {
                guard let k = key.string, k != "name", k != "label" else { continue }
                guard let p = descriptor.parameters.first(where: { $0.name == k }) else {
                    let allowed = ["name", "label"] + descriptor.parameters.map(\.name)
                    file.error(unknownMessage("parameter", k, known: allowed) + " (of strategy '\(name)')", at: key)
                    continue
                }
                if !p.choices.isEmpty {
                    let text = value.string ?? ""
                    if let index = p.choices.firstIndex(of: text) {
                        parameters.append((k, Double(index)))
                    } else {
                        file.error(unknownMessage("value", text, known: p.choices) + " (for \(name).\(k))", at: value)
                    }
                } else if let v = file.number(value, field: "\(name).\(k)", in: p.range) {
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
        guard let choice = StrategyChoice(family: family, name: name, parameters: parameters, label: label) else {
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
