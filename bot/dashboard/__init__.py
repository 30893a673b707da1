"""The organizers' web dashboard, served by the same HTTP server as /healthz and /metrics."""
