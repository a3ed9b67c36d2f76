"""What a workload hands back, and how it says that its work went wrong."""

from typing import Any

# A workload's measurements and counts, as its JSON file holds them.
Figures = dict[str, Any]


class WorkloadFailedError(RuntimeError):
    """A workload whose work did not come out as it must; its figures would mean nothing."""
