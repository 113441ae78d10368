"""Supervision orders (督办, command centre): issue, answer, list, count per month."""
