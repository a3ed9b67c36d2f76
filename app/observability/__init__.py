"""Running the gateway as a service: structured logs, Prometheus metrics, one log line and one
set of measurements per request, and the health and readiness probes."""
