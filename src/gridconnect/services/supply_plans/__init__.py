"""Supply plans, charges and open capacity: services over the workflow's rules."""
