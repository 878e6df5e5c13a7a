"""The engine: walk each entry, peel its formats, redact, sweep; and the pipelines on top
(sanitize, check, the differential check, the inventory behind ``inspect``)."""
