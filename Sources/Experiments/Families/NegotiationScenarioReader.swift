import Foundation
import Negotiation
import SimulationKernel
import Yams
import Vocabulary

/// Reads a negotiation scenario from its YAML node (see README, "Family: negotiation").
enum NegotiationScenarioReader {
    static let topKeys = ["name", "family", "description", "deadline", "event-budget", "domain", "agents"]
    static let agentKeys = ["name", "tactic", "exponent", "reserved", "discount", "weights", "values"]

    static func read(_ root: Node, name: String, in file: ConfigFile) -> NegotiationScenario? {
        guard let top = Fields(root, in: file, what: "scenario", allowed: topKeys) else { return nil }
        let deadline = top.integer("deadline", what: "scenario", in: 1...1_000_000)
        let domain = top.required("domain", what: "scenario").flatMap { readDomain($0, in: file) }
        var agents: [NegotiatorSpec] = []
        var ok = true
        if let list = top.required("agents", what: "scenario") {
            if case .sequence(let items) = list, items.count > NegotiationScenario.maximumAgents {
                file.error("\(items.count) negotiators; at most \(NegotiationScenario.maximumAgents) are supported", at: list)
                ok = false
            } else if case .sequence(let items) = list, items.count >= 2 {
                var names: Set<String> = []
                for item in items {
                    if let agent = readAgent(item, domain: domain, in: file) {
                        if !names.insert(agent.name).inserted {
                            file.error("duplicate agent name '\(excerpt(agent.name))'", at: item)
                        }
                        agents.append(agent)
                    } else {
                        ok = false
                    }
                }
            } else {
                file.error("agents must be a list of at least two negotiators", at: list)
                ok = false
            }
        }
        let budget = top.eventBudget(default: NegotiationScenario.defaultEventBudget)
        guard ok, let deadline, let domain, let budget else { return nil }
        if let slices = domain.split {
            guard agents.count == 2 else {
                file.error("a split domain is bilateral: it needs exactly two agents", at: top["agents"])
                return nil
            }
            for index in 0..<2 {
                let split = NegotiationScenario.splitPreferences(slices: slices, first: index == 0)
                agents[index].preferences.weights = split.weights
                agents[index].preferences.tables = split.tables
            }
        }
        if agents.count > 2, let agent = agents.first(where: { $0.tactic == .rubinstein }) {
            file.error("tactic 'rubinstein' (agent '\(agent.name)') needs a bilateral negotiation", at: top["agents"])
            return nil
        }
        return NegotiationScenario(name: name, domain: domain.source, agents: agents, deadline: deadline, eventBudget: budget)
    }

    struct DomainSpec {
        var source: DomainSource
        /// For a split: the tables each agent gets by position.
        var split: Int?
    }

    static func readDomain(_ node: Node, in file: ConfigFile) -> DomainSpec? {
        guard let fields = Fields(node, in: file, what: "domain", allowed: ["issues", "random", "split"]) else { return nil }
        let given = ["issues", "random", "split"].filter { fields.has($0) }
        guard given.count == 1 else {
            file.error("domain needs exactly one of: issues (stated), random (generated), split (a unit pie)", at: node)
            return nil
        }
        if let issuesNode = fields["issues"] {
            guard case .sequence(let items) = issuesNode, !items.isEmpty else {
                file.error("issues must be a non-empty list", at: issuesNode)
                return nil
            }
            guard items.count <= NegotiationScenario.maximumIssues else {
                file.error("\(items.count) issues; at most \(NegotiationScenario.maximumIssues) are supported", at: issuesNode)
                return nil
            }
            var issueNames: Set<String> = []
            var issues: [Issue] = []
            for item in items {
                guard let issue = Fields(item, in: file, what: "issue", allowed: ["name", "values"]),
                      let name = issue.string("name", what: "issue", required: true),
                      let valuesNode = issue.required("values", what: "issue '\(name)'"),
                      let values = file.stringList(valuesNode, field: "values") else { return nil }
                if values.isEmpty { file.error("issue '\(name)' needs at least one value", at: valuesNode); return nil }
                if !issueNames.insert(name).inserted { file.error("duplicate issue '\(excerpt(name))'", at: issue["name"]) }
                issues.append(Issue(name: name, values: values.map(\.0)))
            }
            guard let count = OutcomeSpace.count(sizes: issues.map(\.values.count)),
                  count <= NegotiationScenario.maximumOutcomes else {
                let size = issues.reduce(1.0) { $0 * Double($1.values.count) }
                file.error("the domain has \(formatQuantity(size)) outcomes; at most "
                           + "\(NegotiationScenario.maximumOutcomes) are supported", at: issuesNode)
                return nil
            }
            return DomainSpec(source: .fixed(OutcomeSpace(issues: issues)))
        }
        if let splitNode = fields["split"] {
            guard let split = Fields(splitNode, in: file, what: "split", allowed: ["slices"]),
                  let slices = split.integer("slices", what: "split", in: 1...1_000_000) else { return nil }
            return DomainSpec(source: .fixed(NegotiationScenario.splitSpace(slices: slices)), split: slices)
        }
        guard let randomNode = fields["random"],
              let random = Fields(randomNode, in: file, what: "random domain", allowed: ["issues", "values", "opposition"]),
              let issues = random.integer("issues", what: "random domain", in: 1...20),
              let opposition = random.number("opposition", what: "random domain", default: 0.5, in: 0...1),
              let valuesNode = random.required("values", what: "random domain"),
              let values = file.stringList(valuesNode, field: "values")
        else { return nil }
        let counts = values.compactMap { file.integer($0.1, field: "values", in: 1...1000) }
        guard counts.count == values.count, (1...2).contains(counts.count), counts.first! <= counts.last! else {
            file.error("values must be a count or [min, max] with min ≤ max", at: valuesNode)
            return nil
        }
        let largest = pow(Double(counts.last!), Double(issues))
        guard largest <= Double(NegotiationScenario.maximumOutcomes) else {
            file.error("a random domain of \(issues) issues with up to \(counts.last!) values each can have "
                       + "\(formatQuantity(largest)) outcomes; at most \(NegotiationScenario.maximumOutcomes) are supported",
                       at: valuesNode)
            return nil
        }
        return DomainSpec(source: .random(RandomDomainSpec(issues: issues, values: counts.first!...counts.last!,
                                                           opposition: opposition)))
    }

    static func readAgent(_ node: Node, domain: DomainSpec?, in file: ConfigFile) -> NegotiatorSpec? {
        guard let fields = Fields(node, in: file, what: "agent", allowed: agentKeys),
              let name = fields.string("name", what: "agent", required: true) else { return nil }
        let what = "agent '\(name)'"
        let reserved = fields.number("reserved", what: what, default: 0, in: 0...1)
        let discount = fields.number("discount", what: what, default: 1, in: 0...1, exclusiveLower: true)
        var tactic: Tactic?
        var exponent: Double?
        var exponentValid = true
        if let node = fields["exponent"] {
            exponent = file.number(node, field: "exponent", in: 0...1000, exclusiveLower: true)
            exponentValid = exponent != nil
        }
        if let tacticNode = fields.required("tactic", what: what), let text = fields.scalarString(tacticNode, field: "tactic") {
            switch text {
            case "boulware": tactic = .timeBased(exponent: exponent ?? Tactic.boulwareExponent)
            case "linear": tactic = .timeBased(exponent: exponent ?? 1)
            case "conceder": tactic = .timeBased(exponent: exponent ?? Tactic.concederExponent)
            case "time-based":
                if let exponent {
                    tactic = .timeBased(exponent: exponent)
                } else if exponentValid {
                    file.error("tactic 'time-based' needs an 'exponent' x (aspiration 1 − t^x)", at: node)
                }
            case "hardliner": tactic = .hardliner
            case "tit-for-tat": tactic = .titForTat
            case "random": tactic = .random
            case "rubinstein": tactic = .rubinstein
            default: file.error(unknownMessage("tactic", text, known: Tactic.names), at: tacticNode)
            }
            if let node = fields["exponent"], let chosen = tactic, !chosen.isTimeBased {
                file.error("'exponent' only applies to time-based tactics (boulware, linear, conceder, time-based)", at: node)
                tactic = nil
            }
        }
        guard exponentValid else { return nil }
        guard let domain, let reserved, let discount, let tactic else { return nil }

        switch domain.source {
        case .random:
            for key in ["weights", "values"] where fields.has(key) {
                file.error("'\(key)' is drawn for a random domain; remove it", at: fields[key])
            }
            return NegotiatorSpec(name: name, tactic: tactic,
                                  preferences: LinearUtility(weights: [], tables: [], reserved: reserved, discount: discount))
        case .fixed(let space):
            if let slices = domain.split {
                for key in ["weights", "values"] where fields.has(key) {
                    file.error("'\(key)' is implied by a split domain (the first agent's share is its utility)", at: fields[key])
                }
                // Tables are given by position once every agent is read (see `read`).
                _ = slices
                return NegotiatorSpec(name: name, tactic: tactic,
                                      preferences: LinearUtility(weights: [], tables: [], reserved: reserved,
                                                                 discount: discount))
            }
            let issueNames = space.issues.map(\.name)
            guard let weightsNode = fields.required("weights", what: what),
                  let weightFields = Fields(weightsNode, in: file, what: "weights", allowed: issueNames),
                  let valuesNode = fields.required("values", what: what),
                  let valueFields = Fields(valuesNode, in: file, what: "values", allowed: issueNames) else { return nil }
            var weights: [Double] = []
            var tables: [[Double]] = []
            var ok = true
            for issue in space.issues {
                let w = weightFields.number(issue.name, what: "weights of agent '\(name)'", in: 0...1)
                var table: [Double]?
                if let tableNode = valueFields.required(issue.name, what: "values of agent '\(name)'") {
                    if case .sequence(let entries) = tableNode, entries.count == issue.values.count {
                        let parsed = entries.compactMap { file.number($0, field: "values.\(issue.name)", in: 0...1) }
                        table = parsed.count == entries.count ? parsed : nil
                    } else {
                        file.error("values.\(issue.name) must list one utility (0…1) per value: \(issue.values.count) "
                                   + "for " + issue.values.joined(separator: ", "), at: tableNode)
                    }
                }
                if let w, let table { weights.append(w); tables.append(table) } else { ok = false }
            }
            guard ok else { return nil }
            let total = weights.reduce(0, +)
            if abs(total - 1) > 1e-9 {
                file.error("weights of agent '\(name)' sum to \(formatNumber(total)); they must sum to 1", at: weightsNode)
                return nil
            }
            return NegotiatorSpec(name: name, tactic: tactic,
                                  preferences: LinearUtility(weights: weights, tables: tables, reserved: reserved,
                                                             discount: discount))
        }
    }
}

extension NegotiationFamily: ScenarioFamily {
    public static var strategies: [StrategyDeclaration<NegotiationProtocol>] { NegotiationProtocol.catalogue }
    public static var metrics: [MetricDeclaration<ScoredNegotiation>] { NegotiationMetrics.declarations }


    public static func read(_ root: Node, name: String, in file: ConfigFile) -> NegotiationScenario? {
        NegotiationScenarioReader.read(root, name: name, in: file)
    }

    public static func footprint(of scenario: NegotiationScenario) -> Footprint { scenario.footprint }

    /// `events`: offers made (a negotiation ends by agreement, deadline or a limit).
    public static func run(_ scenario: NegotiationScenario, strategy: NegotiationProtocol, streams: RunStreams,
                           deadline: WallClockDeadline) -> RunOutcome {
        let outcome = run(scenario, protocol: strategy, workload: streams.workload, strategy: streams.strategy,
                          deadline: deadline)
        return RunOutcome(stopReason: outcome.result.stopReason, events: outcome.result.offers, metrics: outcome.metrics)
    }
}
