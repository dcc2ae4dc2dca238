"""Reference data the workplace-safety area starts with, loaded by data migrations."""
