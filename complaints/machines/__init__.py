"""The citizen-complaint machines; workflow.machine.autodiscover imports this package."""

from complaints.machines import complaints, documents, tasks  # noqa: F401
