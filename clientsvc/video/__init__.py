"""Live counter video: camera publishers, the broker's relay, the workstation's subscriber."""
