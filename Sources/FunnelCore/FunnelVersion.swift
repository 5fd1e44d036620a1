/// Funnel's release version, shown by `--version` and in `funnel_build_info`.
public enum FunnelVersion {
    public static let current = "0.1.0"
}
