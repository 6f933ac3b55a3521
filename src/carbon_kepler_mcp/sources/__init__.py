"""Metrics sources: where pod and node power comes from (Kepler directly, Prometheus, the demo cluster)."""
