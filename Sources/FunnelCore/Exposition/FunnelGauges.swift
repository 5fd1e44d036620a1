/// The loss gauges of many stages (or hops) in flat arrays, gathered once per scrape and written family by family.
struct FunnelGauges {
    var lost: [UInt64] = []
    var excess: [UInt64] = []
    var inFlight: [UInt64] = []

    init(reservingCapacity count: Int) {
        self.lost.reserveCapacity(count)
        self.excess.reserveCapacity(count)
        self.inFlight.reserveCapacity(count)
    }

    mutating func append(lost: UInt64, excess: UInt64, inFlight: UInt64) {
        self.lost.append(lost)
        self.excess.append(excess)
        self.inFlight.append(inFlight)
    }
}
