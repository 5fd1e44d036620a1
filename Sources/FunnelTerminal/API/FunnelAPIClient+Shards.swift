public import FunnelCore

extension FunnelAPIClient {
    /// One round of ``poll(window:grouping:groupLimit:maximumPipelines:)`` of every server in `clients` at once,
    /// merged: the union of their pipelines (a name two servers have comes from the first), alarms, queues and
    /// comparisons, the grouped pipeline from the server it came from, and the servers that did not answer in
    /// ``TopPoll/downServers``. Throws only when none answers (the first server's error).
    public static func poll(
        _ clients: [FunnelAPIClient], window: LatencyWindow, grouping: TopGrouping? = nil, maximumPipelines: Int = 64
    ) async throws(FunnelAPIError) -> TopPoll {
        if clients.count == 1 { return try await clients[0].poll(window: window, grouping: grouping, maximumPipelines: maximumPipelines) }
        let answers = await withTaskGroup(of: (Int, Result<TopPoll, FunnelAPIError>).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    do throws(FunnelAPIError) {
                        return (index, .success(try await client.poll(window: window, grouping: grouping, maximumPipelines: maximumPipelines)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var answers: [Result<TopPoll, FunnelAPIError>?] = Array(repeating: nil, count: clients.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers.compactMap { $0 }
        }
        var merged = TopPoll(pipelines: [], funnels: [:])
        var seen: Set<String> = []
        var firstError: FunnelAPIError?
        for (client, answer) in zip(clients, answers) {
            switch answer {
            case .success(let poll):
                for pipeline in poll.pipelines where seen.insert(pipeline.name).inserted {
                    merged.pipelines.append(pipeline)
                    merged.funnels[pipeline.name] = poll.funnels[pipeline.name]
                    merged.serverOfPipeline[pipeline.name] = client.baseURL
                    if pipeline.name == grouping?.pipeline { merged.grouped = poll.grouped }
                }
                merged.comparisons += poll.comparisons
                if let alarms = poll.alarms { merged.alarms = (merged.alarms ?? []) + alarms }
                if let queues = poll.queues { merged.queues = (merged.queues ?? []) + queues }
            case .failure(let error):
                firstError = firstError ?? error
                merged.downServers.append("\(client.baseURL): \(error.shortDescription)")
            }
        }
        if merged.downServers.count == clients.count, let firstError { throw firstError }
        return merged
    }
}
