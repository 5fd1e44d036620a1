enum FunnelServerTestsPlaceholder {}
