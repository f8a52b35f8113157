import SimulationKernel

/// One negotiation issue: a name and its discrete values, in order.
public struct Issue: Sendable, Equatable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// The outcomes of a multi-issue negotiation: every combination of one value per issue,
/// enumerated with the **last issue varying fastest** (the order of `itertools.product`).
/// An outcome is identified by its index in that order, and every tie between outcomes is
/// broken in favour of the lower index.
public struct OutcomeSpace: Sendable, Equatable {
    public let issues: [Issue]
    public let count: Int
    /// Index step of each issue: the product of the sizes of the issues after it.
    @usableFromInline let strides: [Int]

    /// The number of outcomes of issues of these sizes, or nil when it exceeds `Int.max`.
    public static func count(sizes: [Int]) -> Int? {
        var size = 1
        for s in sizes {
            let (product, overflow) = size.multipliedReportingOverflow(by: s)
            if overflow { return nil }
            size = product
        }
        return size
    }

    /// `count` is `Int.max` when the product of the issues' sizes overflows; such a space
    /// is refused by the scenario reader and never enumerated.
    public init(issues: [Issue]) {
        self.issues = issues
        var strides = Array(repeating: 1, count: issues.count)
        var size = 1
        for i in issues.indices.reversed() {
            strides[i] = size
            let (product, overflow) = size.multipliedReportingOverflow(by: issues[i].values.count)
            size = overflow ? Int.max : product
        }
        self.strides = strides
        count = issues.isEmpty ? 0 : size
    }

    /// The value index of `issue` in outcome `index`.
    @inlinable public func value(of issue: Int, in index: Int) -> Int {
        (index / strides[issue]) % issues[issue].values.count
    }

    /// Outcome `index` with `issue` set to value `value` (no allocation).
    @inlinable public func replacing(_ issue: Int, with value: Int, in index: Int) -> Int {
        index + (value - self.value(of: issue, in: index)) * strides[issue]
    }

    /// Value indices of outcome `index`, one per issue.
    public func values(of index: Int) -> [Int] { issues.indices.map { value(of: $0, in: index) } }

    /// The outcome with the given value indices.
    public func index(of values: [Int]) -> Int { zip(values, strides).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Human-readable outcome: `price=low, delivery=fast`.
    public func describe(_ index: Int) -> String {
        issues.indices.map { "\(issues[$0].name)=\(issues[$0].values[value(of: $0, in: index)])" }
            .joined(separator: ", ")
    }
}

/// A linear additive utility function: u(o) = Σᵢ wᵢ · vᵢ(oᵢ), with a reserved value (the
/// utility of no agreement) and an optional discount factor per round (or per offer in the
/// offer-per-step protocol): an agreement reached at step s is worth δˢ · u(o).
public struct LinearUtility: Sendable, Equatable {
    public var weights: [Double]
    /// One table per issue, one entry per value.
    public var tables: [[Double]]
    public var reserved: Double
    public var discount: Double

    public init(weights: [Double], tables: [[Double]], reserved: Double = 0, discount: Double = 1) {
        self.weights = weights
        self.tables = tables
        self.reserved = reserved
        self.discount = discount
    }

    public func utility(of index: Int, in space: OutcomeSpace) -> Double {
        var u = 0.0
        for i in weights.indices { u += weights[i] * tables[i][space.value(of: i, in: index)] }
        return u
    }

    /// Every outcome's utility, in outcome order: the same doubles as `utility(of:in:)` (the
    /// same products wᵢ · vᵢ added from 0 in the same order), enumerating the outcomes like an
    /// odometer (last issue fastest) instead of dividing: the sum of the other issues' terms is
    /// updated from the first issue whose value changed, and the last issue's term is added to
    /// it in an inner loop. O(outcomes) additions in all.
    public func utilities(in space: OutcomeSpace) -> [Double] {
        let count = space.count
        let issues = space.issues.count
        let summed = weights.count
        guard count > 0 else { return [] }
        guard summed <= issues else { return (0..<count).map { utility(of: $0, in: space) } }
        let issueList = space.issues
        var values = 0
        for issue in issueList { values += issue.values.count }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * issues) { scratch in
            // digits[i]: issue i's value in the current outcome; sizes[i]: its values;
            // offsets[i]: where its terms start in `terms`.
            let digits = UnsafeMutableBufferPointer(rebasing: scratch[0 ..< issues])
            let sizes = UnsafeMutableBufferPointer(rebasing: scratch[issues ..< 2 * issues])
            let offsets = UnsafeMutableBufferPointer(rebasing: scratch[2 * issues ..< 3 * issues])
            var offset = 0
            for i in 0..<issues {
                digits[i] = 0
                sizes[i] = issueList[i].values.count
                offsets[i] = offset
                offset += sizes[i]
            }
            return withUnsafeTemporaryAllocation(of: Double.self, capacity: values + summed + 1) { doubles in
                // terms[offsets[i] + v] = wᵢ · vᵢ(v), the product `utility(of:in:)` adds.
                let terms = UnsafeMutableBufferPointer(rebasing: doubles[0 ..< values])
                for i in 0..<summed {
                    let table = tables[i], w = weights[i]
                    for v in 0..<sizes[i] { terms[offsets[i] + v] = w * table[v] }
                }
                // partial[i]: the sum of the terms of issues j < i for the current digits.
                let partial = UnsafeMutableBufferPointer(rebasing: doubles[values ..< values + summed + 1])
                let last = issues - 1
                let outer = min(summed, last)   // the summed issues before the last
                partial[0] = 0
                for i in 0..<outer { partial[i + 1] = partial[i] + terms[offsets[i]] }
                var result = filledArray(0.0, count: count)
                result.withUnsafeMutableBufferPointer { buffer in
                    let lastSize = sizes[last], lastTerms = offsets[last]
                    var o = 0
                    while true {
                        let base = partial[outer]
                        if summed == issues {
                            for v in 0..<lastSize { buffer[o + v] = base + terms[lastTerms + v] }
                        } else {
                            for v in 0..<lastSize { buffer[o + v] = base }
                        }
                        o += lastSize
                        var changed = last - 1
                        while changed >= 0 {
                            digits[changed] += 1
                            if digits[changed] < sizes[changed] { break }
                            digits[changed] = 0
                            changed -= 1
                        }
                        if changed < 0 { break }   // past the last outcome
                        var i = changed
                        while i < outer {
                            partial[i + 1] = partial[i] + terms[offsets[i] + digits[i]]
                            i += 1
                        }
                    }
                }
                return result
            }
        }
    }
}

/// `count` copies of `value` in a new array. `Array(repeating:count:)` and
/// `Array(unsafeUninitializedCapacity:initializingWith:)` call an unspecialised allocator that
/// looks up the array's runtime type on every call, which costs more than filling a small
/// array; copying a `repeatElement` collection goes through specialised code.
@inline(__always)
func filledArray<Element>(_ value: Element, count: Int) -> [Element] {
    Array(repeatElement(value, count: count))
}

/// A negotiation domain: the outcome space and every agent's preferences, with each agent's
/// utility of every outcome computed once (`utility(agent, outcome)` is an array read).
public struct NegotiationDomain: Sendable {
    public let space: OutcomeSpace
    public let preferences: [LinearUtility]
    /// utilities[agent][outcome]
    public let utilities: [[Double]]
    /// Each agent's reserved value (the utility of no agreement).
    public let reserved: [Double]

    public var agentCount: Int { preferences.count }
    public var outcomeCount: Int { space.count }

    public init(space: OutcomeSpace, preferences: [LinearUtility]) {
        self.space = space
        self.preferences = preferences
        utilities = preferences.map { $0.utilities(in: space) }
        reserved = preferences.map { $0.reserved }
    }

    @inlinable public func utility(_ agent: Int, _ outcome: Int) -> Double { utilities[agent][outcome] }

    /// Every agent's rational outcomes (utility ≥ its reserved value) by ascending utility, ties
    /// by outcome index (`Negotiator.ascending`): what its negotiator searches, and for the
    /// first agent where the frontier's sweep order starts (`BargainingSolutions`). Made once
    /// per run by the protocols with negotiators and handed to both.
    func ascendingOutcomes() -> [[Int32]] {
        (0..<agentCount).map { Negotiator.ascending(utilities[$0], atLeast: reserved[$0]) }
    }
}

/// How to draw a random domain (per replication, from the workload stream `domain`, so
/// every protocol faces the same domain).
///
/// Each issue gets a number of values drawn uniformly from `values`; issue weights are a
/// normalised Dirichlet(1,…,1) draw per agent; agent 1's value table is a random table, and
/// every later agent's entry is `opposition · (1 − v₁) + (1 − opposition) · uniform`, so
/// opposition 0 gives independent preferences and 1 gives exactly opposed tables. Tables are
/// scaled so each issue's best value is 1 and its worst 0.
public struct RandomDomainSpec: Sendable, Equatable {
    public var issues: Int
    public var values: ClosedRange<Int>
    public var opposition: Double

    public init(issues: Int, values: ClosedRange<Int>, opposition: Double) {
        self.issues = issues
        self.values = values
        self.opposition = opposition
    }

    /// Draws issues and agents' weights and tables; reserved values and discounts come from
    /// `template` (one per agent).
    public func draw(agents template: [LinearUtility], from stream: RandomStream) -> NegotiationDomain {
        var issueList: [Issue] = []
        for i in 0..<issues {
            let n = values.lowerBound + stream.integer(below: values.count)
            issueList.append(Issue(name: "issue\(i + 1)", values: (1...n).map { "v\($0)" }))
        }
        var first: [[Double]] = []
        var preferences: [LinearUtility] = []
        for (a, base) in template.enumerated() {
            let raw = (0..<issues).map { _ in stream.exponential(mean: 1) }
            let total = raw.reduce(0, +)
            var tables: [[Double]] = []
            for (i, issue) in issueList.enumerated() {
                var table = issue.values.map { _ in stream.uniform() }
                if a == 0 {
                    first.append(table)
                } else {
                    for k in table.indices { table[k] = opposition * (1 - first[i][k]) + (1 - opposition) * table[k] }
                }
                tables.append(Self.rescaled(table))
            }
            preferences.append(LinearUtility(weights: raw.map { $0 / total }, tables: tables,
                                             reserved: base.reserved, discount: base.discount))
        }
        return NegotiationDomain(space: OutcomeSpace(issues: issueList), preferences: preferences)
    }

    static func rescaled(_ table: [Double]) -> [Double] {
        guard let lo = table.min(), let hi = table.max(), hi > lo else { return table.map { _ in 1 } }
        return table.map { ($0 - lo) / (hi - lo) }
    }
}
