"""The government link (政企协同): see docs/gov-platform.md for the protocol."""
