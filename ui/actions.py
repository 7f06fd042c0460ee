"""Every user action, declared once: id, keys, when it is enabled, where it belongs, its label.
The keyboard map is data that the windows, the help overlay, the README test and the other
tests all read."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QKeyCombination, Qt
from PySide6.QtGui import QKeySequence


@dataclass(frozen=True)
class ActionSpec:
    id: str
    shortcut: str
    # a state name the window evaluates: always, unlocked, item, decidable, overridable,
    # reason_open, image, video
    enabled_when: str
    group: str  # decide, checklist, evidence, video, session
    alternates: tuple[str, ...] = ()
    # "window": a QAction on the main window, live in every window of the application;
    # "checklist": a key the checklist list handles while it has the focus
    scope: str = "window"


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("approve", "F9", "decidable", "decide"),
    # approve past the machine's findings: a written reason and the PIN again, signed
    ActionSpec("override", "Shift+F9", "overridable", "decide"),
    ActionSpec("reject", "F10", "item", "decide"),
    ActionSpec("return", "F11", "item", "decide"),
    ActionSpec("send_reason", "Ctrl+Return", "reason_open", "decide", ("Ctrl+Enter",)),
    ActionSpec("cancel_reason", "Escape", "reason_open", "decide"),
    ActionSpec("checklist", "F2", "item", "checklist"),
    ActionSpec("check_pass", "Space", "item", "checklist", scope="checklist"),
    ActionSpec("check_fail", "X", "item", "checklist", scope="checklist"),
    ActionSpec("check_rest_fine", "Shift+Space", "item", "checklist", scope="checklist"),
    ActionSpec("check_zoom", "Return", "item", "checklist", scope="checklist"),
    ActionSpec("next_image", "Ctrl+PgDown", "item", "evidence"),
    ActionSpec("previous_image", "Ctrl+PgUp", "item", "evidence"),
    ActionSpec("fit", "F", "image", "evidence"),
    ActionSpec("actual_size", "A", "image", "evidence"),
    ActionSpec("zoom_in", "=", "image", "evidence", ("+", "Ctrl+=")),
    ActionSpec("zoom_out", "-", "image", "evidence", ("Ctrl+-",)),
    ActionSpec("pan_left", "Shift+Left", "image", "evidence"),
    ActionSpec("pan_right", "Shift+Right", "image", "evidence"),
    ActionSpec("pan_up", "Shift+Up", "image", "evidence"),
    ActionSpec("pan_down", "Shift+Down", "image", "evidence"),
    ActionSpec("rotate_right", "R", "image", "evidence"),
    ActionSpec("rotate_left", "Shift+R", "image", "evidence"),
    ActionSpec("flip_horizontal", "H", "image", "evidence"),
    ActionSpec("flip_vertical", "V", "image", "evidence"),
    ActionSpec("brighter", "B", "image", "evidence"),
    ActionSpec("darker", "Shift+B", "image", "evidence"),
    ActionSpec("more_contrast", "C", "image", "evidence"),
    ActionSpec("less_contrast", "Shift+C", "image", "evidence"),
    ActionSpec("sharpen", "S", "image", "evidence"),
    ActionSpec("magnifier", "M", "image", "evidence"),
    ActionSpec("compare", "D", "item", "evidence"),
    ActionSpec("switch_pane", "W", "item", "evidence"),
    ActionSpec("reset_view", "Home", "image", "evidence"),
    ActionSpec("grab_frame", "G", "video", "video"),
    ActionSpec("help", "F1", "always", "session"),
    ActionSpec("bigger_text", "Ctrl+Shift+Up", "always", "session"),
    ActionSpec("smaller_text", "Ctrl+Shift+Down", "always", "session"),
    ActionSpec("dark_theme", "Ctrl+Shift+D", "always", "session"),
    ActionSpec("toggle_away", "F12", "unlocked", "session"),
    ActionSpec("lock", "Ctrl+L", "unlocked", "session"),
    ActionSpec("sign_out", "Ctrl+Shift+Q", "always", "session"),
)

ACTIONS_BY_ID = {a.id: a for a in ACTIONS}


def label(action_id: str) -> str:
    """What the action is called on buttons, in menus and in the help overlay."""
    return {
        "approve": QCoreApplication.translate("actions", "Approve"),
        "override": QCoreApplication.translate(
            "actions", "Approve despite the findings (override)…"
        ),
        "reject": QCoreApplication.translate("actions", "Reject…"),
        "return": QCoreApplication.translate("actions", "Return for correction…"),
        "send_reason": QCoreApplication.translate("actions", "Sign and send"),
        "cancel_reason": QCoreApplication.translate("actions", "Cancel"),
        "checklist": QCoreApplication.translate("actions", "Go to the checklist"),
        "check_pass": QCoreApplication.translate(
            "actions", "Checklist: row is fine, then the next row"
        ),
        "check_fail": QCoreApplication.translate(
            "actions", "Checklist: row fails (pre-fills the reason), then the next row"
        ),
        "check_rest_fine": QCoreApplication.translate(
            "actions", "Checklist: every row not yet answered is fine"
        ),
        "check_zoom": QCoreApplication.translate(
            "actions", "Checklist: zoom to the row's place on the image"
        ),
        "next_image": QCoreApplication.translate("actions", "Next image"),
        "previous_image": QCoreApplication.translate("actions", "Previous image"),
        "fit": QCoreApplication.translate("actions", "Fit to window"),
        "actual_size": QCoreApplication.translate("actions", "Actual size (1:1)"),
        "zoom_in": QCoreApplication.translate("actions", "Zoom in"),
        "zoom_out": QCoreApplication.translate("actions", "Zoom out"),
        "pan_left": QCoreApplication.translate("actions", "Pan left"),
        "pan_right": QCoreApplication.translate("actions", "Pan right"),
        "pan_up": QCoreApplication.translate("actions", "Pan up"),
        "pan_down": QCoreApplication.translate("actions", "Pan down"),
        "rotate_right": QCoreApplication.translate("actions", "Rotate 90° clockwise"),
        "rotate_left": QCoreApplication.translate("actions", "Rotate 90° anticlockwise"),
        "flip_horizontal": QCoreApplication.translate("actions", "Mirror left–right"),
        "flip_vertical": QCoreApplication.translate("actions", "Mirror top–bottom"),
        "brighter": QCoreApplication.translate("actions", "Brighter"),
        "darker": QCoreApplication.translate("actions", "Darker"),
        "more_contrast": QCoreApplication.translate("actions", "More contrast"),
        "less_contrast": QCoreApplication.translate("actions", "Less contrast"),
        "sharpen": QCoreApplication.translate("actions", "Sharpen on / off"),
        "magnifier": QCoreApplication.translate("actions", "Magnifier on / off"),
        "compare": QCoreApplication.translate("actions", "Compare two images side by side"),
        "switch_pane": QCoreApplication.translate("actions", "Switch the pane the keys act on"),
        "reset_view": QCoreApplication.translate("actions", "Reset the view"),
        "grab_frame": QCoreApplication.translate(
            "actions", "Grab the camera frame and put it beside the ID photo"
        ),
        "help": QCoreApplication.translate("actions", "Show / hide these keys"),
        "bigger_text": QCoreApplication.translate("actions", "Larger text"),
        "smaller_text": QCoreApplication.translate("actions", "Smaller text"),
        "dark_theme": QCoreApplication.translate("actions", "Dark / light colours"),
        "toggle_away": QCoreApplication.translate("actions", "Away / available"),
        "lock": QCoreApplication.translate(
            "actions", "Lock the screen (your items go back to the queue)"
        ),
        "sign_out": QCoreApplication.translate("actions", "Sign out"),
    }[action_id]


def group_title(group: str) -> str:
    return {
        "decide": QCoreApplication.translate("actions", "Decide"),
        "checklist": QCoreApplication.translate("actions", "Checklist"),
        "evidence": QCoreApplication.translate("actions", "Images"),
        "video": QCoreApplication.translate("actions", "Counter camera"),
        "session": QCoreApplication.translate("actions", "Session"),
    }[group]


# The keys by what is printed on them (a PC keyboard's keycaps, the same in both languages),
# so that a button, the F1 overlay, the checklist's hint and every sentence that names a key
# call it the same: "Ctrl+Enter", never "Ctrl+Return" on one screen and "Ctrl+回车" on the
# next. Only the space bar, which has nothing printed on it, is named in words.
_MODIFIERS = (
    (Qt.KeyboardModifier.ControlModifier, "Ctrl"),
    (Qt.KeyboardModifier.AltModifier, "Alt"),
    (Qt.KeyboardModifier.ShiftModifier, "Shift"),
)
_KEYCAPS = {
    Qt.Key.Key_Return: "Enter",
    Qt.Key.Key_Enter: "Enter",
    Qt.Key.Key_Escape: "Esc",
    Qt.Key.Key_Up: "↑",
    Qt.Key.Key_Down: "↓",
    Qt.Key.Key_Left: "←",
    Qt.Key.Key_Right: "→",
}


def key_name(shortcut: str) -> str:
    """One key combination (``"Ctrl+Return"``) as it is named on every screen."""
    # PySide6's stubs lack QKeySequence.__getitem__ (operator[]), which it has
    combination: QKeyCombination = QKeySequence(shortcut)[0]  # type: ignore[index]
    key, modifiers = combination.key(), combination.keyboardModifiers()
    if key == Qt.Key.Key_Space:
        last = QCoreApplication.translate("actions", "Space")
    else:
        last = _KEYCAPS.get(key) or QKeySequence(key).toString(
            QKeySequence.SequenceFormat.PortableText
        )
    return "+".join([name for flag, name in _MODIFIERS if modifiers & flag] + [last])


def keys_text(action_id: str) -> str:
    """The keys of an action, its alternates after it when they are named differently:
    "= / + / Ctrl+=", but "Ctrl+Enter" once (Return and the keypad's Enter)."""
    spec = ACTIONS_BY_ID[action_id]
    names: list[str] = []
    for shortcut in (spec.shortcut, *spec.alternates):
        if key_name(shortcut) not in names:
            names.append(key_name(shortcut))
    return "  /  ".join(names)


def button_text(action_id: str) -> str:
    """A button's words: the action's label and its key, "Approve   [F9]"."""
    return f"{label(action_id)}   [{key_name(ACTIONS_BY_ID[action_id].shortcut)}]"
