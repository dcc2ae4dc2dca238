"""The engine's own machine (the supervision notice); autodiscover imports this package."""

from workflow.machines import supervision  # noqa: F401
