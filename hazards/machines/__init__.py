"""The workplace-safety machines; workflow.machine.autodiscover imports this package."""

from hazards.machines import enforcement, hazards, inspections, listings  # noqa: F401
