import Foundation
import SimulationKernel
import Yams

/// Reads one YAML file into nodes and collects every problem with its position.
///
/// Parsing goes on after an error wherever it can, so one pass reports all the problems
/// of a file. Values that were substituted from a suite's grid carry the suite file's
/// position and are reported against the suite file.
public final class ConfigFile {
    public let path: String
    public let text: String
    public private(set) var diagnostics: [Diagnostic] = []
    /// Where overridden values came from (the suite file), keyed by the node's tag.
    var overrideOrigin: String?

    /// The tag given to grid-substituted scalars so that their errors point at the suite.
    static let overrideTagPrefix = "tag:coordbench,2026:override:"

    /// A tag that carries the suite-file position of a grid-substituted value
    /// (Yams does not let a node be given a position of our choosing).
    static func overrideTag(line: Int, column: Int) -> Tag {
        Tag(Tag.Name(rawValue: overrideTagPrefix + "\(line):\(column)"))
    }

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// Reads the file; a missing or unreadable file becomes a diagnostic at 1:1.
    public static func read(path: String) throws(InputError) -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file"
            throw InputError([Diagnostic(reason, at: SourceLocation(path: path, line: 1, column: 1))])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError([Diagnostic("file is not valid UTF-8", at: SourceLocation(path: path, line: 1, column: 1))])
        }
        return ConfigFile(path: path, text: text)
    }

    /// Parses the text into a node tree; a syntax error becomes a diagnostic and nil.
    public func compose() -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                error("file is empty; expected a mapping", line: 1, column: 1)
                return nil
            }
            return node
        } catch let yaml as YamlError {
            switch yaml {
            case .duplicatedKeysInMapping(let keys, let context):
                // Yams points at the first occurrence; point at the repeated one when it can be found.
                let key = keys.first ?? ""
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                var line = context.mark.line, column = context.mark.column
                for index in context.mark.line..<max(lines.count, context.mark.line) {
                    let candidate = Array(lines[index].unicodeScalars)
                    let start = context.mark.column - 1
                    if start < candidate.count, String(String.UnicodeScalarView(candidate[start...])).hasPrefix(key + ":") {
                        line = index + 1
                        column = context.mark.column
                        break
                    }
                }
                error("duplicate key '\(key)'", line: line, column: column)
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                error("malformed YAML: \(problem)", line: mark.line, column: mark.column)
            default:
                error("malformed YAML: \(yaml)", line: 1, column: 1)
            }
            return nil
        } catch {
            self.error("malformed YAML: \(error)", line: 1, column: 1)
            return nil
        }
    }

    public func error(_ message: String, line: Int, column: Int) {
        diagnostics.append(Diagnostic(message, at: SourceLocation(path: path, line: line, column: column)))
    }

    /// Records a problem at `node`'s position (or at 1:1 when it has none).
    public func error(_ message: String, at node: Node?) {
        if let tag = node?.tag.rawValue, tag.hasPrefix(ConfigFile.overrideTagPrefix) {
            let position = tag.dropFirst(ConfigFile.overrideTagPrefix.count).split(separator: ":").compactMap { Int($0) }
            diagnostics.append(Diagnostic(message + " (value from the suite's grid)", at: SourceLocation(
                path: overrideOrigin ?? path, line: position.first ?? 1, column: position.last ?? 1)))
            return
        }
        let mark = node?.mark
        diagnostics.append(Diagnostic(
            message, at: SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)))
    }

}

/// Reads the fields of one YAML mapping, checking keys against the allowed ones.
struct Fields {
    let file: ConfigFile
    let node: Node
    let pairs: [(key: Node, value: Node)]

    /// Nil (with a diagnostic) when `node` is not a mapping. Unknown keys are reported at once.
    init?(_ node: Node, in file: ConfigFile, what: String, allowed: [String]) {
        guard case .mapping(let mapping) = node else {
            file.error("\(what) must be a mapping of keys to values", at: node)
            return nil
        }
        self.file = file
        self.node = node
        pairs = Array(mapping)
        for (key, _) in pairs {
            let name = key.string ?? ""
            if !allowed.contains(name) {
                file.error(unknownMessage("key", name, known: allowed) + " (in \(what))", at: key)
            }
        }
    }

    subscript(key: String) -> Node? { pairs.first { $0.key.string == key }?.value }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// The node of a required key; a diagnostic at the mapping when it is missing.
    func required(_ key: String, what: String) -> Node? {
        if let value = self[key] { return value }
        file.error("missing field '\(key)' in \(what)", at: node)
        return nil
    }

    func string(_ key: String, what: String, required: Bool = false) -> String? {
        guard let value = required ? self.required(key, what: what) : self[key] else { return nil }
        return scalarString(value, field: key)
    }

    func scalarString(_ value: Node, field: String) -> String? {
        guard case .scalar(let scalar) = value else {
            file.error("field '\(field)' must be a single value", at: value)
            return nil
        }
        return scalar.string
    }

    /// A number in `range`; `default` when absent; nil (with a diagnostic) when invalid.
    func number(_ key: String, what: String, default fallback: Double? = nil, in range: ClosedRange<Double>,
                exclusiveLower: Bool = false) -> Double? {
        guard let value = fallback == nil ? required(key, what: what) : self[key] else { return fallback }
        return file.number(value, field: key, in: range, exclusiveLower: exclusiveLower)
    }

    func integer(_ key: String, what: String, default fallback: Int? = nil, in range: ClosedRange<Int>) -> Int? {
        guard let value = fallback == nil ? required(key, what: what) : self[key] else { return fallback }
        return file.integer(value, field: key, in: range)
    }
}

extension ConfigFile {
    func number(_ value: Node, field: String, in range: ClosedRange<Double>, exclusiveLower: Bool = false) -> Double? {
        guard case .scalar(let scalar) = value, let number = Double(scalar.string.trimmingCharacters(in: .whitespaces)),
              number.isFinite || (range.upperBound == .infinity && number == .infinity)
        else {
            error("field '\(field)' must be a number, got '\(value.string ?? "a collection")'", at: value)
            return nil
        }
        let lowOK = exclusiveLower ? number > range.lowerBound : number >= range.lowerBound
        guard lowOK && number <= range.upperBound else {
            let low = exclusiveLower ? "> \(formatNumber(range.lowerBound))" : "≥ \(formatNumber(range.lowerBound))"
            let high = range.upperBound == .infinity ? "" : " and ≤ \(formatNumber(range.upperBound))"
            let sign = number < 0 && range.lowerBound >= 0 ? "negative " : ""
            error("\(sign)\(field) \(scalar.string) is out of range; must be \(low)\(high)", at: value)
            return nil
        }
        return number
    }

    func integer(_ value: Node, field: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = value, let number = Int(scalar.string) else {
            error("field '\(field)' must be a whole number, got '\(value.string ?? "a collection")'", at: value)
            return nil
        }
        guard range.contains(number) else {
            let sign = number < 0 && range.lowerBound >= 0 ? "negative " : ""
            error("\(sign)\(field) \(number) is out of range; must be from \(range.lowerBound) to \(range.upperBound)",
                  at: value)
            return nil
        }
        return number
    }

    /// A list of scalars (or a single scalar, read as a one-element list).
    func stringList(_ value: Node, field: String) -> [(String, Node)]? {
        switch value {
        case .scalar(let scalar): return [(scalar.string, value)]
        case .sequence(let sequence):
            var items: [(String, Node)] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    error("items of '\(field)' must be single values", at: item)
                    return nil
                }
                items.append((scalar.string, item))
            }
            return items
        default:
            error("field '\(field)' must be a list", at: value)
            return nil
        }
    }

    /// A distribution written as `{distribution: NAME, PARAM: VALUE…}` or as a bare number
    /// (a constant).
    func distribution(_ value: Node, field: String) -> Distribution? {
        if case .scalar = value {
            guard let v = number(value, field: field, in: 0...Double.infinity) else { return nil }
            return .constant(v)
        }
        let names = Distribution.catalogue.map(\.name)
        let allParameters = ["distribution"] + Array(Set(Distribution.catalogue.flatMap(\.parameters))).sorted()
        guard let fields = Fields(value, in: self, what: "distribution '\(field)'", allowed: allParameters),
              let name = fields.string("distribution", what: "distribution '\(field)'", required: true)
        else { return nil }
        guard let entry = Distribution.catalogue.first(where: { $0.name == name }) else {
            error(unknownMessage("distribution", name, known: names), at: fields["distribution"])
            return nil
        }
        for (key, node) in fields.pairs {
            if let k = key.string, k != "distribution", !entry.parameters.contains(k), allParameters.contains(k) {
                error("distribution '\(name)' takes no parameter '\(k)'; it takes: "
                      + entry.parameters.joined(separator: ", "), at: node)
            }
        }
        let what = "distribution '\(field)'"
        let positive = 0...Double.infinity
        switch name {
        case "constant":
            return fields.number("value", what: what, in: positive).map { .constant($0) }
        case "exponential":
            return fields.number("mean", what: what, in: positive, exclusiveLower: true).map { .exponential(mean: $0) }
        case "gamma":
            guard let k = fields.number("shape", what: what, in: positive, exclusiveLower: true),
                  let theta = fields.number("scale", what: what, in: positive, exclusiveLower: true) else { return nil }
            return .gamma(shape: k, scale: theta)
        case "lognormal":
            guard let mu = fields.number("mu", what: what, in: -1e6...1e6),
                  let sigma = fields.number("sigma", what: what, in: positive) else { return nil }
            return .lognormal(mu: mu, sigma: sigma)
        case "uniform":
            guard let a = fields.number("min", what: what, in: positive),
                  let b = fields.number("max", what: what, in: positive) else { return nil }
            guard a <= b else {
                error("min \(formatNumber(a)) is greater than max \(formatNumber(b))", at: fields["min"])
                return nil
            }
            return .uniform(min: a, max: b)
        case "beta":
            guard let a = fields.number("a", what: what, in: positive, exclusiveLower: true),
                  let b = fields.number("b", what: what, in: positive, exclusiveLower: true) else { return nil }
            return .beta(a: a, b: b)
        case "poisson":
            return fields.number("mean", what: what, in: positive, exclusiveLower: true).map { .poisson(mean: $0) }
        default:
            return nil
        }
    }
}
