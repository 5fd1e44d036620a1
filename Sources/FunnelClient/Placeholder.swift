enum FunnelClientPlaceholder {}
