"""The government link (政企协同, issue 17): see docs/gov-platform.md for the protocol."""
