"""Request and response bodies of the API (Create / Public), apart from the table models."""
