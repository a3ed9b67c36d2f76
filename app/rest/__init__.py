"""The CRM.COM v2 leads REST API of the seeds, as a thin adapter over the domain services."""
