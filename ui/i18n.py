"""The interface's language: Qt's translation system, zh_CN and en.

The sources are ``resources/translations/authdesk_<lang>.ts`` (checked in, kept current with
``python -m ui.i18n update``); the build compiles them to ``.qm`` beside them
(``python -m ui.i18n build``: ``./run`` and the package build do it). Which language: the one
the authorizer picked on the sign-in window of this terminal (remembered), else the
configuration's ``language``, else the system's locale ("system"); Chinese for any zh locale,
English for anything else.

Qt's own words (standard buttons, the context menu of a text field, the file dialog) come from
Qt's catalogue, ``qtbase_<lang>.qm``, which PySide6 ships in its ``Qt/translations`` folder;
what that catalogue leaves in English is in ``resources/translations/qt_extra_<lang>.ts``
(written by hand, compiled with ours).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from resources import ROOT

log = logging.getLogger(__name__)

TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("zh_CN", "en")
NATIVE_NAMES = {"zh_CN": "中文", "en": "English"}  # each in its own language, never translated
CHOICE_KEY = "language"  # QSettings: what the authorizer picked on this terminal

QT_EXTRA = "qt_extra"  # Qt's words that Qt's own catalogue leaves untranslated
_installed: list[QTranslator] = []
_current = "en"


def normalise(language: str) -> str:
    """ "system", "", "zh", "zh_CN", "zh-Hans-CN", "en_US" … → one of LANGUAGES."""
    if language in ("", "system"):
        language = QLocale.system().name()
    return "zh_CN" if language.lower().replace("-", "_").startswith("zh") else "en"


def chosen(configured: str, store: QSettings | None = None) -> str:
    """The language to start in: this terminal's remembered choice, else the configured one."""
    remembered = (store or QSettings()).value(CHOICE_KEY, "")
    return normalise(str(remembered) if remembered else configured)


def remember(language: str, store: QSettings | None = None) -> None:
    (store or QSettings()).setValue(CHOICE_KEY, normalise(language))


def current() -> str:
    return _current


def install(language: str) -> str:
    """Switch the application to ``language`` (widgets get a LanguageChange event). Returns
    the language now in use: English when the translation file is missing (said in the log)."""
    global _current
    app = QCoreApplication.instance()
    assert app is not None, "a QApplication first"
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = normalise(language)
    if language != "en":
        ours = QTranslator(app)
        if not ours.load(str(qm_path(language))):
            log.error(
                "no compiled translation %s: run `python -m ui.i18n build`", qm_path(language)
            )
            language = "en"
        else:
            _installed.append(ours)
            qt = QTranslator(app)  # Qt's own words (standard buttons, context menus)
            qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if qt.load(f"qtbase_{language}", qt_folder):
                _installed.append(qt)
            else:
                log.warning(
                    "no qtbase_%s.qm in %s: Qt's own words stay English", language, qt_folder
                )
            extra = QTranslator(app)
            if extra_ts_path(language).exists() and extra.load(str(extra_qm_path(language))):
                _installed.append(extra)
    for translator in _installed:
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(language))
    _current = language
    return language


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"authdesk_{language}.qm"


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"authdesk_{language}.ts"


def extra_ts_path(language: str) -> Path:
    return TRANSLATIONS / f"{QT_EXTRA}_{language}.ts"


def extra_qm_path(language: str) -> Path:
    return TRANSLATIONS / f"{QT_EXTRA}_{language}.qm"


def _tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease from the environment that runs this."""
    here = Path(sys.executable).parent / f"pyside6-{name}"
    return str(here) if here.exists() else f"pyside6-{name}"


def sources() -> list[Path]:
    root = ROOT.parent
    return sorted(p for folder in ("ui", "app") for p in (root / folder).rglob("*.py"))


def build() -> list[Path]:
    """Compile every .ts to .qm (lrelease); fails loudly on an unfinished translation."""
    made = []
    for language in LANGUAGES:
        out = subprocess.run(
            [_tool("lrelease"), str(ts_path(language)), "-qm", str(qm_path(language))],
            capture_output=True,
            text=True,
            check=True,
        )
        if "untranslated" in out.stdout and " 0 untranslated" not in out.stdout:
            log.warning("%s: %s", ts_path(language).name, out.stdout.strip())
        made.append(qm_path(language))
        if extra_ts_path(language).exists():
            subprocess.run(
                [
                    _tool("lrelease"),
                    str(extra_ts_path(language)),
                    "-qm",
                    str(extra_qm_path(language)),
                ],
                capture_output=True,
                check=True,
            )
            made.append(extra_qm_path(language))
    return made


def update() -> None:
    """Re-read the sources into the .ts files: new strings arrive unfinished in zh_CN (to be
    translated), and in English as their source text (the sources are written in English;
    a plural gets its singular and plural forms from the "(s)" the source writes)."""
    files = [str(p) for p in sources()]
    for language in LANGUAGES:
        args = [_tool("lupdate"), *files, "-ts", str(ts_path(language))]
        args += ["-target-language", language, "-no-obsolete", "-locations", "relative"]
        subprocess.run(args, check=True, capture_output=True)
    _fill_english(ts_path("en"))


def _fill_english(path: Path) -> None:
    import re
    import xml.etree.ElementTree as ET

    text = path.read_text(encoding="utf-8")
    doctype = "<!DOCTYPE TS>"
    root = ET.fromstring(text.replace(doctype, ""))
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") != "unfinished":
            continue
        translation.attrib.pop("type")
        if message.get("numerus") == "yes":
            translation.text = None
            for child in list(translation):
                translation.remove(child)
            one = re.sub(r"\((?:e?s)\)", "", source)
            many = re.sub(r"\((e?s)\)", r"\1", source)
            for form in (one, many):
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = source
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n{body}\n', "utf-8")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "build"
    if command == "update":
        update()
    else:
        for path in build():
            print(f"built {path.relative_to(ROOT.parent)}")
