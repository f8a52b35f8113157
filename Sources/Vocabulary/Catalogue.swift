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

/// A strategy declared once: its name, description and parameters (with their defaults) and
/// how the strategy is built from parameter values. A family's catalogue is a list of these.
public struct StrategyDeclaration<Strategy>: Sendable {
    public let descriptor: StrategyDescriptor
    let build: @Sendable (StrategyParameters) -> Strategy

    public init(_ name: String, _ summary: String, parameters: [ParameterDescriptor] = [],
                build: @escaping @Sendable (StrategyParameters) -> Strategy) {
        descriptor = StrategyDescriptor(name, summary, parameters: parameters)
        self.build = build
    }

    /// The strategy with the `given` parameter values (checked against the descriptor's ranges
    /// by the caller); parameters not given take their defaults.
    public func make(_ given: [String: Double] = [:]) -> Strategy {
        build(StrategyParameters(descriptor: descriptor, given: given))
    }
}

extension Array {
    /// The strategy declared under `name` in this catalogue, with `parameters`; nil for an unknown name.
    public func make<S>(_ name: String, parameters: [String: Double] = [:]) -> S? where Element == StrategyDeclaration<S> {
        first { $0.descriptor.name == name }?.make(parameters)
    }
}

/// A strategy's parameter values as its builder sees them: the given ones, else the defaults.
public struct StrategyParameters: Sendable {
    let descriptor: StrategyDescriptor
    let given: [String: Double]

    /// The value of parameter `name`, which the strategy's descriptor must declare.
    public subscript(_ name: String) -> Double { descriptor.value(name, in: given) }

    /// The index of the option chosen for a parameter with named `choices`.
    public func choice(_ name: String) -> Int { Int(self[name]) }
}

/// Shortest decimal text that reads back as the same `Double` ("0.1", "3", "1e-05").
/// Used for labels and run identities, so they never depend on locale or formatting flags.
public func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
