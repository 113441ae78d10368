"""FastAPI application: routers per resource, auth, pages, error mapping."""
