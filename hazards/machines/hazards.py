"""The hazards state machine (issue 4); registered by hazards.workflow."""
