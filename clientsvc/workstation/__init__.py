"""The workstation's non-GUI side: the MDP worker/client engine on its own thread."""
