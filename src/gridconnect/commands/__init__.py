"""Typer sub-commands, one module per area; `gridconnect.cli` assembles them."""
