/// The `process_*` families every Prometheus exporter shows, from figures the server reads about its own process.
public struct ProcessFamilies: MetricsSource, Hashable {
    /// User and system CPU time, in seconds.
    public var cpuSeconds: Double
    public var residentMemoryBytes: UInt64
    public var virtualMemoryBytes: UInt64
    public var openFileDescriptors: UInt64
    /// The soft limit on open files; nil when unlimited.
    public var maximumFileDescriptors: UInt64?
    /// When the process started, Unix seconds.
    public var startTimeSeconds: Double

    public init(
        cpuSeconds: Double, residentMemoryBytes: UInt64, virtualMemoryBytes: UInt64, openFileDescriptors: UInt64,
        maximumFileDescriptors: UInt64?, startTimeSeconds: Double
    ) {
        self.cpuSeconds = cpuSeconds
        self.residentMemoryBytes = residentMemoryBytes
        self.virtualMemoryBytes = virtualMemoryBytes
        self.openFileDescriptors = openFileDescriptors
        self.maximumFileDescriptors = maximumFileDescriptors
        self.startTimeSeconds = startTimeSeconds
    }

    /// Writes the families with the names and help texts of the Prometheus client libraries.
    public func emit(into writer: inout ExpositionWriter) {
        writer.family("process_cpu_seconds", .counter, help: "Total user and system CPU time spent in seconds.")
        writer.sample(ExpositionLabels.none, self.cpuSeconds)
        writer.family("process_open_fds", .gauge, help: "Number of open file descriptors.")
        writer.sample(self.openFileDescriptors)
        if let maximum = self.maximumFileDescriptors {
            writer.family("process_max_fds", .gauge, help: "Maximum number of open file descriptors.")
            writer.sample(maximum)
        }
        writer.family("process_virtual_memory_bytes", .gauge, help: "Virtual memory size in bytes.")
        writer.sample(self.virtualMemoryBytes)
        writer.family("process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes.")
        writer.sample(self.residentMemoryBytes)
        writer.family("process_start_time_seconds", .gauge, help: "Start time of the process since unix epoch in seconds.")
        writer.sample(ExpositionLabels.none, self.startTimeSeconds)
    }
}
