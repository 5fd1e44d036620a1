import Foundation
import FunnelTesting
import Testing

/// The systemd unit and the install script under `packaging/`.
@Suite struct PackagingTests {
    static let packaging = RepositoryPaths.root + "/packaging"

    @Test func theUnitPassesSystemdAnalyzeVerify() throws {
        let analyze = try RequiredTool("systemd-analyze", package: "systemd")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let unit = try String(contentsOfFile: Self.packaging + "/funnel.service", encoding: .utf8)
        for directive in [
            "DynamicUser=yes", "StateDirectory=funnel", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "NoNewPrivileges=yes",
            "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
        ] {
            #expect(unit.contains("\n\(directive)\n"), "\(directive)")
        }
        // verify checks that ExecStart's binary exists: point it at the one under test.
        let path = try directory.write(unit.replacingOccurrences(of: "/usr/local/bin/funnel", with: FunnelProcess.binaryPath), to: "funnel.service")
        let result = try analyze.run(["verify", path])
        #expect(result.status == 0, "systemd-analyze verify: \(result.output)")
        #expect(!result.output.contains("funnel.service"), "systemd-analyze verify: \(result.output)")
    }

    @Test func theInstallScriptInstallsBinaryUnitAndConfigAndKeepsAnExistingConfig() throws {
        let shell = try RequiredTool("bash", package: "bash")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.file("root")
        let environment = "DESTDIR=\(root) FUNNEL_BINARY=\(FunnelProcess.binaryPath) PREFIX=/opt/funnel"
        let first = try shell.run(["-c", "\(environment) \(Self.packaging)/install.sh"])
        #expect(first.status == 0, "\(first.output)")
        #expect(FileManager.default.isExecutableFile(atPath: root + "/opt/funnel/bin/funnel"))
        let unit = try String(contentsOfFile: root + "/etc/systemd/system/funnel.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/opt/funnel/bin/funnel serve --config /etc/funnel/funnel.yml"))
        let config = try String(contentsOfFile: root + "/etc/funnel/funnel.yml", encoding: .utf8)
        #expect(config == (try String(contentsOfFile: RepositoryPaths.root + "/config.example.yml", encoding: .utf8)))

        try "listen: 127.0.0.1:9999\n".write(toFile: root + "/etc/funnel/funnel.yml", atomically: true, encoding: .utf8)
        let second = try shell.run(["-c", "\(environment) \(Self.packaging)/install.sh"])
        #expect(second.status == 0, "\(second.output)")
        #expect(try String(contentsOfFile: root + "/etc/funnel/funnel.yml", encoding: .utf8) == "listen: 127.0.0.1:9999\n")
        #expect(FileManager.default.fileExists(atPath: root + "/etc/funnel/funnel.yml.example"))
    }

    @Test func theExampleConfigurationPassesCheckConfig() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let check = try FunnelProcess(["check-config", RepositoryPaths.root + "/config.example.yml"], directory: directory.path, logName: "check")
        #expect(try await check.waitForExit() == 0, "\(check.standardOutput)")
    }
}
