import Foundation
import SimulationKernel
import Yams
import Vocabulary

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

    /// The largest input file read, in bytes. Scenario and suite files are small; a larger
    /// file is refused before it is read whole (a device or a huge file cannot exhaust memory).
    public static let maximumFileSize = 2 << 20

    /// Reads the file; a missing, unreadable, non-regular or oversized file becomes a
    /// diagnostic at 1:1.
    public static func read(path: String) throws(InputError) -> ConfigFile {
        let at = SourceLocation(path: path, line: 1, column: 1)
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT || errno == ENOTDIR ? "no such file" : "cannot read file (\(String(cString: strerror(errno))))"
            throw InputError([Diagnostic(reason, at: at)])
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let message = (info.st_mode & S_IFMT) == S_IFDIR ? "cannot read a folder; expected a YAML file"
                : "not a regular file (a device, pipe or socket); expected a YAML file"
            throw InputError([Diagnostic(message, at: at)])
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError([Diagnostic("cannot read file", at: at)])
        }
        defer { try? handle.close() }
        // Read one byte more than allowed: files under /proc report size 0 but have content.
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw InputError([Diagnostic("cannot read file", at: at)])
        }
        guard data.count <= maximumFileSize else {
            throw InputError([Diagnostic("file is larger than \(maximumFileSize >> 20) MiB; scenario and suite files "
                                         + "must be smaller", at: at)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError([Diagnostic("file is not valid UTF-8", at: at)])
        }
        if let nul = text.utf8.firstIndex(of: 0) {
            let (line, column) = ConfigFile.position(ofUTF8Offset: text.utf8.distance(from: text.utf8.startIndex, to: nul),
                                                    in: text)
            throw InputError([Diagnostic("file contains a NUL byte; expected YAML text", at: SourceLocation(
                path: path, line: line, column: column))])
        }
        return ConfigFile(path: path, text: text)
    }

    /// Line and column (from 1, columns in characters) of a UTF-8 byte offset into `text`.
    static func position(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1, consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    /// How many nodes a file may expand to through aliases, beyond its own size: an alias
    /// bomb (anchors that refer to anchors, doubling at each level) is refused, at the node
    /// where the limit was crossed, instead of being walked for ever.
    static func expansionLimit(for text: String) -> Int { 100_000 + 4 * text.utf8.count }

    /// The most aliases (`*name`) a file may use. Checked on the text before parsing, since
    /// parsing a file made of alias bombs costs seconds before any expansion is walked.
    static let maximumAliases = 10_000

    /// The position of the first alias beyond `maximumAliases`, if any. An alias is a `*`
    /// that starts a token (after a blank, `[`, `{` or `,`, or at a line's start) and is
    /// followed by a name character; a `*` inside a quoted string may be counted too, which
    /// only matters past ten thousand of them.
    static func excessAlias(in text: String) -> (line: Int, column: Int)? {
        var count = 0, line = 1, column = 0
        var previous: UInt8 = UInt8(ascii: "\n")
        var starAt: (Int, Int)?
        for byte in text.utf8 {
            if byte & 0xC0 != 0x80 { column += 1 }   // count characters, not continuation bytes
            if let at = starAt {
                starAt = nil
                let isName = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte >= 0x80
                if isName {
                    count += 1
                    if count > maximumAliases { return at }
                }
            }
            if byte == UInt8(ascii: "*") {
                switch previous {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","),
                     UInt8(ascii: "\n"): starAt = (line, column)
                default: break
                }
            }
            if byte == UInt8(ascii: "\n") { line += 1; column = 0 }
            previous = byte
        }
        return nil
    }

    /// Parses the text into a node tree; a syntax error becomes a diagnostic and nil.
    public func compose() -> Node? {
        if let (line, column) = ConfigFile.excessAlias(in: text) {
            error("more than \(ConfigFile.maximumAliases) YAML aliases; aliases may not multiply a file's size",
                  line: line, column: column)
            return nil
        }
        do {
            // Tags are not resolved (every plain scalar is a string; readers parse numbers themselves):
            // Yams resolves them with regular expressions, which costs more than all the rest.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                error("file is empty; expected a mapping", line: 1, column: 1)
                return nil
            }
            // Only an alias (`*name`) can make the tree larger than the text.
            var budget = ConfigFile.expansionLimit(for: text)
            if text.utf8.contains(UInt8(ascii: "*")), let crossed = ConfigFile.exceedsExpansion(node, budget: &budget) {
                error("YAML aliases expand this file to more than \(ConfigFile.expansionLimit(for: text)) values "
                      + "(it is \(text.utf8.count) bytes long); aliases may not multiply a file's size", at: crossed)
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
            case .reader(let problem, let offset, _, _):
                let (line, column) = ConfigFile.position(ofUTF8Offset: offset ?? 0, in: text)
                error("malformed YAML: \(problem)", line: line, column: column)
            default:
                error("malformed YAML", line: 1, column: 1)
            }
            return nil
        } catch {
            self.error("malformed YAML", line: 1, column: 1)
            return nil
        }
    }

    /// Walks `node` as if its aliases were expanded, spending one unit of `budget` per value;
    /// returns the node at which the budget ran out, or nil. At most `budget` steps.
    static func exceedsExpansion(_ node: Node, budget: inout Int) -> Node? {
        budget -= 1
        if budget < 0 { return node }
        switch node {
        case .scalar, .alias: return nil
        case .sequence(let sequence):
            for item in sequence { if let crossed = exceedsExpansion(item, budget: &budget) { return crossed } }
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let crossed = exceedsExpansion(key, budget: &budget) ?? exceedsExpansion(value, budget: &budget) {
                    return crossed
                }
            }
        }
        return nil
    }

    public func error(_ message: String, line: Int, column: Int) {
        diagnostics.append(Diagnostic(message, at: SourceLocation(path: path, line: line, column: column)))
    }

    /// Adds the problems found in another reading of this file (`SuiteLoader.readEntries`).
    func add(_ problems: [Diagnostic]) { diagnostics += problems }

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

/// Reads the fields of one YAML mapping, checking keys against the allowed ones: what a
/// family's `read` uses to turn its part of a scenario file into values, reporting each
/// problem at its position (`path:line:column: error:`) and going on to find the next.
///
/// ```swift
/// guard let fields = Fields(root, in: file, what: "scenario", allowed: ["name", "family", "jurors"]),
///       let jurors = fields.integer("jurors", what: "scenario", in: 1...1001) else { return nil }
/// ```
public struct Fields {
    public let file: ConfigFile
    public let node: Node
    public let pairs: [(key: Node, value: Node)]
    /// Position in `pairs` of each key's first occurrence (look-ups stay O(1) in long mappings).
    let positions: [String: Int]

    /// Nil (with a diagnostic) when `node` is not a mapping. Unknown keys are reported at once.
    public init?(_ node: Node, in file: ConfigFile, what: String, allowed: [String]) {
        guard case .mapping(let mapping) = node else {
            file.error("\(what) must be a mapping of keys to values", at: node)
            return nil
        }
        self.file = file
        self.node = node
        pairs = Array(mapping)
        var positions: [String: Int] = [:]
        let allowedSet = Set(allowed)
        for (index, (key, _)) in pairs.enumerated() {
            let name = key.string ?? ""
            if positions[name] == nil { positions[name] = index }
            if !allowedSet.contains(name) {
                // Past a hundred problems, suggestions are not worth their cost.
                let message = file.diagnostics.count < 100 ? unknownMessage("key", name, known: allowed)
                    : "unknown key '\(excerpt(name))'"
                file.error(message + " (in \(what))", at: key)
            }
        }
        self.positions = positions
    }

    /// The value of `key`, if present.
    public subscript(key: String) -> Node? { positions[key].map { pairs[$0].value } }

    public func has(_ key: String) -> Bool { self[key] != nil }

    /// The node of a required key; a diagnostic at the mapping when it is missing.
    public func required(_ key: String, what: String) -> Node? {
        if let value = self[key] { return value }
        file.error("missing field '\(key)' in \(what)", at: node)
        return nil
    }

    /// A single value as text; nil when absent (a diagnostic if `required`) or not a single value.
    public func string(_ key: String, what: String, required: Bool = false) -> String? {
        guard let value = required ? self.required(key, what: what) : self[key] else { return nil }
        return scalarString(value, field: key)
    }

    public func scalarString(_ value: Node, field: String) -> String? {
        guard case .scalar(let scalar) = value else {
            file.error("field '\(field)' must be a single value", at: value)
            return nil
        }
        return scalar.string
    }

    /// A number in `range`; `default` when absent (required when there is no default); nil
    /// (with a diagnostic) when invalid.
    public func number(_ key: String, what: String, default fallback: Double? = nil, in range: ClosedRange<Double>,
                exclusiveLower: Bool = false) -> Double? {
        guard let value = fallback == nil ? required(key, what: what) : self[key] else { return fallback }
        return file.number(value, field: key, in: range, exclusiveLower: exclusiveLower)
    }

    /// The optional `event-budget` of a scenario: events after which a run stops.
    public func eventBudget(default fallback: Int) -> Int? {
        integer("event-budget", what: "scenario", default: fallback, in: 1...Int(Int32.max))
    }

    /// A whole number in `range`; `default` when absent (required when there is no default).
    public func integer(_ key: String, what: String, default fallback: Int? = nil, in range: ClosedRange<Int>) -> Int? {
        guard let value = fallback == nil ? required(key, what: what) : self[key] else { return fallback }
        return file.integer(value, field: key, in: range)
    }
}

/// `text` without leading and trailing spaces and tabs.
func trimmed(_ text: String) -> Substring {
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
    else { return "" }
    return text[first...last]
}

extension ConfigFile {
    static let distributionNames = Distribution.catalogue.map(\.name)
    /// Every key a distribution mapping may have.
    static let distributionKeys = ["distribution"] + Array(Set(Distribution.catalogue.flatMap(\.parameters))).sorted()

    /// A node's text for a message: a scalar quoted and cut short, a collection named.
    public func quoted(_ value: Node) -> String {
        "'" + excerpt(value.string ?? "a collection") + "'"
    }

    /// `value` as a number in `range`; nil (with a diagnostic) when it is not one.
    public func number(_ value: Node, field: String, in range: ClosedRange<Double>, exclusiveLower: Bool = false) -> Double? {
        guard case .scalar(let scalar) = value, let number = Double(trimmed(scalar.string)) else {
            error("field '\(field)' must be a number, got \(quoted(value))", at: value)
            return nil
        }
        guard number.isFinite || (range.upperBound == .infinity && number == .infinity) else {
            error("field '\(field)' must be a finite number, got \(quoted(value))", at: value)
            return nil
        }
        let lowOK = exclusiveLower ? number > range.lowerBound : number >= range.lowerBound
        guard lowOK && number <= range.upperBound else {
            let low = exclusiveLower ? "> \(formatNumber(range.lowerBound))" : "≥ \(formatNumber(range.lowerBound))"
            let high = range.upperBound == .infinity ? "" : " and ≤ \(formatNumber(range.upperBound))"
            let sign = number < 0 && range.lowerBound >= 0 ? "negative " : ""
            error("\(sign)\(field) \(excerpt(scalar.string)) is out of range; must be \(low)\(high)", at: value)
            return nil
        }
        return number
    }

    /// `value` as a whole number in `range`; nil (with a diagnostic) when it is not one.
    public func integer(_ value: Node, field: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = value, let number = Int(scalar.string) else {
            let tooLarge = value.string.flatMap { Double($0) }.map { $0.isFinite && $0 == $0.rounded() } ?? false
            error("field '\(field)' must be a whole number" + (tooLarge ? " from \(range.lowerBound) to \(range.upperBound)" : "")
                  + ", got \(quoted(value))", at: value)
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
    public func stringList(_ value: Node, field: String) -> [(String, Node)]? {
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
    public func distribution(_ value: Node, field: String) -> Distribution? {
        guard let distribution = parseDistribution(value, field: field) else { return nil }
        // The edge for numerical traps: a distribution whose mean or quantiles are not finite
        // (odd parameters meeting GSL's inverse CDFs) is refused here, at its position, rather
        // than yielding a NaN delay deep inside a run.
        let probes = [distribution.mean] + [1e-9, 0.001, 0.5, 0.999, 1 - 1e-9].map { distribution.quantile($0) }
        guard probes.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            error("distribution '\(field)' gives values that are not finite non-negative numbers with these parameters",
                  at: value)
            return nil
        }
        return distribution
    }

    func parseDistribution(_ value: Node, field: String) -> Distribution? {
        if case .scalar = value {
            guard let v = number(value, field: field, in: 0...Distribution.largestValue) else { return nil }
            return .constant(v)
        }
        let names = ConfigFile.distributionNames
        let allParameters = ConfigFile.distributionKeys
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
        // Bounds keep every draw finite and every GSL sampler fast (GSL's Poisson sampler
        // loops for ever for means near 2^32; gamma and beta degenerate for tiny shapes).
        let magnitude = 0...Distribution.largestValue
        switch name {
        case "constant":
            return fields.number("value", what: what, in: magnitude).map { .constant($0) }
        case "exponential":
            return fields.number("mean", what: what, in: magnitude, exclusiveLower: true).map { .exponential(mean: $0) }
        case "gamma":
            guard let k = fields.number("shape", what: what, in: Distribution.shapeRange),
                  let theta = fields.number("scale", what: what, in: magnitude, exclusiveLower: true) else { return nil }
            return .gamma(shape: k, scale: theta)
        case "lognormal":
            guard let mu = fields.number("mu", what: what, in: Distribution.lognormalMuRange),
                  let sigma = fields.number("sigma", what: what, in: Distribution.lognormalSigmaRange) else { return nil }
            return .lognormal(mu: mu, sigma: sigma)
        case "uniform":
            guard let a = fields.number("min", what: what, in: magnitude),
                  let b = fields.number("max", what: what, in: magnitude) else { return nil }
            guard a <= b else {
                error("min \(formatNumber(a)) is greater than max \(formatNumber(b))", at: fields["min"])
                return nil
            }
            return .uniform(min: a, max: b)
        case "beta":
            guard let a = fields.number("a", what: what, in: Distribution.shapeRange),
                  let b = fields.number("b", what: what, in: Distribution.shapeRange) else { return nil }
            return .beta(a: a, b: b)
        case "poisson":
            return fields.number("mean", what: what, in: Distribution.poissonMeanRange, exclusiveLower: true)
                .map { .poisson(mean: $0) }
        default:
            return nil
        }
    }
}
