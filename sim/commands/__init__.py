"""The simulators' ``authdesk`` commands (``teller``, ``colleague``, ``demo``), added to the
product's by ``app.plugins`` where the simulators are installed (a source checkout)."""
