"""Every user action, declared once: id, keys, when it is enabled, where it belongs, its label.
The keyboard map is data that the windows, the help overlay, the README test and the other
tests all read."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication


@dataclass(frozen=True)
class ActionSpec:
    id: str
    shortcut: str
    # a state name the window evaluates: always, unlocked, item, decidable, reason_open, image,
    # video
    enabled_when: str
    group: str  # decide, checklist, evidence, video, session
    alternates: tuple[str, ...] = ()
    # "window": a QAction on the main window, live in every window of the application;
    # "checklist": a key the checklist list handles while it has the focus
    scope: str = "window"


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("approve", "F9", "decidable", "decide"),
    ActionSpec("reject", "F10", "item", "decide"),
    ActionSpec("return", "F11", "item", "decide"),
    ActionSpec("send_reason", "Ctrl+Return", "reason_open", "decide", ("Ctrl+Enter",)),
    ActionSpec("cancel_reason", "Escape", "reason_open", "decide"),
    ActionSpec("checklist", "F2", "item", "checklist"),
    ActionSpec("check_pass", "Space", "item", "checklist", scope="checklist"),
    ActionSpec("check_fail", "X", "item", "checklist", scope="checklist"),
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
    ActionSpec("toggle_away", "F12", "unlocked", "session"),
    ActionSpec("lock", "Ctrl+L", "unlocked", "session"),
    ActionSpec("sign_out", "Ctrl+Shift+Q", "always", "session"),
)

ACTIONS_BY_ID = {a.id: a for a in ACTIONS}


def _t(text: str) -> str:
    return QCoreApplication.translate("actions", text)


def label(action_id: str) -> str:
    """What the action is called on buttons, in menus and in the help overlay."""
    return {
        "approve": _t("Approve"),
        "reject": _t("Reject…"),
        "return": _t("Return for correction…"),
        "send_reason": _t("Sign and send"),
        "cancel_reason": _t("Cancel"),
        "checklist": _t("Go to the checklist"),
        "check_pass": _t("Checklist: row is fine"),
        "check_fail": _t("Checklist: row fails (pre-fills the reason)"),
        "check_zoom": _t("Checklist: zoom to the row's place on the image"),
        "next_image": _t("Next image"),
        "previous_image": _t("Previous image"),
        "fit": _t("Fit to window"),
        "actual_size": _t("Actual size (1:1)"),
        "zoom_in": _t("Zoom in"),
        "zoom_out": _t("Zoom out"),
        "pan_left": _t("Pan left"),
        "pan_right": _t("Pan right"),
        "pan_up": _t("Pan up"),
        "pan_down": _t("Pan down"),
        "rotate_right": _t("Rotate 90° clockwise"),
        "rotate_left": _t("Rotate 90° anticlockwise"),
        "flip_horizontal": _t("Mirror left–right"),
        "flip_vertical": _t("Mirror top–bottom"),
        "brighter": _t("Brighter"),
        "darker": _t("Darker"),
        "more_contrast": _t("More contrast"),
        "less_contrast": _t("Less contrast"),
        "sharpen": _t("Sharpen on / off"),
        "magnifier": _t("Magnifier on / off"),
        "compare": _t("Compare two images side by side"),
        "switch_pane": _t("Switch the pane the keys act on"),
        "reset_view": _t("Reset the view"),
        "grab_frame": _t("Grab the camera frame and put it beside the ID photo"),
        "help": _t("Show / hide these keys"),
        "toggle_away": _t("Away / available"),
        "lock": _t("Lock the screen (your items go back to the queue)"),
        "sign_out": _t("Sign out"),
    }[action_id]


def group_title(group: str) -> str:
    return {
        "decide": _t("Decide"),
        "checklist": _t("Checklist"),
        "evidence": _t("Images"),
        "video": _t("Counter camera"),
        "session": _t("Session"),
    }[group]
