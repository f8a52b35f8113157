@testable import DivisionOfLabour
import SimulationKernel
import Testing

/// The strategies' indexed structures against plain arrays, under random operations.
@Suite("Indexed structures")
struct IndexedStructureTests {
    @Test("AgentHeap: first is the least (key, slot); update and remove keep it so; visit with a bound sees exactly the keys within it",
          arguments: 0..<10)
    func agentHeap(seed: Int) {
        let r = RandomStreams(identity: "agent-heap|\(seed)").stream("operations")
        let slots = 1 + r.integer(below: 60)
        var heap = AgentHeap(slots: slots)
        var keys: [Double?] = Array(repeating: nil, count: slots)   // the reference
        for _ in 0..<1000 {
            let slot = r.integer(below: slots)
            if r.integer(below: 3) == 0 {
                heap.remove(slot)
                keys[slot] = nil
            } else {
                let key = Double(r.integer(below: 8))               // few distinct keys: many ties
                heap.update(slot, key: key)
                keys[slot] = key
            }
            let members = keys.indices.compactMap { s in keys[s].map { (key: $0, slot: s) } }
            let least = members.min { ($0.key, $0.slot) < ($1.key, $1.slot) }
            #expect(heap.first.map { [$0.key, Double($0.slot)] } == least.map { [$0.key, Double($0.slot)] })
            #expect(heap.count == members.count)
            #expect((0..<slots).allSatisfy { heap.contains($0) == (keys[$0] != nil) })
            let bound = Double(r.integer(below: 9))
            var seen: [Int] = []
            heap.visit { entry in
                guard entry.key <= bound else { return false }
                seen.append(Int(entry.slot))
                return true
            }
            #expect(seen.sorted() == members.filter { $0.key <= bound }.map(\.slot))
        }
    }

    @Test("WaitingLine: the oldest valid entry, whatever was invalidated or compacted away", arguments: 0..<20)
    func waitingLine(seed: Int) {
        let r = RandomStreams(identity: "waiting-line|\(seed)").stream("operations")
        var line = WaitingLine()
        var reference: [WaitingLine.Entry] = []
        var valid = Set<Int>()                                      // tickets that still count
        var ticket = 0
        for _ in 0..<5000 {
            switch r.integer(below: 10) {
            case 0..<6:                                             // the line grows past compaction
                let entry = WaitingLine.Entry(step: Int32(ticket % 100), ticket: ticket)
                ticket += 1
                valid.insert(entry.ticket)
                reference.append(entry)
                line.append(entry, isValid: { valid.contains($0.ticket) })
            case 6..<8:
                if let victim = reference.randomElementIndex(r) { valid.remove(reference[victim].ticket) }
            default:
                let expected = reference.first { valid.contains($0.ticket) }
                let got = line.first { valid.contains($0.ticket) }
                #expect(got?.ticket == expected?.ticket)
                if let expected {
                    line.removeFirst()
                    valid.remove(expected.ticket)
                    reference.removeAll { $0.ticket <= expected.ticket }
                }
            }
        }
    }
}

extension Array {
    /// A uniformly drawn index, or nil when empty.
    fileprivate func randomElementIndex(_ r: RandomStream) -> Int? { isEmpty ? nil : r.integer(below: count) }
}
