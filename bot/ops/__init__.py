"""Running as a service: metrics, health, structured logs, process roles."""
