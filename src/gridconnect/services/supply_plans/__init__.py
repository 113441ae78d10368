"""Supply plans, charges and open capacity (issue 16): services over the workflow's rules."""
