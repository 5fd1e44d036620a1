enum FunnelEndToEndTestsPlaceholder {}
