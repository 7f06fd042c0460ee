"""The simulators: what stands in for the bank around AuthDesk in the demo, the tests and the
benchmarks — the teller system and its vouchers, ID cards and seals, the counter camera's
scenes, a second authorizer without a screen, the autopilot that presses the desk's keys, the
screenshot gallery and the demo's orchestration.

No product package (``app``, ``ui``, ``clientsvc``) imports it (an import contract checks it),
and the terminal build leaves it out: a bank terminal carries no voucher, ID or seal
generator. The product reaches it only by name, as an optional plugin (``app.plugins``), for
``authdesk demo``, ``teller`` and ``colleague`` from a source checkout.
"""
