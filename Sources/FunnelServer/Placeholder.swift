enum FunnelServerPlaceholder {}
