"""Finding a font with Chinese glyphs to draw the simulated evidence with."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ENV_FONT = "AUTHDESK_CJK_FONT"
"""Environment variable naming a font file to use instead of searching for one."""

# --------------------------------------------------------------------------------------------
# Font discovery
# --------------------------------------------------------------------------------------------

_WELL_KNOWN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
_FC_PATTERNS: tuple[str, ...] = (
    "Noto Sans CJK SC:lang=zh",
    "WenQuanYi Micro Hei:lang=zh",
    "sans-serif:lang=zh",
)
_PROBE_CHAR = "授"
_INSTALL_HINT = (
    "install a CJK font, e.g. `sudo apt-get install fonts-noto-cjk` "
    "(or fonts-wqy-microhei), or set "
    f"{ENV_FONT} to the path of a TrueType/OpenType font with Chinese glyphs"
)


class CjkFontMissing(RuntimeError):
    """No usable font with Chinese glyphs was found, so evidence images cannot be rendered."""


def _fontconfig_candidates(patterns: Iterable[str] = _FC_PATTERNS) -> list[Path]:
    """Paths ``fc-match`` proposes for the given patterns (empty when fontconfig is absent)."""
    exe = shutil.which("fc-match")
    if exe is None:
        return []
    found: list[Path] = []
    for pattern in patterns:
        try:
            proc = subprocess.run(
                [exe, "-f", "%{file}", pattern],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        out = proc.stdout.strip()
        if proc.returncode == 0 and out:
            found.append(Path(out))
    return found


@functools.lru_cache(maxsize=16)
def _face_index(path: Path) -> int:
    """Index of the Simplified-Chinese face inside a font collection (0 for plain fonts)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    names: list[str] = []
    for index in range(32):
        try:
            family = ImageFont.truetype(str(path), 12, index=index).getname()[0] or ""
        except OSError:
            break
        names.append(family)
    for tokens in (("SC",), ("GB",), ("CN",)):
        for index, family in enumerate(names):
            words = family.replace("-", " ").split()
            if any(t in words for t in tokens) and "Mono" not in words:
                return index
    return 0


def _has_cjk_glyphs(path: Path) -> bool:
    """True when ``path`` is a loadable font that really draws ``授`` (not a tofu box)."""
    try:
        if not path.is_file():
            return False
        font = ImageFont.truetype(
            str(path), 48, index=_face_index(path), layout_engine=ImageFont.Layout.BASIC
        )
    except (OSError, ValueError):
        return False

    def raster(ch: str) -> bytes | None:
        img = Image.new("L", (64, 64), 0)
        ImageDraw.Draw(img).text((32, 32), ch, font=font, fill=255, anchor="mm")
        return img.tobytes() if img.getbbox() is not None else None

    probe = raster(_PROBE_CHAR)
    if probe is None:
        return False
    # Glyph index 0 (.notdef) is what a font draws for characters it lacks; a private-use /
    # noncharacter code point reliably produces it.  A second common character must differ too.
    return probe != raster("\uffff") and probe != raster("权")


def _find_cjk_font_uncached(
    env: Mapping[str, str] | None = None,
    candidates: Sequence[str | Path] | None = None,
    *,
    use_fontconfig: bool = True,
) -> Path:
    """Locate a CJK font without caching (testable core of :func:`find_cjk_font`).

    ``env`` defaults to ``os.environ``; if it sets ``AUTHDESK_CJK_FONT`` that file is used and
    nothing else is tried (a broken explicit override is an error, not silently ignored).
    Otherwise fontconfig (if ``use_fontconfig`` and ``fc-match`` exists) and then ``candidates``
    (default: well-known Linux/Windows/macOS paths) are probed in order.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    override = environ.get(ENV_FONT, "").strip()
    if override:
        path = Path(override).expanduser()
        if _has_cjk_glyphs(path):
            return path
        raise CjkFontMissing(
            f"{ENV_FONT}={override!r} is not a readable font with Chinese glyphs "
            f"(checked for {_PROBE_CHAR!r}); fix the variable or unset it and {_INSTALL_HINT}"
        )
    ordered: list[Path] = []
    if use_fontconfig:
        ordered.extend(_fontconfig_candidates())
    ordered.extend(Path(c) for c in (_WELL_KNOWN_FONTS if candidates is None else candidates))
    tried: list[Path] = []
    for path in ordered:
        if path in tried:
            continue
        tried.append(path)
        if _has_cjk_glyphs(path):
            return path
    shown = ", ".join(str(p) for p in tried) or "(none)"
    raise CjkFontMissing(
        f"No font with Chinese glyphs found for rendering teller evidence; tried {shown}. "
        f"To fix: {_INSTALL_HINT}."
    )


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> Path:
    """Path of a font that can draw Chinese text.

    ``AUTHDESK_CJK_FONT`` overrides the search; otherwise fontconfig and well-known paths are
    probed.  The chosen font is verified to contain a real glyph for ``授``.  The result is
    cached; call ``find_cjk_font.cache_clear()`` after changing the environment.

    Raises:
        CjkFontMissing: no usable font (the message says to install ``fonts-noto-cjk``).
    """
    return _find_cjk_font_uncached()


ENV_KAI_FONT = "AUTHDESK_KAI_FONT"
"""Environment variable naming a brush-style (楷体) font file for handwritten values."""

_KAI_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # Debian fonts-arphic-ukai (AR PL UKai)
    "/usr/share/fonts/arphic-ukai/ukai.ttc",
    "C:/Windows/Fonts/simkai.ttf",
    "/System/Library/Fonts/Supplemental/Kaiti.ttc",
)


@functools.lru_cache(maxsize=1)
def find_kai_font() -> Path | None:
    """A 楷体-style font for values written by hand (names, 大写) on some vouchers of the
    reader's corpus; None when there is none (those vouchers are then printed: the corpus
    says so). ``AUTHDESK_KAI_FONT`` overrides the search."""
    candidates = [os.environ[ENV_KAI_FONT]] if os.environ.get(ENV_KAI_FONT) else []
    candidates += list(_KAI_FONTS)
    candidates += [str(p) for p in _fontconfig_candidates(("AR PL UKai CN:lang=zh", "KaiTi"))]
    for name in candidates:
        path = Path(name)
        if path.is_file() and "kai" in path.name.lower() and _has_cjk_glyphs(path):
            return path
    return None


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    """The CJK font at ``size`` px (caches are keyed by font path, so a changed override and
    ``find_cjk_font.cache_clear()`` take effect)."""
    return cjk_font_at(find_cjk_font(), size)


@functools.lru_cache(maxsize=64)
def cjk_font_at(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(
        str(path), max(6, size), index=_face_index(path), layout_engine=ImageFont.Layout.BASIC
    )
