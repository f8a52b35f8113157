/// The points kept so far by the Pareto sweep of four or more agents, in a k-d tree that
/// answers "is a stored point ≥ this one in every coordinate?" (an orthant query).
///
/// Leaves hold up to `capacity` points; one more splits the leaf on the coordinate in which
/// its points spread most, at their median (a point goes to the upper child when its
/// coordinate is ≥ the threshold). Every node keeps the coordinate-wise maximum of the
/// points under it (its corner). A query descends only into nodes whose corner is ≥ the
/// probe everywhere and skips a lower child when the probe's split coordinate is at or above
/// the threshold (everything there is below the probe in it), upper children first; a leaf
/// is scanned four coordinates to a SIMD vector, branch-free within a point.
///
/// The answer is exact whatever the shape of the tree (the tree only decides what need not
/// be compared; every comparison is of utilities as they are). Cost: an insertion walks one
/// path and at most re-partitions one leaf; a query is O(f) in the worst case (f points
/// stored), and in practice visits a small part of the tree.
struct DominanceTree {
    /// Coordinates of a point, and SIMD vectors (of four) per point.
    let dimensions: Int
    let chunks: Int
    /// Points a leaf holds before it splits.
    static let capacity = 32

    struct Node {
        /// The split coordinate, −1 for a leaf.
        var coordinate: Int32 = -1
        /// Children: `upper` holds the points whose split coordinate is ≥ `threshold`.
        var lower: Int32 = -1
        var upper: Int32 = -1
        /// A leaf's slab (a block of `capacity + 1` points of `chunks` vectors in `points`)
        /// and the points it holds.
        var slab: Int32
        var count: Int32 = 0
        var threshold = 0.0
    }

    private var nodes: [Node] = []
    /// Per node, `chunks` vectors: the coordinate-wise maximum of its points (−∞ when empty).
    private var corner: [SIMD4<Double>] = []
    private var points: [SIMD4<Double>] = []
    private var slabs = 0

    init(dimensions: Int) {
        self.dimensions = dimensions
        chunks = (dimensions + 3) / 4
        _ = addNode(slab: addSlab())
    }

    private var slabSize: Int { (Self.capacity + 1) * chunks }

    private mutating func addSlab() -> Int32 {
        points.append(contentsOf: repeatElement(SIMD4<Double>.zero, count: slabSize))
        slabs += 1
        return Int32(slabs - 1)
    }

    private mutating func addNode(slab: Int32) -> Int {
        nodes.append(Node(slab: slab))
        corner.append(contentsOf: repeatElement(SIMD4<Double>(repeating: -.infinity), count: chunks))
        return nodes.count - 1
    }

    /// Whether a stored point is ≥ `probe` (`chunks` vectors, padding lanes 0) in every
    /// coordinate; `scalar` is the same point, one coordinate an element; `stack` is scratch.
    func dominates(_ probe: UnsafeBufferPointer<SIMD4<Double>>, _ scalar: UnsafeBufferPointer<Double>,
                   stack: inout [Int32]) -> Bool {
        let chunks = self.chunks, slabSize = self.slabSize
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        return nodes.withUnsafeBufferPointer { nodes in
            corner.withUnsafeBufferPointer { corner in
                points.withUnsafeBufferPointer { points in
                    while let top = stack.popLast() {
                        let index = Int(top)
                        var c = 0
                        while c < chunks && all(corner[index * chunks + c] .>= probe[c]) { c += 1 }
                        if c < chunks { continue }
                        let node = nodes[index]
                        if node.coordinate >= 0 {
                            if scalar[Int(node.coordinate)] < node.threshold { stack.append(node.lower) }
                            stack.append(node.upper)
                            continue
                        }
                        var base = Int(node.slab) * slabSize
                        let end = base + Int(node.count) * chunks
                        switch chunks {
                        case 1:
                            let a = probe[0]
                            while base < end {
                                if all(points[base] .>= a) { return true }
                                base += 1
                            }
                        case 2:
                            let a = probe[0], b = probe[1]
                            while base < end {
                                if all((points[base] .>= a) .& (points[base + 1] .>= b)) { return true }
                                base += 2
                            }
                        default:
                            while base < end {
                                var c = 0
                                while c < chunks && all(points[base + c] .>= probe[c]) { c += 1 }
                                if c == chunks { return true }
                                base += chunks
                            }
                        }
                    }
                    return false
                }
            }
        }
    }

    /// Stores a point (as for `dominates`).
    mutating func insert(_ probe: UnsafeBufferPointer<SIMD4<Double>>, _ scalar: UnsafeBufferPointer<Double>) {
        var index = 0
        while true {
            for c in 0..<chunks { corner[index * chunks + c] = pointwiseMax(corner[index * chunks + c], probe[c]) }
            let node = nodes[index]
            if node.coordinate < 0 { break }
            index = Int(scalar[Int(node.coordinate)] >= node.threshold ? node.upper : node.lower)
        }
        let base = Int(nodes[index].slab) * slabSize + Int(nodes[index].count) * chunks
        for c in 0..<chunks { points[base + c] = probe[c] }
        nodes[index].count += 1
        if Int(nodes[index].count) > Self.capacity { split(index) }
    }

    /// Splits a full leaf in two: the lower child keeps its slab, the upper gets a new one.
    private mutating func split(_ index: Int) {
        let n = Int(nodes[index].count)
        let start = Int(nodes[index].slab) * slabSize
        let held = Array(points[start ..< start + n * chunks])
        func value(_ k: Int, _ i: Int) -> Double { held[k * chunks + (i >> 2)][i & 3] }
        // The coordinate of widest spread (the points are distinct vectors: one spreads).
        var best = -1
        var widest = 0.0
        for i in 0..<dimensions {
            var lo = value(0, i), hi = lo
            for k in 1..<n {
                let v = value(k, i)
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
            if hi > lo && (best < 0 || hi - lo > widest) { best = i; widest = hi - lo }
        }
        var values = (0..<n).map { value($0, best) }
        values.sort()
        // The median, or the value above the minimum when the median is the minimum, so that
        // both children get points.
        var cut = values[n / 2]
        if cut == values[0] { cut = values.first { $0 > values[0] }! }
        let lowerChild = addNode(slab: nodes[index].slab)
        let upperChild = addNode(slab: addSlab())
        nodes[index].coordinate = Int32(best)
        nodes[index].threshold = cut
        nodes[index].lower = Int32(lowerChild)
        nodes[index].upper = Int32(upperChild)
        nodes[index].count = 0
        for k in 0..<n {
            let child = value(k, best) >= cut ? upperChild : lowerChild
            let base = Int(nodes[child].slab) * slabSize + Int(nodes[child].count) * chunks
            for c in 0..<chunks {
                let v = held[k * chunks + c]
                points[base + c] = v
                corner[child * chunks + c] = pointwiseMax(corner[child * chunks + c], v)
            }
            nodes[child].count += 1
        }
    }
}
