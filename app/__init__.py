"""The composition root: configuration, entry points, building services and windows."""
