import Foundation
import FunnelTesting

/// The real OpenTelemetry Python SDK (`opentelemetry-sdk` with `opentelemetry-exporter-otlp-proto-http`) exporting
/// to a Funnel server: a script of steps run by one SDK process, so cumulative totals keep one start time.
///
/// Steps, each a JSON array: `["add", pipeline, stage, outcome, n]` adds to the `funnel.events` counter;
/// `["latency", pipeline, stage, [values]]` records into the `funnel.latency` histogram; `["other", n]` adds to a
/// metric Funnel ignores; `["depth", pipeline, queue, n]` sets the `funnel.dlq.depth` gauge; `["export"]` exports
/// now (`force_flush`); `["replay"]` exports the last batch again, unchanged (an exporter's retry);
/// `["signal", path]` creates a file; `["wait", path]` waits for one. The SDK exports once more at shutdown.
struct OTelSDKExporter: Sendable {
    /// How the SDK exports.
    struct Options: Sendable {
        var delta = false
        var gzip = false
        var exponential = false
        var latencyUnit = "ms"
        var token: String?
    }

    private let python: RequiredTool

    /// Checks that the SDK is installed.
    init() async throws {
        let python = try RequiredTool("python3", package: "python3")
        let probe = try await BlockingCall.run {
            try python.run(["-c", "import opentelemetry.sdk.metrics, opentelemetry.exporter.otlp.proto.http.metric_exporter"])
        }
        guard probe.status == 0 else {
            throw RequiredTool.Missing(
                description:
                    "the OpenTelemetry Python SDK is not installed: run `python3 -m pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http` (or `bash .ci/run`, which installs it)"
            )
        }
        self.python = python
    }

    /// Runs `steps` against `server` (`http://HOST:PORT`); returns the script's exit status and output.
    func run(_ server: String, options: Options = Options(), steps: [[Any]]) async throws -> (status: Int32, output: String) {
        var plan: [String: Any] = ["steps": steps, "gzip": options.gzip, "exponential": options.exponential, "latency_unit": options.latencyUnit]
        plan["temporality"] = options.delta ? "delta" : "cumulative"
        if let token = options.token { plan["token"] = token }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: plan), as: UTF8.self)
        let python = self.python
        return try await BlockingCall.run { try python.run(["-c", Self.script, server, json]) }
    }

    static let script = #"""
import json, os, sys, time
from opentelemetry.sdk.metrics import MeterProvider, Counter, Histogram, UpDownCounter, ObservableGauge
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader, AggregationTemporality, MetricExportResult
from opentelemetry.sdk.metrics.view import View, ExponentialBucketHistogramAggregation
from opentelemetry.sdk.resources import Resource
from opentelemetry.metrics import Observation
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http import Compression

endpoint, plan = sys.argv[1], json.loads(sys.argv[2])


class RecordingExporter(OTLPMetricExporter):
    """Remembers the last batch it exported, to export it again verbatim (an exporter's retry)."""
    last = None
    failures = 0

    def export(self, metrics_data, timeout_millis=10_000, **kwargs):
        RecordingExporter.last = metrics_data
        result = super().export(metrics_data, timeout_millis=timeout_millis, **kwargs)
        if result != MetricExportResult.SUCCESS:
            RecordingExporter.failures += 1
        return result


delta = {Counter: AggregationTemporality.DELTA, Histogram: AggregationTemporality.DELTA}
exporter = RecordingExporter(
    endpoint=endpoint + "/v1/metrics",
    compression=Compression.Gzip if plan.get("gzip") else Compression.NoCompression,
    preferred_temporality=delta if plan.get("temporality") == "delta" else {},
    headers={"Authorization": "Bearer " + plan["token"]} if plan.get("token") else None,
)
reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
views = [View(instrument_name="funnel.latency", aggregation=ExponentialBucketHistogramAggregation())] if plan.get("exponential") else []
provider = MeterProvider(metric_readers=[reader], resource=Resource.create({"service.name": "otlp-test"}), views=views)
meter = provider.get_meter("funnel-otlp-test")
events = meter.create_counter("funnel.events", unit="{event}")
latency = meter.create_histogram("funnel.latency", unit=plan.get("latency_unit", "ms"))
other = meter.create_counter("http.server.requests")
depths = {}
meter.create_observable_gauge(
    "funnel.dlq.depth", callbacks=[lambda options: [Observation(v, {"pipeline": p, "queue": q}) for (p, q), v in depths.items()]]
)

for step in plan["steps"]:
    kind = step[0]
    if kind == "add":
        _, pipeline, stage, outcome, amount = step
        events.add(amount, {"pipeline": pipeline, "stage": stage, "outcome": outcome})
    elif kind == "latency":
        _, pipeline, stage, values = step
        for value in values:
            latency.record(value, {"pipeline": pipeline, "stage": stage})
    elif kind == "other":
        other.add(step[1], {"route": "/"})
    elif kind == "depth":
        depths[(step[1], step[2])] = step[3]
    elif kind == "export":
        provider.force_flush()
    elif kind == "replay":
        exporter.export(RecordingExporter.last)
    elif kind == "signal":
        open(step[1], "w").close()
    elif kind == "wait":
        deadline = time.time() + 120
        while not os.path.exists(step[1]):
            if time.time() > deadline:
                sys.exit("timed out waiting for " + step[1])
            time.sleep(0.05)
provider.shutdown()
print("failed exports: %d" % RecordingExporter.failures)
sys.exit(1 if RecordingExporter.failures else 0)
"""#
}
