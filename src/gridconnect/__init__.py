"""gridconnect: workflow and SLA engine for power-connection applications."""

__version__ = "0.1.0"
