"""Customers' self-service: access codes for every application, their recovery by phone."""
