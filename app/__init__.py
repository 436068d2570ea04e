"""The web and persistence shell around the `bpv` domain."""
