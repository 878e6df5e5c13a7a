"""Detection: where a rule set meets a string. Rules, detectors, validators, the prefilter,
the forms a secret can take, fingerprints and JWT insight; no knowledge of HAR structure."""
