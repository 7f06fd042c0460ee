"""Every user action, declared once: id, shortcut, when it is enabled. The keyboard map is data
that the windows, the help screen and the tests all read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    id: str
    shortcut: str
    enabled_when: str  # a state name the window evaluates: always, item, decidable, reason_open


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("approve", "F9", "decidable"),
    ActionSpec("reject", "F10", "item"),
    ActionSpec("return", "F11", "item"),
    ActionSpec("send_reason", "Ctrl+Return", "reason_open"),
    ActionSpec("cancel_reason", "Escape", "reason_open"),
    ActionSpec("toggle_away", "F12", "always"),
    ActionSpec("next_image", "Ctrl+PgDown", "item"),
    ActionSpec("previous_image", "Ctrl+PgUp", "item"),
    ActionSpec("sign_out", "Ctrl+Shift+Q", "always"),
)

ACTIONS_BY_ID = {a.id: a for a in ACTIONS}
