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
    /// Receivers by name and the external URL for links; replaced on reload.
    let delivery: Mutex<(receivers: [String: WebhookReceiver], externalURL: String)>
    /// How often rules are evaluated (`evaluation_interval`); replaced on reload.
    private let interval: Mutex<Duration>
    let logger: Logger
    /// Signalled to evaluate now.
    public let wakeup: Wakeup
    let sender: Wakeup
    private let saved: Mutex<[String: AlarmStateRecord]>
    /// What each `alertmanager` receiver was last posted, by receiver name; replaced on reload.
    let feeds: Mutex<[String: AlertmanagerFeed]>
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
        for record in try store.alarmStates() where rules.contains(where: { $0.name == AlarmRule.ruleName(ofTrackerKey: record.name) }) {
            evaluator.restore(
                record.name, state: record.state, pendingSinceMillis: record.pendingSinceMillis, firingSinceMillis: record.firingSinceMillis,
                lastNotifiedMillis: record.lastNotifiedMillis, sequence: record.sequence, resolvedAtMillis: record.resolvedAtMillis
            )
            saved[record.name] = record
        }
        self.evaluator = Mutex(evaluator)
        self.saved = Mutex(saved)
        self.delivery = Mutex((Dictionary(uniqueKeysWithValues: receivers.map { ($0.name, $0) }), externalURL))
        self.feeds = Mutex(Self.feeds(for: receivers, keeping: [:]))
        self.intake = intake
        self.store = store
        self.sources = sources
        self.interval = Mutex(interval)
        self.wakeup = wakeup
        self.sender = sender
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.evaluateOnce()
                await self.wakeup.wait(upTo: self.interval.withLock { $0 })
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
        let hasFeeds = !self.feeds.withLock { $0.isEmpty }
        let (notifications, firing, trackers) = self.evaluator.withLock { evaluator in
            let notifications = evaluator.evaluate(ledger: ledger, nowMillis: now, sources: sources)
            let firing = hasFeeds ? evaluator.firingNotifications(ledger: ledger, nowMillis: now, sources: sources) : []
            return (notifications, firing, evaluator.trackers)
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
        deliveries += self.alertmanagerEntries(firing: firing, changes: notifications, nowMillis: now)
        guard !changed.isEmpty || !notifications.isEmpty || !deliveries.isEmpty else { return }
        deliveries += self.outboxEntries(notifications)
        await self.save(changed, deliveries: deliveries, nowMillis: now)
    }

    /// The outbox entries of `notifications`, one per receiver (`alertmanager` receivers are fed by their feed
    /// instead), each logged; the notifications of one alarm that come together (the values of a `by` rule crossing
    /// in one evaluation) go to each receiver as one message.
    private func outboxEntries(_ notifications: [AlarmNotification]) -> [OutboxEntry] {
        let (receivers, externalURL) = self.delivery.withLock { $0 }
        var deliveries: [OutboxEntry] = []
        var groups: [[AlarmNotification]] = []
        for notification in notifications {
            if let index = groups.firstIndex(where: { $0[0].alarm == notification.alarm && $0[0].status == notification.status }) {
                groups[index].append(notification)
            } else {
                groups.append([notification])
            }
            self.logger.notice(
                "alarm \(notification.status.rawValue)",
                metadata: ["alarm": "\(notification.alarm)", "summary": "\(notification.summary)"]
            )
        }
        for group in groups {
            let key = group.count == 1 ? group[0].idempotencyKey : AlarmNotification(combining: group).idempotencyKey
            for name in group[0].receivers {
                guard let receiver = receivers[name], receiver.format != .alertmanager else { continue }
                let body = WebhookPayload.render(group, for: receiver, externalURL: externalURL)
                deliveries.append(OutboxEntry(receiver: name, alarm: group[0].alarm, idempotencyKey: key, body: body))
            }
        }
        return deliveries
    }

    /// Saves changed states and queues deliveries in one transaction, then wakes the sender.
    private func save(_ changed: [AlarmStateRecord], deliveries: [OutboxEntry], nowMillis now: Int64) async {
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

extension AlarmService: ConfigurationReloadable {
    /// Takes the reloaded rules, receivers, external URL and evaluation interval: a kept alarm keeps its state, a new one starts inactive,
    /// a removed firing one resolves (and is notified as resolved when it had `send_resolved`); then evaluates at once.
    public func apply(_ configuration: FunnelConfiguration) async -> [String] {
        let now = self.intake.nowMillis
        let sources = self.sources?.statuses ?? []
        let ledger = self.intake.settledLedger()
        self.delivery.withLock {
            $0 = (Dictionary(uniqueKeysWithValues: configuration.receivers.map { ($0.name, $0) }), configuration.resolvedExternalURL)
        }
        self.feeds.withLock { $0 = Self.feeds(for: configuration.receivers, keeping: $0) }
        self.interval.withLock { $0 = Duration.checkedSeconds(configuration.alarmIntervalSeconds) ?? $0 }
        let resolved = self.evaluator.withLock { $0.replaceRules(with: configuration.alarms, ledger: ledger, nowMillis: now, sources: sources) }
        if !resolved.isEmpty {
            await self.save([], deliveries: self.outboxEntries(resolved), nowMillis: now)
        }
        self.wakeup.signal()
        return []
    }
}
