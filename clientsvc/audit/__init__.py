"""The workstation's local audit cache (hash-chained, append-only)."""

from clientsvc.audit.chain import ChainProblem
from clientsvc.audit.store import AuditStore

__all__ = ["AuditStore", "ChainProblem"]
