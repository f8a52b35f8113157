import Foundation
import SimulationKernel
import Yams

/// A scenario file, parsed and validated.
public struct Scenario: Sendable {
    public let name: String
    public let path: String
    public let description: String
    public let model: ScenarioModel
    public var family: Family { model.family }
}

/// A value from a suite's grid that replaces one field of a scenario (`workload.arrivals.rate`).
public struct Override: Sendable {
    public let key: String
    public let value: String
    /// Positions in the suite file of the value and of its key.
    let line: Int
    let column: Int
    let keyLine: Int
    let keyColumn: Int
}

/// Loads scenario files: YAML → nodes → (grid overrides) → the family's scenario type.
public enum ScenarioLoader {
    /// Parses and validates the scenario at `path`, with `overrides` applied first.
    /// `origin` names the file the overrides come from, for their error positions; its
    /// `family:` is looked up in `registry`.
    public static func load(path: String, overrides: [Override] = [], origin: String? = nil,
                            registry: Registry = .builtIn) throws(InputError) -> Scenario {
        try load(path: path, overrides: overrides, origin: origin, registry: registry, cache: nil)
    }

    /// The same, reading and parsing the file only once per `cache`.
    public static func load(path: String, overrides: [Override] = [], origin: String? = nil,
                            registry: Registry = .builtIn, cache: SourceCache?) throws(InputError) -> Scenario {
        let (file, parsed) = try (cache ?? SourceCache()).parse(path)
        file.overrideOrigin = origin
        guard var root = parsed else { throw InputError(file.diagnostics) }
        for override in overrides {
            let value = Node.scalar(Node.Scalar(
                override.value, ConfigFile.overrideTag(line: override.line, column: override.column), .plain))
            let keys = override.key.split(separator: ".").map(String.init)
            if let replaced = replacing(root, keys: keys[...], with: value) {
                root = replaced
            } else {
                let at = SourceLocation(path: origin ?? path, line: override.keyLine, column: override.keyColumn)
                throw InputError(file.diagnostics + [Diagnostic(
                    "grid key '\(override.key)' names no field of scenario \(path)", at: at)])
            }
        }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var name = stem
        var description = ""
        var model: ScenarioModel?
        if case .mapping(let mapping) = root {
            if let n = mapping["name"]?.string {
                name = n
                if n.isEmpty || !isPrintableName(n) || n.utf8.count > 100 {
                    file.error("scenario name '\(excerpt(n))' must be 1 to 100 bytes without control characters",
                               at: mapping["name"])
                }
            }
            if let d = mapping["description"]?.string { description = d }
            let families = registry.families.map(\.name)
            if let familyNode = mapping["family"] {
                let text = familyNode.string ?? ""
                if let family = registry.family(named: text) {
                    model = family.read(root, name: name, in: file)
                } else {
                    file.error(unknownMessage("family", text, known: families), at: familyNode)
                }
            } else {
                file.error("missing field 'family' in scenario; expected one of: " + families.joined(separator: ", "), at: root)
            }
        } else {
            file.error("a scenario must be a mapping of keys to values", at: root)
        }
        guard let model, file.diagnostics.isEmpty else { throw InputError(file.diagnostics) }
        return Scenario(name: name, path: path, description: description, model: model)
    }

    /// `node` with the value at `keys` replaced, or nil when the path does not exist.
    /// Mapping keys by name, sequence items by index.
    static func replacing(_ node: Node, keys: ArraySlice<String>, with value: Node) -> Node? {
        guard let key = keys.first else { return value }
        switch node {
        case .mapping(var mapping):
            guard let index = mapping.firstIndex(where: { $0.key.string == key }),
                  let child = replacing(mapping[index].value, keys: keys.dropFirst(), with: value) else { return nil }
            mapping[mapping[index].key] = child
            return .mapping(mapping)
        case .sequence(var sequence):
            guard let i = Int(key), sequence.indices.contains(i),
                  let child = replacing(sequence[i], keys: keys.dropFirst(), with: value) else { return nil }
            sequence[i] = child
            return .sequence(sequence)
        default:
            return nil
        }
    }
}
