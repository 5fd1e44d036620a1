import CFunnelBuildStamp

/// What the running binary is: release version, git revision, build date and Swift version, as `funnel --version`
/// prints them and `funnel_build_info` labels them.
///
/// The revision and date come from the build stamp `packaging/stamp` writes before a release build
/// (`packaging/install.sh` does); a build without it, such as one from a source tarball, says `unknown`.
public struct FunnelBuild: MetricsSource, Hashable {
    public var version: String
    public var revision: String
    public var buildDate: String
    public var swiftVersion: String

    public init(version: String = FunnelVersion.current, revision: String = "unknown", buildDate: String = "unknown", swiftVersion: String = FunnelBuild.compilerVersion) {
        self.version = version
        self.revision = revision
        self.buildDate = buildDate
        self.swiftVersion = swiftVersion
    }

    /// This binary, from its build stamp.
    public static let current: FunnelBuild = {
        let stamped = String(cString: funnel_build_swift_version())
        return FunnelBuild(
            revision: String(cString: funnel_build_revision()), buildDate: String(cString: funnel_build_date()),
            swiftVersion: stamped.isEmpty ? Self.compilerVersion : stamped
        )
    }()

    /// The Swift language version of the compiler, to its minor version, when the stamp does not say more.
    public static var compilerVersion: String {
        #if compiler(>=6.5)
        return "6.5 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// The `funnel --version` text, in the layout of the Prometheus tools.
    public var versionText: String {
        """
        funnel, version \(self.version) (revision: \(self.revision))
          build date:    \(self.buildDate)
          swift version: \(self.swiftVersion)
          platform:      \(Self.platform)
        """
    }

    private static var platform: String {
        #if os(Linux)
        let system = "linux"
        #elseif os(macOS)
        let system = "darwin"
        #else
        let system = "unknown"
        #endif
        #if arch(x86_64)
        return system + "/amd64"
        #elseif arch(arm64)
        return system + "/arm64"
        #else
        return system + "/unknown"
        #endif
    }

    /// Writes `funnel_build_info{version, revision, build_date, swift_version} 1`.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("funnel_build", .info, help: "Funnel build information.")
        writer.sample(
            ExpositionWriter.labels(["version": self.version, "revision": self.revision, "build_date": self.buildDate, "swift_version": self.swiftVersion]),
            UInt64(1)
        )
    }
}
