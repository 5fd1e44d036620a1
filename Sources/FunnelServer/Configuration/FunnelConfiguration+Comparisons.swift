import FunnelCore

extension FunnelConfiguration {
    /// Reads `comparisons:`: each with a `name`, a `baseline` and a `candidate`, two different pipelines.
    static func comparisons(_ node: ConfigurationNode) throws(ConfigurationError) -> [Comparison] {
        var comparisons: [Comparison] = []
        for item in try node.sequence() {
            var values: [String: String] = [:]
            var nodes: [String: ConfigurationNode] = [:]
            for (key, value) in try item.mapping(allowed: ConfigurationKeys.comparison) {
                values[key] = try value.name()
                nodes[key] = value
            }
            guard let name = values["name"] else { throw item.error("a comparison needs a name") }
            guard !comparisons.contains(where: { $0.name == name }) else { throw nodes["name"]!.error("comparison \(name) is declared twice") }
            guard let baseline = values["baseline"] else { throw item.error("comparison \(name) needs a baseline: the pipeline being replaced") }
            guard let candidate = values["candidate"] else { throw item.error("comparison \(name) needs a candidate: the pipeline replacing it") }
            guard baseline != candidate else {
                throw nodes["candidate"]!.error("comparison \(name) compares \(baseline) with itself; the candidate must be another pipeline")
            }
            comparisons.append(Comparison(name: name, baseline: baseline, candidate: candidate))
        }
        return comparisons
    }
}
