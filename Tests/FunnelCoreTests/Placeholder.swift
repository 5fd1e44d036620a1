enum FunnelCoreTestsPlaceholder {}
