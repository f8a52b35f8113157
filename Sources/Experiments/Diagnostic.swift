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

    public var description: String {
        "\(location.path):\(location.line):\(location.column): error: \(message)"
    }
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
public func unknownMessage(_ what: String, _ word: String, known: [String]) -> String {
    var message = "unknown \(what) '\(word)'"
    if let guess = nearest(word, in: known).first { message += "; did you mean '\(guess)'?" } else { message += ";" }
    message += " expected one of: " + known.joined(separator: ", ")
    return message
}
