enum FunnelClientTestsPlaceholder {}
