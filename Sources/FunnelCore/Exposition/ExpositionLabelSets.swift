/// Many label sets rendered back to back into one buffer, numbered in the order they were added.
///
/// A scrape writes hundreds of thousands of samples with a few tens of thousands of label sets; copying a set from
/// one shared buffer touches no reference counts, where one small array per set costs a retain and a release per
/// sample.
public struct ExpositionLabelSets: Sendable {
    /// The rendered sets, escaped, without braces, one after the other.
    public private(set) var bytes: [UInt8] = []
    /// Where each set ends in `bytes`.
    private var ends: [Int] = []

    /// An empty collection with room for `sets` sets of about `bytesPerSet` bytes.
    public init(reservingCapacity sets: Int = 0, bytesPerSet: Int = 40) {
        self.ends.reserveCapacity(sets)
        self.bytes.reserveCapacity(sets * bytesPerSet)
    }

    /// Sets added so far.
    public var count: Int { self.ends.count }

    /// Adds a set of `pairs`, rendered in order with each value escaped; it gets the number ``count`` had.
    public mutating func append(_ pairs: KeyValuePairs<String, String>) {
        var first = true
        for (name, value) in pairs {
            if !first { self.bytes.append(UInt8(ascii: ",")) }
            ExpositionLabels.render(name, value, into: &self.bytes)
            first = false
        }
        self.ends.append(self.bytes.count)
    }

    /// Adds the set `first` followed by `name="value"`: many sets share a first part, rendered once.
    public mutating func append(_ first: ExpositionLabels, _ name: String, _ value: String) {
        self.bytes.append(contentsOf: first.bytes)
        if !first.isEmpty { self.bytes.append(UInt8(ascii: ",")) }
        ExpositionLabels.render(name, value, into: &self.bytes)
        self.ends.append(self.bytes.count)
    }

    /// The bytes of set `index` within ``bytes``.
    func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : self.ends[index - 1])..<self.ends[index]
    }
}
