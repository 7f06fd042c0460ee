"""The branch broker: MDP over one ROUTER socket, with leases, random dispatch and a journal."""

from clientsvc.broker.broker import Broker, BrokerConfig

__all__ = ["Broker", "BrokerConfig"]
