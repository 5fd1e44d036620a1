public import FunnelCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Evaluates the alarm rules every interval and at once after a DLQ depth report, saving state changes and
/// queueing notifications in the outbox in one transaction, then waking the webhook sender.
public final class AlarmService: Service, Sendable {
    /// Where the ledger is read from.
    let intake: ReportIntake
    /// Where alarm states and the outbox are saved.
    let store: FunnelStore
    let sources: DLQSourceService?
    let evaluator: Mutex<AlarmEvaluator>
    let receivers: [String: WebhookReceiver]
    let interval: Duration
    let externalURL: String
    let logger: Logger
    /// Signalled to evaluate now.
    public let wakeup: Wakeup
    let sender: Wakeup
    private let saved: Mutex<[String: AlarmStateRecord]>
    /// Notifications whose save failed, kept to try again on the next tick.
    private let unsaved = Mutex<[OutboxEntry]>([])

    /// Restores the saved alarm states from `store`; `intake` is where the ledger is read.
    public init(
        rules: [AlarmRule], receivers: [WebhookReceiver], intake: ReportIntake, store: FunnelStore, sources: DLQSourceService? = nil,
        interval: Duration, externalURL: String,
        wakeup: Wakeup, sender: Wakeup, logger: Logger
    ) throws {
        var evaluator = AlarmEvaluator(rules: rules)
        var saved: [String: AlarmStateRecord] = [:]
        for record in try store.alarmStates() where rules.contains(where: { $0.name == record.name }) {
            evaluator.restore(
                record.name, state: record.state, pendingSinceMillis: record.pendingSinceMillis, firingSinceMillis: record.firingSinceMillis,
                lastNotifiedMillis: record.lastNotifiedMillis, sequence: record.sequence, resolvedAtMillis: record.resolvedAtMillis
            )
            saved[record.name] = record
        }
        self.evaluator = Mutex(evaluator)
        self.saved = Mutex(saved)
        self.receivers = Dictionary(uniqueKeysWithValues: receivers.map { ($0.name, $0) })
        self.intake = intake
        self.store = store
        self.sources = sources
        self.interval = interval
        self.externalURL = externalURL
        self.wakeup = wakeup
        self.sender = sender
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.evaluateOnce()
                await self.wakeup.wait(upTo: self.interval)
            }
        }
    }

    /// Every alarm as the API shows it.
    public var statuses: [AlarmStatus] { self.evaluator.withLock { $0.statuses() } }

    /// Evaluates all rules now; saves what changed and queues notifications.
    public func evaluateOnce() async {
        let now = self.intake.nowMillis
        let sources = self.sources?.statuses ?? []
        // A copy-on-write snapshot, so rules are evaluated outside the ledger's lock while ingest goes on.
        let ledger = self.intake.settledLedger()
        let (notifications, trackers) = self.evaluator.withLock { evaluator in
            (evaluator.evaluate(ledger: ledger, nowMillis: now, sources: sources), evaluator.trackers)
        }
        let changed = self.saved.withLock { saved in
            trackers.compactMap { name, tracker -> AlarmStateRecord? in
                let record = AlarmStateRecord(name: name, tracker: tracker)
                return saved[name] == record ? nil : record
            }
        }
        var deliveries = self.unsaved.withLock { unsaved in
            defer { unsaved = [] }
            return unsaved
        }
        guard !changed.isEmpty || !notifications.isEmpty || !deliveries.isEmpty else { return }
        for notification in notifications {
            for name in notification.receivers {
                guard let receiver = self.receivers[name] else { continue }
                let body = WebhookPayload.render(notification, for: receiver, externalURL: self.externalURL)
                deliveries.append(OutboxEntry(receiver: name, alarm: notification.alarm, idempotencyKey: notification.idempotencyKey, body: body))
            }
            self.logger.notice(
                "alarm \(notification.status.rawValue)",
                metadata: ["alarm": "\(notification.alarm)", "summary": "\(notification.summary)"]
            )
        }
        do {
            try await self.store.saveAlarms(changed, deliveries: deliveries, nowMillis: now)
            self.saved.withLock { saved in
                for record in changed { saved[record.name] = record }
            }
            if !deliveries.isEmpty { self.sender.signal() }
        } catch {
            // Not saved: the changed states are saved again on the next tick (they still differ from `saved`),
            // and the notifications are kept in memory until then.
            self.unsaved.withLock { $0.append(contentsOf: deliveries) }
            self.logger.error("saving alarm state failed; retrying on the next tick", metadata: ["error": "\(error)"])
        }
    }
}
