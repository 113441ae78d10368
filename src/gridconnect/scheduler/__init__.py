"""APScheduler wiring of the SLA scan and the outbox (see `jobs.build_scheduler`)."""

from gridconnect.scheduler.jobs import build_scheduler

__all__ = ["build_scheduler"]
