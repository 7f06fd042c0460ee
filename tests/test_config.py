"""One TOML file per terminal: every setting documented with its default, every problem of a
file explained in words, the environment over the file."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from app.config import ConfigError, Settings, check_file, load_settings, template
from tests.helpers import ROOT


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "authdesk.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_template_lists_every_setting_at_its_default_and_reads_back(tmp_path: Path) -> None:
    text = template()
    uncommented = "\n".join(
        line[2:] for line in text.splitlines() if line.startswith("# ") and " = " in line
    )
    data = tomllib.loads(uncommented)
    assert set(data) == {f.name for f in fields(Settings)}
    assert data.pop("terminal_id") == "<this host's name>"
    # the placeholder is no terminal id (it would name a key file): a real one in its place
    readable = uncommented.replace('"<this host\'s name>"', '"ws-01"')
    settings = load_settings(_write(tmp_path, readable), env={}, data_dir=tmp_path)
    assert settings.terminal_id == "ws-01"
    defaults = Settings()
    for f in fields(Settings):
        if f.name not in ("data_dir", "terminal_id", "demo_secrets_file"):
            assert getattr(settings, f.name) == getattr(defaults, f.name), f.name
    assert all(f.metadata.get("help") for f in fields(Settings)), "a setting without words"


def test_the_configuration_doc_carries_the_current_template() -> None:
    doc = (ROOT / "docs" / "CONFIG.md").read_text(encoding="utf-8")
    assert template() in doc, "docs/CONFIG.md is stale: regenerate its template block"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('brokr_endpoint = "tcp://a:1"', 'Did you mean "broker_endpoint"?'),
        ('heartbeat_ms = "fast"', "heartbeat_ms must be a whole number"),
        ("heartbeat_ms = 2.5", "heartbeat_ms must be a whole number"),
        ('language = "fr"', 'must be one of "system", "zh_CN", "en"'),
        ("font_scale = 3", "font_scale is 3.0; it must be between 0.85 and 1.75"),
        ("pin_attempts = 0", "pin_attempts is 0; it must be between 1 and 10"),
        ('broker_endpoint = "localhost:5555"', "it must look like tcp://host:port"),
        ('video_endpoint = "udp://x"', 'or be "" to turn it off'),
        ('keyring = "file"', 'one of "os", "memory"'),
        ("language = zh_CN", "not valid TOML"),
        (b"language = '\xff'", "not UTF-8"),
        ("schema_version = 2", "this AuthDesk reads 1"),
    ],
)
def test_each_problem_of_a_file_is_explained(tmp_path: Path, text: str | bytes, words: str) -> None:
    problems = check_file(_write(tmp_path, text))
    assert len(problems) == 1 and words in problems[0], problems


def test_every_problem_is_named_at_once_not_only_the_first(tmp_path: Path) -> None:
    path = _write(tmp_path, 'theme = "blue"\nsync_batch = 0\nnope = 1\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    assert len(info.value.problems) == 3


def test_the_environment_overrides_the_file_and_is_checked_too(tmp_path: Path) -> None:
    path = _write(tmp_path, 'language = "en"\nlock_after_min = 10\n')
    settings = load_settings(path, env={"AUTHDESK_LANGUAGE": "zh_CN"})
    assert (settings.language, settings.lock_after_min) == ("zh_CN", 10.0)
    with pytest.raises(ConfigError, match="lock_after_min must be a number"):
        load_settings(path, env={"AUTHDESK_LOCK_AFTER_MIN": "soon"})


def test_admin_config_check_says_fine_or_lists_the_problems(tmp_path: Path) -> None:
    good = _write(tmp_path, 'language = "zh_CN"\ntheme = "dark"\n')
    run = [sys.executable, "-m", "app.main", "admin", "config", "check"]
    ok = subprocess.run([*run, str(good)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "fine" in ok.stdout
    bad = _write(tmp_path, 'langauge = "zh_CN"\nfont_scale = "big"\n')
    out = subprocess.run([*run, str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert '"langauge" is not a setting' in out.stderr and 'Did you mean "language"' in out.stderr
    assert "font_scale must be a number" in out.stderr and "2 problem(s)" in out.stderr
