"""A simulated government data-sharing and approval platform (docs/gov-platform.md)."""
