"""The domain: applications, their stage machines, documents, SLA clocks and events.

Pure: imports neither FastAPI nor SQLModel. Raises domain errors, records domain events.
"""
