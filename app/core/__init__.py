"""The shared core: knows nothing of HTTP. Platforms and simulators call these services."""
