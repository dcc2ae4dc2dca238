"""The citizen-complaint machines; workflow.machine.autodiscover imports this module."""

from complaints.machines import complaints, documents, tasks  # noqa: F401
