"""Icons, the style sheet, translations and fonts (data only)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
