import DivisionOfLabour
import SimulationKernel
import Statistics
import Testing

@Suite("Team model")
struct TeamModelTests {
    @Test("one agent, a batch of fixed-size tasks: makespan and sojourns by hand")
    func batchByHand() {
        let scenario = Fixtures.identicalTeam(agents: 1, speed: 0.5, arrivals: .batch(count: 10), size: .constant(2))
        for strategy in Fixtures.allStrategies {
            let m = Fixtures.run(scenario, strategy)
            #expect(m["tasks-completed"] == 10)
            #expect(m["total-cost"] == 40)
            // Contract net's messages and response threshold's hesitation add time.
            switch strategy {
            case .contractNet, .responseThreshold: continue
            default: break
            }
            #expect(abs(m["makespan"]! - 40) < 1e-9, "\(strategy)")
            // Task k finishes at 4k: mean sojourn (4+8+…+40)/10 = 22.
            #expect(abs(m["mean-sojourn"]! - 22) < 1e-9, "\(strategy)")
            #expect(abs(m["mean-queue-wait"]! - 18) < 1e-9, "\(strategy)")
            #expect(abs(m["utilisation"]! - 1) < 1e-12)
        }
    }

    @Test("retries: success rate is 1 − (1 − p)^attempts", arguments: [(0.6, 3), (0.5, 1), (0.9, 2)])
    func retries(p: Double, attempts: Int) {
        let scenario = Fixtures.identicalTeam(
            agents: 2, reliability: p, arrivals: .batch(count: 20_000), size: .constant(1), maxAttempts: attempts)
        let m = Fixtures.run(scenario, .leastLoaded)
        let expected = 1 - Foundation.pow(1 - p, Double(attempts))
        let sd = (expected * (1 - expected) / 20_000).squareRoot()
        #expect(abs(m["success-rate"]! - expected) <= 5 * sd)
        #expect(m["tasks-completed"]! + m["tasks-failed"]! == 20_000)
        // Every failed attempt is wasted: expected failed attempts per task Σ_{k<attempts} (1−p)^(k+1).
        let failedAttempts = (1...attempts).reduce(0.0) { $0 + Foundation.pow(1 - p, Double($1)) }
        #expect(abs(m["wasted-work"]! / 20_000 - failedAttempts) < 0.02)
    }

    @Test("reviewer detection: review time adds to sojourn and cost")
    func reviewer() {
        let scenario = Fixtures.identicalTeam(
            agents: 1, arrivals: .batch(count: 1), size: .constant(1), detection: .reviewer(time: .constant(0.5)))
        let m = Fixtures.run(scenario, .leastLoaded)
        #expect(m["mean-sojourn"] == 1.5)
        #expect(m["total-cost"] == 1 * 1 + 0.5 * 2)
    }

    @Test("fork-join workflow: parallel branches overlap")
    func forkJoin() {
        var scenario = Fixtures.identicalTeam(agents: 2, arrivals: .batch(count: 1), size: .constant(1))
        scenario.workflows = [Workflow(name: "feature", weight: 1, steps: [
            WorkflowStep(type: 0), WorkflowStep(type: 0, predecessors: [0]),
            WorkflowStep(type: 0, predecessors: [0]), WorkflowStep(type: 0, predecessors: [1, 2]),
        ])]
        let m = Fixtures.run(scenario, .leastLoaded)
        #expect(m["makespan"] == 3)
        #expect(m["tasks-completed"] == 1)
        let one = Fixtures.run(Fixtures.identicalTeam(agents: 1, arrivals: .batch(count: 1), size: .constant(1)),
                               .leastLoaded)
        #expect(one["makespan"] == 1)
    }

    @Test("contract net sends 2n + 1 messages per assignment and delays work by three message times")
    func contractNetMessages() {
        let scenario = Fixtures.identicalTeam(agents: 3, arrivals: .batch(count: 50), size: .constant(1))
        let m = Fixtures.run(scenario, .contractNet(messageDelay: 0.1, award: .earliestFinish))
        #expect(m["messages"] == Double(50 * 7))
        #expect(m["tasks-completed"] == 50)
        let single = Fixtures.run(Fixtures.identicalTeam(agents: 1, arrivals: .batch(count: 1), size: .constant(1)),
                                  .contractNet(messageDelay: 0.1, award: .earliestFinish))
        #expect(abs(single["mean-sojourn"]! - 1.3) < 1e-12)
    }

    @Test("every strategy finishes every task when nothing fails", arguments: 0..<6)
    func allFinish(strategyIndex: Int) {
        let strategy = Fixtures.allStrategies[strategyIndex]
        let scenario = Fixtures.identicalTeam(
            agents: 3, arrivals: .poisson(rate: 2, count: 500, until: nil), size: .exponential(mean: 1))
        let m = Fixtures.run(scenario, strategy)
        #expect(m["tasks-completed"] == 500)
        #expect(m["stop"] == 0, "drained")
    }

    @Test("the event budget stops a run and says so")
    func eventBudget() {
        var scenario = Fixtures.identicalTeam(agents: 2, arrivals: .batch(count: 1000), size: .constant(1))
        scenario.eventBudget = 100
        let m = Fixtures.run(scenario, .leastLoaded)
        #expect(m["events"] == 100)
        #expect(m["stop"] == Double(StopReason.allCases.firstIndex(of: .eventBudget)!))
        #expect(m["tasks-completed"]! < 1000)
    }

    @Test("common random numbers: the workload does not depend on the strategy")
    func commonRandomNumbers() {
        let scenario = Fixtures.identicalTeam(
            agents: 2, reliability: 0.7, arrivals: .poisson(rate: 1, count: 300, until: nil), size: .gamma(shape: 2, scale: 1))
        let a = Workload(scenario: scenario, streams: RandomStreams(identity: "crn"))
        let b = Workload(scenario: scenario, streams: RandomStreams(identity: "crn"))
        #expect(a.arrival == b.arrival && a.stepSize == b.stepSize && a.outcome == b.outcome)
        // Strategies with no randomness of their own and the same agents see identical attempts:
        // least-loaded and skill-routing agree exactly on a team of identical agents.
        let x = Fixtures.run(scenario, .leastLoaded)
        let y = Fixtures.run(scenario, .skillRouting(minSuccess: 0.5))
        #expect(x["tasks-completed"] == y["tasks-completed"])
        #expect(x["mean-sojourn"] == y["mean-sojourn"])
    }

    @Test("same identity ⇒ identical metrics, run after run")
    func repeatable() {
        let scenario = Fixtures.identicalTeam(
            agents: 3, reliability: 0.8, arrivals: .poisson(rate: 2, count: 400, until: nil), size: .exponential(mean: 1))
        for strategy in Fixtures.allStrategies {
            let first = Fixtures.run(scenario, strategy, replication: 3)
            let second = Fixtures.run(scenario, strategy, replication: 3)
            #expect(first == second || first.description == second.description)
        }
    }
}

import Foundation
