"""What operations watch: Prometheus metrics and the log format."""
