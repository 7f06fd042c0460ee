"""The workstation's local audit cache (hash-chained, append-only)."""

from clientsvc.audit.store import AuditStore, ChainProblem

__all__ = ["AuditStore", "ChainProblem"]
