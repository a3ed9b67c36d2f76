"""Protections of the front doors that are no business rule: counters shared by every worker,
request budgets, sign-in throttling."""
