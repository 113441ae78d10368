"""Settings (environment) and the policy file (stages, whitelists, SLA rules)."""
