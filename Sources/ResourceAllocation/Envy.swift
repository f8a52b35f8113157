/// The `envy` metric's count: bidders who would rather have another bidder's units at that
/// bidder's payment.
///
/// Definition (unchanged from the first, pairwise version, which the tests keep as their
/// reference): bidder i, with value per unit vᵢ, need nᵢ, units received rᵢ and payment pᵢ,
/// has utility uᵢ = vᵢ·min(rᵢ, nᵢ) − pᵢ, and envies j ≠ i when
/// vᵢ·min(rⱼ, nᵢ) − pⱼ > uᵢ + 10⁻⁹, each side evaluated in `Double` exactly as written (a
/// product, then a difference; the strict comparison is the tie rule: an equally good bundle
/// is no envy). The pairwise check costs O(n²) over n bidders; this one gives the same
/// count in O(n log n), exactly, not within a tolerance:
///
/// - Including j = i changes nothing: the left side is then uᵢ itself, and uᵢ > uᵢ + 10⁻⁹
///   is never true; so bidder i is envious when the largest fᵢ(j) = fl(fl(vᵢ·min(rⱼ, nᵢ)) − pⱼ)
///   over all j exceeds tᵢ = fl(uᵢ + 10⁻⁹). fᵢ(j) depends on j only through its bundle
///   (rⱼ, pⱼ), and a rounded difference never increases when pⱼ grows; so of the bundles
///   with equal units only the one with the least payment is kept, sorted by units.
/// - Bundles with rⱼ ≥ nᵢ (a suffix of that order): fᵢ(j) = fl(fl(vᵢ·nᵢ) − pⱼ), largest for
///   the least payment, which a suffix minimum gives in O(1).
/// - Bundles with rⱼ < nᵢ (a prefix): fᵢ(j) is vᵢ·rⱼ − pⱼ rounded twice. The largest exact
///   value vᵢ·rⱼ − pⱼ lies on the lower convex hull of the points (rⱼ, pⱼ), which grows point by
///   point as the prefix does (bidders taken by ascending need; a monotone chain) and is
///   searched by bisection for the vertex j* best at slope vᵢ. Hull and search use exact
///   predicates (products split by fused multiply-add, sums by Shewchuk's expansions), so j*
///   is exactly best for the exact values. Rounded values differ from exact ones by at most
///   ε(2+ε)·|vᵢ|·R + ε·P (ε = 2⁻⁵³; R, P the largest |rⱼ|, |pⱼ| of the bundles in question), so
///   max fᵢ(j) ≤ fᵢ(j*) + 2 × that: when fᵢ(j*) > tᵢ, i is envious; when fᵢ(j*) plus a margin
///   of 4·2⁻⁵²·(3|vᵢ|R + P) (over twice that, so that its own rounding cannot matter) is still
///   ≤ tᵢ, no bundle of the prefix is envied.
/// - In between (the best bundle within rounding of tᵢ) the same test runs on the halves of
///   the prefix, recursively (`HullTree`: a segment tree over the bundles whose nodes hold
///   their lower hulls, each built when first visited), and parts of at most 16 bundles are
///   compared one by one, as the pairwise rule does. Only parts within rounding of tᵢ are
///   entered, with their own, smaller R and P. That happens when values × units or payments
///   reach about 10⁵ (the 10⁻⁹ is then below the rounding of the products, and a bidder whose
///   own bundle is the best in its prefix lands in between) or when bundles are nearly tied.
///
/// Cost: O(n log n) — two sorts, a hull with amortised O(1) exact predicates per bundle, a
/// bisection per bidder — plus, per bidder in between, O(log² n) for each bundle within
/// rounding of its threshold; the tree's hulls hold at most O(n log n) vertices (a node's
/// hull is usually a small part of its bundles). The exact predicates need every value, need, received and payment
/// finite, and each non-zero one within [2⁻⁴⁸⁰, 2⁵⁰⁰] (about 10⁻¹⁴⁴ to 10¹⁵⁰), so that
/// products neither overflow nor lose bits below the smallest normal number; outside that
/// the pairwise rule is used as it is.
enum Envy {
    /// Bidders who envy another bidder, per the definition above.
    static func count(value: [Double], need: [Double], received: [Double], paid: [Double]) -> Int {
        let n = value.count
        precondition(need.count == n && received.count == n && paid.count == n)
        guard n > 1 else { return 0 }
        guard inExactRange(value) && inExactRange(need) && inExactRange(received) && inExactRange(paid) else {
            return pairwise(value: value, need: need, received: received, paid: paid)
        }
        // The bundles (units received, payment) by units received; of equal units only the least
        // payment, which is never worse for anyone. fᵢ depends on j through its bundle only.
        let byReceived = Array(0..<n).sorted { (a: Int, b: Int) -> Bool in
            if received[a] != received[b] { return received[a] < received[b] }
            if paid[a] != paid[b] { return paid[a] < paid[b] }
            return a < b
        }
        var x: [Double] = [], y: [Double] = []
        x.reserveCapacity(n)
        y.reserveCapacity(n)
        for j in byReceived where x.isEmpty || x[x.count - 1] != received[j] {
            x.append(received[j])
            y.append(paid[j])
        }
        let m = x.count
        var suffixLeast = Array(repeating: m - 1, count: m)   // the least payment in x[k...]
        for k in stride(from: m - 2, through: 0, by: -1) {
            suffixLeast[k] = y[k] <= y[suffixLeast[k + 1]] ? k : suffixLeast[k + 1]
        }
        // The envious candidates i by need.
        let byNeed = Array(0..<n).sorted { (a: Int, b: Int) -> Bool in need[a] != need[b] ? need[a] < need[b] : a < b }

        var hull = Array(repeating: 0, count: m)   // lower hull of the prefix's bundles
        var top = 0
        var added = 0                              // bundles 0..<added are the prefix
        var largestReceived = 0.0, largestPaid = 0.0
        var tree: HullTree? = nil                  // built on the first bidder in the band
        var envious = 0
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 24)
        defer { scratch.deallocate() }
        for i in byNeed {
            let v = value[i], needed = need[i]
            let threshold = (v * min(received[i], needed) - paid[i]) + 1e-9
            while added < m && x[added] < needed {
                largestReceived = max(largestReceived, abs(x[added]))
                largestPaid = max(largestPaid, abs(y[added]))
                while top >= 2 && orientation(hull[top - 2], hull[top - 1], added, x, y, scratch) <= 0 { top -= 1 }
                hull[top] = added
                top += 1
                added += 1
            }
            // The bundles with at least the units i needs: their least payment.
            if added < m {
                let j = suffixLeast[added]
                if v * min(x[j], needed) - y[j] > threshold { envious += 1; continue }
            }
            guard top > 0 else { continue }
            // The prefix: the hull vertex best for slope v, by bisection.
            let best = hull[bestVertex(hull, 0, top, v, x, y, scratch)]
            let theirs = v * min(x[best], needed) - y[best]
            if theirs > threshold { envious += 1; continue }
            let margin = 4 * Double.ulpOfOne * (3 * abs(v) * largestReceived + largestPaid)
            if theirs + margin <= threshold { continue }
            // Within rounding of the threshold: the same test on ever smaller parts of the prefix,
            // down to bundles compared one by one.
            if tree == nil { tree = HullTree(count: m) }
            if tree!.exceeds(threshold, v: v, needed: needed, prefix: added, x, y, scratch) { envious += 1 }
        }
        return envious
    }

    /// The position in `hull[from..<to]` (a lower convex chain) of the vertex with the largest
    /// v·x − y: the differences between successive vertices only decrease along the chain.
    static func bestVertex(_ hull: [Int], _ from: Int, _ to: Int, _ v: Double, _ x: [Double], _ y: [Double],
                           _ scratch: UnsafeMutablePointer<Double>) -> Int {
        var low = from, high = to - 1
        while low < high {
            let middle = (low + high) / 2
            if gain(v, from: hull[middle], to: hull[middle + 1], x, y, scratch) > 0 {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// A segment tree over the bundles (by units received) whose nodes hold the lower hulls
    /// of their bundles, built when first visited: whether some bundle of a prefix beats a
    /// threshold, visiting only the parts within rounding of it.
    struct HullTree {
        /// Parts of at most this many bundles are compared one by one.
        static let leaf = 16
        /// Per node (heap numbering, root 1), its hull's start in `vertices` (−1: not built), its
        /// end, and its largest |units| and |payment|.
        var start: [Int], end: [Int], largestX: [Double], largestY: [Double]
        var vertices: [Int] = []

        init(count: Int) {
            let nodes = count / 2 + 8      // internal nodes (more than `leaf` bundles) number below this
            start = Array(repeating: -1, count: nodes)
            end = Array(repeating: 0, count: nodes)
            largestX = Array(repeating: 0, count: nodes)
            largestY = Array(repeating: 0, count: nodes)
        }

        /// Whether some bundle j < `prefix` has v·min(xⱼ, needed) − yⱼ > `threshold`.
        mutating func exceeds(_ threshold: Double, v: Double, needed: Double, prefix: Int,
                              _ x: [Double], _ y: [Double], _ scratch: UnsafeMutablePointer<Double>) -> Bool {
            search(node: 1, 0, x.count, prefix: prefix, threshold, v: v, needed: needed, x, y, scratch)
        }

        mutating func search(node: Int, _ low: Int, _ high: Int, prefix: Int, _ threshold: Double, v: Double,
                             needed: Double, _ x: [Double], _ y: [Double], _ scratch: UnsafeMutablePointer<Double>) -> Bool {
            if low >= prefix { return false }
            let middle = (low + high) / 2
            if high > prefix || high - low <= Self.leaf {
                if high - low <= Self.leaf {
                    for j in low..<min(high, prefix) where v * min(x[j], needed) - y[j] > threshold { return true }
                    return false
                }
                return search(node: 2 * node, low, middle, prefix: prefix, threshold, v: v, needed: needed, x, y, scratch)
                    || search(node: 2 * node + 1, middle, high, prefix: prefix, threshold, v: v, needed: needed, x, y, scratch)
            }
            // The whole node lies in the prefix: its best bundle decides, unless within rounding.
            if start[node] < 0 { build(node: node, low, high, x, y, scratch) }
            let best = vertices[Envy.bestVertex(vertices, start[node], end[node], v, x, y, scratch)]
            let theirs = v * min(x[best], needed) - y[best]
            if theirs > threshold { return true }
            let margin = 4 * Double.ulpOfOne * (3 * abs(v) * largestX[node] + largestY[node])
            if theirs + margin <= threshold { return false }
            return search(node: 2 * node, low, middle, prefix: prefix, threshold, v: v, needed: needed, x, y, scratch)
                || search(node: 2 * node + 1, middle, high, prefix: prefix, threshold, v: v, needed: needed, x, y, scratch)
        }

        /// The lower hull of bundles low..<high (a monotone chain: they are sorted by units).
        mutating func build(node: Int, _ low: Int, _ high: Int, _ x: [Double], _ y: [Double],
                            _ scratch: UnsafeMutablePointer<Double>) {
            let first = vertices.count
            var xMax = 0.0, yMax = 0.0
            for j in low..<high {
                xMax = max(xMax, abs(x[j]))
                yMax = max(yMax, abs(y[j]))
                while vertices.count - first >= 2
                    && Envy.orientation(vertices[vertices.count - 2], vertices[vertices.count - 1], j, x, y, scratch) <= 0 {
                    vertices.removeLast()
                }
                vertices.append(j)
            }
            start[node] = first
            end[node] = vertices.count
            largestX[node] = xMax
            largestY[node] = yMax
        }
    }

    /// The pairwise rule, O(n²): the definition, for values outside the exact predicates' range.
    static func pairwise(value: [Double], need: [Double], received: [Double], paid: [Double]) -> Int {
        var envious = 0
        for i in value.indices {
            let own = value[i] * min(received[i], need[i]) - paid[i]
            for j in value.indices where j != i {
                let theirs = value[i] * min(received[j], need[i]) - paid[j]
                if theirs > own + 1e-9 { envious += 1; break }
            }
        }
        return envious
    }

    /// Every value finite and zero or of magnitude in [2⁻⁴⁸⁰, 2⁵⁰⁰].
    static func inExactRange(_ values: [Double]) -> Bool {
        let smallest = Double(sign: .plus, exponent: -480, significand: 1)
        let largest = Double(sign: .plus, exponent: 500, significand: 1)
        for x in values {
            let m = x.magnitude
            if !(m <= largest) || (m != 0 && m < smallest) { return false }
        }
        return true
    }

    /// The sign of (b − a) × (c − a) for the points (received, paid) of a, b, c: positive when
    /// a, b, c turn counter-clockwise. Exact: the six products of the expanded determinant
    /// are split into value and rounding error and summed as an expansion.
    static func orientation(_ a: Int, _ b: Int, _ c: Int, _ x: [Double], _ y: [Double],
                            _ scratch: UnsafeMutablePointer<Double>) -> Int {
        let xa = x[a], ya = y[a], xb = x[b], yb = y[b], xc = x[c], yc = y[c]
        // (xb − xa)(yc − ya) − (yb − ya)(xc − xa) = xb·yc − xb·ya − xa·yc − yb·xc + yb·xa + ya·xc
        (scratch[0], scratch[1]) = twoProduct(xb, yc)
        (scratch[2], scratch[3]) = twoProduct(-xb, ya)
        (scratch[4], scratch[5]) = twoProduct(-xa, yc)
        (scratch[6], scratch[7]) = twoProduct(-yb, xc)
        (scratch[8], scratch[9]) = twoProduct(yb, xa)
        (scratch[10], scratch[11]) = twoProduct(ya, xc)
        return signOfSum(scratch, count: 12, expansion: scratch + 12)
    }

    /// The sign of (v·x[b] − y[b]) − (v·x[a] − y[a]), exactly.
    static func gain(_ v: Double, from a: Int, to b: Int, _ x: [Double], _ y: [Double],
                     _ scratch: UnsafeMutablePointer<Double>) -> Int {
        (scratch[0], scratch[1]) = twoProduct(v, x[b])
        (scratch[2], scratch[3]) = twoProduct(-v, x[a])
        scratch[4] = -y[b]
        scratch[5] = y[a]
        return signOfSum(scratch, count: 6, expansion: scratch + 12)
    }

    /// p·q as its rounded value and the rounding error (exact by a fused multiply-add, barring
    /// overflow and underflow).
    @inline(__always) static func twoProduct(_ p: Double, _ q: Double) -> (Double, Double) {
        let h = p * q
        return (h, (-h).addingProduct(p, q))
    }

    /// The sign of the exact sum of `terms[0..<count]` (at most 12): Shewchuk's
    /// grow-expansion with zero elimination, whose largest component carries the sign.
    static func signOfSum(_ terms: UnsafeMutablePointer<Double>, count: Int,
                          expansion e: UnsafeMutablePointer<Double>) -> Int {
        var m = 0
        for t in 0..<count {
            var q = terms[t]
            var kept = 0
            for j in 0..<m {
                let s = q + e[j]
                let bv = s - q
                let error = (q - (s - bv)) + (e[j] - bv)
                q = s
                if error != 0 { e[kept] = error; kept += 1 }
            }
            if q != 0 { e[kept] = q; kept += 1 }
            m = kept
        }
        return m == 0 ? 0 : e[m - 1] > 0 ? 1 : -1
    }
}
