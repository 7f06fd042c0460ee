"""The wire protocol: MDP framing, application messages, canonical encoding, error codes."""
