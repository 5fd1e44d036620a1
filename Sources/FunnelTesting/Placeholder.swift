enum FunnelTestingPlaceholder {}
