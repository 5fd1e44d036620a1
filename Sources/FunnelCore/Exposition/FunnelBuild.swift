/// `funnel_build_info`: the version of the running server.
public struct FunnelBuild: MetricsSource {
    /// The release version, as in `funnel --version`.
    public var version: String

    /// The build of `version`, by default this one.
    public init(version: String = FunnelVersion.current) {
        self.version = version
    }

    /// Writes `funnel_build_info{version}`.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_build", .info, help: "Funnel build information.")
        writer.sample(ExpositionWriter.labels(["version": self.version]), UInt64(1))
    }
}
