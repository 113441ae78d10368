"""The service layer: what the API, the CLI and the scheduler all call."""
