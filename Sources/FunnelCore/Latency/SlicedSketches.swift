/// One window's ring of per-slice sketches; the window's sketch is the merge of the slices inside it.
public struct SlicedSketches: Sendable, Hashable {
    public let window: LatencyWindow
    /// Slice start (Unix seconds) and its sketch, oldest first.
    private var slices: [(start: Int64, sketch: LatencySketch)] = []

    public init(window: LatencyWindow) {
        self.window = window
    }

    /// Merges `sketch` into the slice holding `nowSeconds`, dropping slices that left the window.
    public mutating func add(_ sketch: LatencySketch, nowSeconds: Int64) {
        let start = nowSeconds - ((nowSeconds % self.window.sliceSeconds) + self.window.sliceSeconds) % self.window.sliceSeconds
        self.expire(nowSeconds: nowSeconds)
        if let last = self.slices.indices.last, self.slices[last].start == start {
            self.slices[last].sketch.merge(sketch)
        } else if let position = self.slices.firstIndex(where: { $0.start > start }) {
            // A clock step backwards: keep slices ordered.
            if position > 0, self.slices[position - 1].start == start {
                self.slices[position - 1].sketch.merge(sketch)
            } else {
                self.slices.insert((start, sketch), at: position)
            }
        } else {
            self.slices.append((start, sketch))
        }
    }

    /// Drops slices that can no longer be in the window at `nowSeconds`.
    public mutating func expire(nowSeconds: Int64) {
        let firstKept = self.slices.firstIndex { $0.start > nowSeconds - self.window.seconds } ?? self.slices.count
        if firstKept > 0 { self.slices.removeFirst(firstKept) }
    }

    /// The merged sketch of every slice that started within the window ending at `nowSeconds`.
    public func merged(nowSeconds: Int64) -> LatencySketch {
        var result = LatencySketch()
        for slice in self.slices where slice.start > nowSeconds - self.window.seconds && slice.start <= nowSeconds {
            result.merge(slice.sketch)
        }
        return result
    }

    /// Bytes held by the slices.
    public var byteCount: Int { self.slices.reduce(0) { $0 + $1.sketch.byteCount } }

    public static func == (lhs: SlicedSketches, rhs: SlicedSketches) -> Bool {
        lhs.window == rhs.window && lhs.slices.elementsEqual(rhs.slices) { $0.start == $1.start && $0.sketch == $1.sketch }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.window)
        hasher.combine(self.slices.count)
    }
}
