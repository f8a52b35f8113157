/// One tunable parameter of a strategy, as `coordbench list strategies` shows it and as
/// suite files set it (`{name: skill-routing, min-success: 0.9}`).
public struct ParameterDescriptor: Sendable, Equatable {
    public let name: String
    public let defaultValue: Double
    public let range: ClosedRange<Double>
    /// For a parameter that picks among named options: the names, whose index is the value.
    public let choices: [String]
    public let summary: String

    public init(_ name: String, default defaultValue: Double, range: ClosedRange<Double>, _ summary: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.range = range
        self.choices = []
        self.summary = summary
    }

    public init(_ name: String, choices: [String], default defaultChoice: String, _ summary: String) {
        self.name = name
        self.choices = choices
        self.defaultValue = Double(choices.firstIndex(of: defaultChoice) ?? 0)
        self.range = 0...Double(max(choices.count - 1, 0))
        self.summary = summary
    }

    /// The value as written in a label: a choice's name or a number's shortest form.
    public func format(_ value: Double) -> String {
        if !choices.isEmpty, let i = Int(exactly: value), choices.indices.contains(i) { return choices[i] }
        return formatNumber(value)
    }
}

/// A strategy of a family: its name, a one-line description and its parameters.
public struct StrategyDescriptor: Sendable, Equatable {
    public let name: String
    public let summary: String
    public let parameters: [ParameterDescriptor]

    public init(_ name: String, _ summary: String, parameters: [ParameterDescriptor] = []) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
    }

    /// The value of parameter `key`: the one given, or the catalogue's default.
    /// `key` must be one of this strategy's parameters.
    public func value(_ key: String, in given: [String: Double]) -> Double {
        given[key] ?? parameters.first { $0.name == key }!.defaultValue
    }
}

/// Shortest decimal text that reads back as the same `Double` ("0.1", "3", "1e-05").
/// Used for labels and run identities, so they never depend on locale or formatting flags.
public func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
