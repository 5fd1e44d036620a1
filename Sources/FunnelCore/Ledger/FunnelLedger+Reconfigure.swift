extension FunnelLedger {
    /// Takes the policy of a reloaded configuration while keeping every count.
    ///
    /// New declared pipelines are added (after the ones tracked), new declared stages of a tracked pipeline are added
    /// at the end of its order, and limits, retention and `dlq.stale_after` take their new values. The bucket,
    /// `settle_after` and labels of a pipeline already tracked and the latency bucket bounds keep their running values (the
    /// counts are laid out by them); the returned keys name those that differed, to be reported as needing a restart.
    public mutating func reconfigure(_ policy: LedgerPolicy) -> [String] {
        var kept: [String] = []
        var next = policy
        if next.latencyBucketsSeconds != self.policy.latencyBucketsSeconds {
            kept.append("latency_buckets")
            next.latencyBucketsSeconds = self.policy.latencyBucketsSeconds
        }
        for (position, definition) in policy.pipelines.enumerated() {
            guard let index = self.pipelineIndex[definition.name] else {
                self.pipelineIndex[definition.name] = self.pipelines.count
                let pipeline = PipelineLedger(name: definition.name, settings: definition.settings, stages: definition.stages, labels: definition.labels)
                self.seriesCount += pipeline.stages.count
                self.pipelines.append(pipeline)
                continue
            }
            if self.pipelines[index].settings != definition.settings {
                kept.append("pipelines[\(position)] (\(definition.name)): bucket, settle_after")
            }
            if self.pipelines[index].labels.names != definition.labels {
                kept.append("pipelines[\(position)] (\(definition.name)): labels")
            }
            for stage in definition.stages where self.pipelines[index].position(of: stage) == nil {
                self.pipelines[index].addStage(stage)
                self.seriesCount += 1
            }
        }
        self.policy = next
        self.queues.staleAfterSeconds = next.queueStaleAfterSeconds
        return kept
    }
}
