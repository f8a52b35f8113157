/// A position in an input file; lines and columns start at 1.
public struct SourceLocation: Sendable, Equatable, Comparable {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}

/// One problem found in an input file, printed as `path:line:column: error: message`.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    /// The longest message printed; longer ones (long lists of names) are cut with "…".
    public static let maximumMessageLength = 600

    /// `path:line:column: error: message`, on one line: control characters are shown escaped
    /// and a long message is cut, so that no input can flood a log or forge lines in it.
    public var description: String {
        "\(excerpt(location.path, limit: 300)):\(location.line):\(location.column): error: "
            + excerpt(message, limit: Diagnostic.maximumMessageLength)
    }
}

/// `text` made safe to quote in one line of a log: control characters escaped (`\n`, `\u{7}`)
/// and at most `limit` characters, the rest replaced by "…".
public func excerpt(_ text: String, limit: Int = 60) -> String {
    var out = ""
    var count = 0
    for scalar in text.unicodeScalars {
        if count >= limit { return out + "…" }
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        count += 1
    }
    return out
}

/// Every problem found in the inputs; thrown before anything runs or is written.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The names in `known` closest to `word` by edit distance, for "did you mean" hints.
public func nearest(_ word: String, in known: [String]) -> [String] {
    let scored = known.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    let limit = max(2, word.count / 3)
    let close = scored.filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    return close.map(\.0)
}

/// Levenshtein distance between two strings, by Unicode scalars.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// "unknown X 'y'; did you mean 'z'? expected one of: a, b, c"
/// Only the first `listed` valid names are listed; the count says how many there are.
public func unknownMessage(_ what: String, _ word: String, known: [String], listed: Int = 24) -> String {
    var message = "unknown \(what) '\(excerpt(word))'"
    // Edit distances are quadratic in the words' lengths: long words get no suggestion.
    let guess = word.unicodeScalars.count <= 64 ? nearest(word, in: known.prefix(1000).filter { $0.count <= 64 }).first : nil
    if let guess { message += "; did you mean '\(excerpt(guess))'?" } else { message += ";" }
    message += " expected one of: " + known.prefix(listed).map { excerpt($0) }.joined(separator: ", ")
    if known.count > listed { message += ", … (\(known.count) in all)" }
    return message
}
