import Testing
@testable import SimulationKernel

@Suite("EventQueue")
struct EventQueueTests {
    @Test("pops in time order, FIFO among equal times")
    func fifoTies() {
        var queue = EventQueue<Int>()
        queue.push(1, at: 2.0)
        queue.push(2, at: 1.0)
        queue.push(3, at: 2.0)
        queue.push(4, at: 1.0)
        queue.push(5, at: 0.5)
        var order: [Int] = []
        while let (_, payload) = queue.pop() { order.append(payload) }
        #expect(order == [5, 2, 4, 1, 3])
    }

    @Test("cancelled events never run; stale handles cancel nothing", arguments: [1, 2, 3])
    func cancellation(seed: UInt64) {
        var queue = EventQueue<Int>()
        let stream = RandomStream(seed: seed)
        var ids: [(EventID, Int)] = []
        for i in 0..<500 { ids.append((queue.push(i, at: stream.uniform() * 100), i)) }
        var cancelled = Set<Int>()
        for (id, i) in ids where i % 3 == 0 {
            let wasPending = queue.cancel(id)
            #expect(wasPending)
            cancelled.insert(i)
        }
        let again = queue.cancel(ids[0].0)
        #expect(!again, "a second cancel of the same event is a no-op")
        #expect(queue.count == 500 - cancelled.count)
        var seen: [Int] = []
        var last = -Double.infinity
        while let (time, payload) = queue.pop() {
            #expect(time >= last)
            last = time
            seen.append(payload)
        }
        #expect(Set(seen) == Set(0..<500).subtracting(cancelled))
        // Slots are reused now; old handles must not cancel the new events.
        let fresh = queue.push(999, at: 1)
        for (id, _) in ids { _ = queue.cancel(id) }
        let next = queue.pop()
        #expect(next?.payload == 999)
        _ = fresh
    }

    /// Random interleavings of push, pop and cancel against a sorted-array model.
    @Test("matches a reference priority queue over random operation sequences", arguments: 1...20)
    func randomOperations(seed: UInt64) {
        let stream = RandomStream(seed: seed)
        var queue = EventQueue<Int>()
        var reference: [(time: Double, sequence: Int, payload: Int)] = []
        var handles: [Int: EventID] = [:]
        var sequence = 0
        var now = 0.0
        for step in 0..<3000 {
            let u = stream.uniform()
            if u < 0.5 {
                // Coarse times so that ties are common.
                let time = now + Double(stream.integer(below: 20)) / 4
                handles[step] = queue.push(step, at: time)
                reference.append((time, sequence, step))
                sequence += 1
            } else if u < 0.85 {
                reference.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
                let expected = reference.first
                let got = queue.pop()
                #expect(got?.payload == expected?.payload)
                if let expected {
                    reference.removeFirst()
                    now = expected.time
                }
            } else if !reference.isEmpty {
                let victim = reference.remove(at: stream.integer(below: reference.count))
                let wasPending = queue.cancel(handles[victim.payload]!)
                #expect(wasPending)
            }
            #expect(queue.count == reference.count)
        }
    }
}

@Suite("Simulation")
struct SimulationTests {
    struct Counter: EventHandler {
        var log: [(Double, Int)] = []
        var respawn = false
        mutating func handle(_ event: Int, in simulation: inout Simulation<Int>) {
            log.append((simulation.now, event))
            if respawn { simulation.schedule(event, after: 1) }
        }
    }

    @Test("stops when drained, at the horizon, or at the event budget")
    func stopReasons() {
        var drained = Simulation<Int>()
        var model = Counter()
        drained.schedule(1, at: 1)
        drained.schedule(2, at: 3)
        #expect(drained.run(&model) == .drained)
        #expect(model.log.map(\.1) == [1, 2])
        #expect(drained.now == 3)

        var horizon = Simulation<Int>()
        var looping = Counter(respawn: true)
        horizon.schedule(0, at: 0)
        #expect(horizon.run(&looping, until: 10.5) == .horizon)
        #expect(looping.log.count == 11)
        #expect(horizon.now == 10.5)

        var budget = Simulation<Int>()
        var endless = Counter(respawn: true)
        budget.schedule(0, at: 0)
        #expect(budget.run(&endless, eventBudget: 100) == .eventBudget)
        #expect(budget.eventsProcessed == 100)
        #expect(budget.pendingCount == 1)
    }

    @Test("the hold model keeps its population and a monotone clock")
    func holdModel() {
        var model = HoldModel(seed: 7)
        var simulation = model.prepared(pending: 1000)
        var previous = 0.0
        for _ in 0..<10 {
            _ = simulation.run(&model, eventBudget: simulation.eventsProcessed + 1000)
            #expect(simulation.now >= previous)
            previous = simulation.now
        }
        #expect(simulation.pendingCount == 1000)
        #expect(simulation.eventsProcessed == 10_000)
        // Each step advances by the minimum of 1000 Exp(1) residuals: about 1/1000 per event.
        #expect(simulation.now > 5 && simulation.now < 20)
    }
}
