import Foundation

/// Renders an alarm notification as the JSON body each receiver format expects.
public enum WebhookPayload {
    /// The body for `receiver`; `externalURL` is Funnel's own address, for links back.
    public static func render(_ notification: AlarmNotification, for receiver: WebhookReceiver, externalURL: String) -> [UInt8] {
        let object: Any
        switch receiver.format {
        case .generic: object = self.alertmanager(notification, receiver: receiver.name, externalURL: externalURL)
        case .slack: object = self.slack(notification, externalURL: externalURL)
        case .discord: object = self.discord(notification, externalURL: externalURL)
        case .msteams: object = self.teams(notification, externalURL: externalURL)
        case .alertmanager: object = [self.postableAlert(notification, externalURL: externalURL)]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }

    /// One message for notifications of one alarm that crossed together (the values of a `by` rule): Alertmanager's
    /// format lists each as an alert of its own; chat formats get one headline and a line per value.
    public static func render(_ notifications: [AlarmNotification], for receiver: WebhookReceiver, externalURL: String) -> [UInt8] {
        guard let first = notifications.first, notifications.count > 1 else {
            return notifications.first.map { self.render($0, for: receiver, externalURL: externalURL) } ?? []
        }
        let combined = AlarmNotification(combining: notifications)
        let object: [String: Any]
        switch receiver.format {
        case .generic:
            var payload = self.alertmanager(combined, receiver: receiver.name, externalURL: externalURL)
            payload["alerts"] = notifications.map { self.alert($0, externalURL: externalURL) }
            payload["groupKey"] = "{}:{alertname=\"\(first.alarm)\"}"
            object = payload
        case .slack: object = self.slack(combined, externalURL: externalURL)
        case .discord: object = self.discord(combined, externalURL: externalURL)
        case .msteams: object = self.teams(combined, externalURL: externalURL)
        case .alertmanager:
            let alerts = notifications.map { self.postableAlert($0, externalURL: externalURL) }
            let data = (try? JSONSerialization.data(withJSONObject: alerts, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
            return Array(data)
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }

    /// The headline: `[FIRING] orders-dlq depth 340 (threshold 100, for 1m)`.
    public static func headline(_ notification: AlarmNotification) -> String {
        "[\(notification.status.rawValue.uppercased())] \(notification.annotations["summary"] ?? notification.summary)"
    }

    /// Headline, context and runbook as plain lines.
    static func lines(_ notification: AlarmNotification) -> [String] {
        var lines = [self.headline(notification)]
        if let description = notification.annotations["description"] { lines.append(description) }
        if let runbook = notification.annotations["runbook_url"] { lines.append("Runbook: \(runbook)") }
        return lines
    }

    static func time(_ millis: Int64?) -> String {
        millis.map { EventTimestamp.formatRFC3339(millis: $0) } ?? "0001-01-01T00:00:00Z"
    }

    static func funnelLink(_ notification: AlarmNotification, externalURL: String) -> String {
        "\(externalURL)/api/v1/funnel?pipeline=\(notification.labels["pipeline"] ?? "")"
    }

    /// Funnel's API URL for one alarm: `GET /api/v1/alarms?name=NAME`.
    public static func alarmLink(_ alarm: String, externalURL: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&+=#")
        return "\(externalURL)/api/v1/alarms?name=\(alarm.addingPercentEncoding(withAllowedCharacters: allowed) ?? alarm)"
    }

    // MARK: Formats

    /// One alert of Alertmanager's webhook JSON (`type: generic`).
    static func alert(_ notification: AlarmNotification, externalURL: String) -> [String: Any] {
        [
            "status": notification.status.rawValue,
            "labels": notification.labels,
            "annotations": notification.annotations,
            "startsAt": self.time(notification.startsAtMillis),
            "endsAt": self.time(notification.endsAtMillis),
            "generatorURL": self.funnelLink(notification, externalURL: externalURL),
            "fingerprint": notification.fingerprint,
        ]
    }

    /// One alert as Alertmanager's `POST /api/v2/alerts` takes it; `endsAt` is the notification's (ahead while firing).
    static func postableAlert(_ notification: AlarmNotification, externalURL: String) -> [String: Any] {
        var alert: [String: Any] = [
            "labels": notification.labels,
            "annotations": notification.annotations,
            "startsAt": self.time(notification.startsAtMillis),
            "generatorURL": self.alarmLink(notification.alarm, externalURL: externalURL),
        ]
        if let ends = notification.endsAtMillis { alert["endsAt"] = self.time(ends) }
        return alert
    }

    static func alertmanager(_ notification: AlarmNotification, receiver: String, externalURL: String) -> [String: Any] {
        let alert = Self.alert(notification, externalURL: externalURL)
        return [
            "version": "4",
            "groupKey": "{}:{alertname=\"\(notification.alarm)\"}",
            "truncatedAlerts": 0,
            "status": notification.status.rawValue,
            "receiver": receiver,
            "groupLabels": ["alertname": notification.alarm],
            "commonLabels": notification.labels,
            "commonAnnotations": notification.annotations,
            "externalURL": externalURL,
            "alerts": [alert],
        ]
    }

    static func slack(_ notification: AlarmNotification, externalURL: String) -> [String: Any] {
        let emoji = notification.status == .firing ? ":rotating_light:" : ":white_check_mark:"
        var blocks: [[String: Any]] = [
            ["type": "section", "text": ["type": "mrkdwn", "text": "\(emoji) *\(self.headline(notification))*"]]
        ]
        if let description = notification.annotations["description"] {
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": description]])
        }
        var context = ["pipeline `\(notification.labels["pipeline"] ?? "")`", "<\(self.funnelLink(notification, externalURL: externalURL))|funnel>"]
        if let runbook = notification.annotations["runbook_url"] { context.append("<\(runbook)|runbook>") }
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": context.joined(separator: " · ")]]])
        return ["text": self.lines(notification).joined(separator: "\n"), "blocks": blocks]
    }

    static func discord(_ notification: AlarmNotification, externalURL: String) -> [String: Any] {
        var embed: [String: Any] = [
            "title": self.headline(notification),
            "color": notification.status == .firing ? 0xE0_3E2F : 0x2E_B67D,
            "timestamp": self.time(notification.endsAtMillis ?? notification.startsAtMillis),
            "fields": notification.labels.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value, "inline": true] },
        ]
        if let description = notification.annotations["description"] { embed["description"] = description }
        if let runbook = notification.annotations["runbook_url"] { embed["url"] = runbook }
        return ["content": self.lines(notification).joined(separator: "\n"), "embeds": [embed]]
    }

    static func teams(_ notification: AlarmNotification, externalURL: String) -> [String: Any] {
        var body: [[String: Any]] = [
            ["type": "TextBlock", "text": self.headline(notification), "weight": "Bolder", "size": "Medium", "wrap": true,
             "color": notification.status == .firing ? "Attention" : "Good"]
        ]
        if let description = notification.annotations["description"] {
            body.append(["type": "TextBlock", "text": description, "wrap": true])
        }
        body.append(["type": "FactSet", "facts": notification.labels.sorted { $0.key < $1.key }.map { ["title": $0.key, "value": $0.value] }])
        var actions: [[String: Any]] = [["type": "Action.OpenUrl", "title": "Funnel", "url": self.funnelLink(notification, externalURL: externalURL)]]
        if let runbook = notification.annotations["runbook_url"] { actions.append(["type": "Action.OpenUrl", "title": "Runbook", "url": runbook]) }
        let card: [String: Any] = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": body, "actions": actions,
        ]
        return ["type": "message", "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "content": card]]]
    }
}
