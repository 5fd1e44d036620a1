import FunnelCore
import FunnelServer
import Logging
import Synchronization
import Testing

/// The reloader on its own: reloads one at a time, parts in order, an invalid file changes nothing.
@Suite struct ConfigurationReloaderTests {
    /// A part that notes when it starts and ends taking a configuration, and yields in between.
    final class NotingPart: ConfigurationReloadable {
        let name: String
        let notes = Mutex<[String]>([])

        init(_ name: String) {
            self.name = name
        }

        func apply(_ configuration: FunnelConfiguration) async -> [String] {
            self.notes.withLock { $0.append("\(self.name) start \(configuration.maximumBodyBytes)") }
            try? await Task.sleep(for: .milliseconds(5))
            self.notes.withLock { $0.append("\(self.name) end") }
            return []
        }
    }

    static func gauge(_ reloader: ConfigurationReloader) async -> String {
        String(decoding: await ExpositionWriter.render([reloader], format: .prometheusText), as: UTF8.self)
    }

    @Test func concurrentReloadsRunOneAfterAnotherAndPartsInOrder() async {
        let first = NotingPart("first")
        let second = NotingPart("second")
        let reloader = ConfigurationReloader(
            running: FunnelConfiguration(), load: { FunnelConfiguration(maximumBodyBytes: 4096) }, parts: [first, second],
            logger: Logger(label: "test"), clock: { 1_000 }
        )
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = await reloader.reload() } }
        }
        #expect(first.notes.withLock { $0 } == Array(repeating: ["first start 4096", "first end"], count: 6).flatMap { $0 })
        #expect(second.notes.withLock { $0 } == Array(repeating: ["second start 4096", "second end"], count: 6).flatMap { $0 })
        #expect(await reloader.configuration.maximumBodyBytes == 4096)
    }

    @Test func anInvalidFileChangesNothingAndSetsTheGaugeToZero() async {
        let part = NotingPart("part")
        let valid = Mutex(true)
        let reloader = ConfigurationReloader(
            running: FunnelConfiguration(), load: {
                if valid.withLock({ $0 }) { return FunnelConfiguration(maximumBodyBytes: 2048) }
                return try FunnelConfiguration(yaml: "limits:\n  max_body_bytes: 12\n", file: "funnel.yml")
            },
            parts: [part], logger: Logger(label: "test"), clock: { 5_000 }
        )
        #expect(await Self.gauge(reloader).contains("funnel_config_last_reload_successful 1\n"))
        #expect(await Self.gauge(reloader).contains("funnel_config_last_reload_success_timestamp_seconds 5\n"))
        valid.withLock { $0 = false }
        let refused = await reloader.reload()
        #expect(refused == ConfigurationReload(reloaded: false, error: "funnel.yml:2:19: limits.max_body_bytes: must be at least 1024, got 12"))
        #expect(part.notes.withLock { $0 }.isEmpty)
        #expect(await reloader.configuration.maximumBodyBytes == FunnelConfiguration().maximumBodyBytes)
        #expect(await Self.gauge(reloader).contains("funnel_config_last_reload_successful 0\n"))
        valid.withLock { $0 = true }
        #expect(await reloader.reload() == ConfigurationReload(reloaded: true))
        #expect(await Self.gauge(reloader).contains("funnel_config_last_reload_successful 1\n"))
    }
}
