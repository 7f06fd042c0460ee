"""A hostile configuration file (issue 14 §1): whatever its bytes, every program reports it in
words (``ConfigError``) and never with a traceback, never reads it unbounded, and never lets a
setting that becomes a file name or an id lead out of the data directory."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    ConfigError,
    Settings,
    check_file,
    load_settings,
    load_settings_from_bytes,
)
from tests.helpers import ROOT

NESTED_ARRAYS = b"a = " + b"[" * 900 + b"]" * 900 + b"\n"
NESTED_TABLES = b"a = " + b"{b=" * 900 + b"1" + b"}" * 900 + b"\n"
LONG_INTEGER = b"sync_batch = 1" + b"0" * 5000 + b"\n"


def _write(tmp_path: Path, data: bytes | str) -> Path:
    path = tmp_path / "authdesk.toml"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _problems(tmp_path: Path, data: bytes | str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, data), env=env or {}, data_dir=tmp_path)
    return info.value.problems


def _assert_words(problems: list[str]) -> None:
    """What every refusal must be: at least one problem, each printable on any terminal."""
    assert problems, "a ConfigError without words"
    for problem in problems:
        assert isinstance(problem, str) and problem.isprintable(), repr(problem)
        assert len(problem) < 1000, problem[:200]


# --- deep nesting, long numbers: words, not a traceback -------------------------------------


@pytest.mark.parametrize("data", [NESTED_ARRAYS, NESTED_TABLES], ids=["arrays", "inline-tables"])
def test_toml_nested_900_deep_is_refused_in_words_not_a_recursion_error(
    tmp_path: Path, data: bytes
) -> None:
    problems = _problems(tmp_path, data)
    _assert_words(problems)
    assert len(problems) == 1 and "nests arrays or tables" in problems[0]


def test_a_5000_digit_integer_is_refused_in_words_not_a_value_error(tmp_path: Path) -> None:
    problems = _problems(tmp_path, LONG_INTEGER)
    _assert_words(problems)
    assert len(problems) == 1 and "whole number too long" in problems[0]


def test_a_400_digit_number_for_a_decimal_setting_is_refused_not_an_overflow_error(
    tmp_path: Path,
) -> None:
    problems = _problems(tmp_path, "font_scale = 1" + "0" * 400 + "\n")
    _assert_words(problems)
    assert len(problems) == 1 and "font_scale is a number of about 401 digits" in problems[0]


def test_a_home_folder_of_no_user_is_refused_not_a_runtime_error(tmp_path: Path) -> None:
    problems = _problems(tmp_path, 'demo_secrets_file = "~authdesk-no-such-user-7f3a/s.json"\n')
    assert len(problems) == 1 and "demo_secrets_file" in problems[0] and "'~'" in problems[0]


def test_admin_config_check_names_hostile_files_in_words_without_a_traceback(
    tmp_path: Path,
) -> None:
    run = [sys.executable, "-m", "app.main", "admin", "config", "check"]
    for name, data in [
        ("arrays", NESTED_ARRAYS),
        ("tables", NESTED_TABLES),
        ("digits", LONG_INTEGER),
        ("dotdot", b'terminal_id = "../../etc"\nbroker_key = "../../../tmp/k"\n'),
    ]:
        path = tmp_path / f"{name}.toml"
        path.write_bytes(data)
        out = subprocess.run([*run, str(path)], capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 2, (name, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr and "problem(s)" in out.stderr, (name, out.stderr)
        assert "fine" not in out.stdout, name


# --- what is read: a bounded regular file, nothing else -------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_as_the_config_file_is_refused_unread() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(Path("/dev/zero"), env={})
    assert info.value.problems == [
        "/dev/zero is not a regular file (a device, a pipe or a socket); name a file."
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_as_the_config_file_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "authdesk.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException | Settings] = []

    def load() -> None:
        try:
            outcome.append(load_settings(fifo, env={}))
        except BaseException as exc:  # the test reports whatever it was
            outcome.append(exc)

    reader = threading.Thread(target=load, name="config-reader")
    reader.start()
    reader.join(timeout=30)
    if reader.is_alive():  # blocked opening the pipe: give it a writer so the thread ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join()
        pytest.fail("load_settings blocked on a named pipe")
    assert isinstance(outcome[0], ConfigError), outcome
    assert "is not a regular file" in outcome[0].problems[0]


def test_a_folder_as_the_config_file_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder; name the configuration file in it"):
        load_settings(tmp_path, env={})


def test_a_file_over_1_mib_is_refused_not_read_whole(tmp_path: Path) -> None:
    path = _write(tmp_path, b"#" * MAX_FILE_BYTES + b"\n")  # a comment: valid TOML
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    assert len(info.value.problems) == 1 and "is larger than 1024 KiB" in info.value.problems[0]
    just_fits = _write(tmp_path, b"#" * (MAX_FILE_BYTES - 1) + b"\n")
    assert load_settings(just_fits, env={}, data_dir=tmp_path).data_dir == tmp_path
    with pytest.raises(ConfigError, match="is larger than 1024 KiB"):
        load_settings_from_bytes(b" " * (MAX_FILE_BYTES + 1), env={})


# --- encodings ---------------------------------------------------------------------------------


def test_a_utf8_bom_is_accepted_as_notepad_writes_it(tmp_path: Path) -> None:
    path = _write(tmp_path, b'\xef\xbb\xbfterminal_id = "WS-0107"\r\nlanguage = "zh_CN"\r\n')
    loaded = load_settings(path, env={}, data_dir=tmp_path)
    assert (loaded.terminal_id, loaded.language) == ("WS-0107", "zh_CN")
    assert check_file(path) == []


def test_a_bom_inside_a_value_is_still_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, b'terminal_id = "\xef\xbb\xbfWS-1"\n')
    assert len(problems) == 1 and "terminal_id" in problems[0] and "U+FEFF" in problems[0]


def test_a_utf16_file_is_named_for_what_it_is(tmp_path: Path) -> None:
    problems = _problems(tmp_path, '\ufefflanguage = "en"\n'.encode("utf-16-le"))
    assert problems == [
        f"{tmp_path / 'authdesk.toml'} is UTF-16 text (what Notepad calls "
        '"Unicode"): save it as UTF-8.'
    ]


# --- ids and file names ------------------------------------------------------------------------

ESCAPES = [
    "../../etc",
    "..",
    "/etc/passwd",
    "a/b",
    "a\\\\b",  # a TOML escape: one backslash
    "a..b",
    "a.",
    "-a",
    ".hidden",
    "a:b",
    "a b",
    "a_b",
    "CON",
    "nul.txt",
    "x" * 65,
    "",
    "a\\u0000b",
    "\\u202eWS-1",
    "WS\\u200b1",
    "Ｗ1",  # a fullwidth letter
]


@pytest.mark.parametrize("name", ["terminal_id", "broker_key", "center_key"])
@pytest.mark.parametrize("value", ESCAPES)
def test_a_path_escaping_or_non_id_name_is_refused_naming_the_setting(
    tmp_path: Path, name: str, value: str
) -> None:
    problems = _problems(tmp_path, f'{name} = "{value}"\n')
    _assert_words(problems)
    assert len(problems) == 1 and problems[0].split(": ", 1)[1].startswith(name), problems


def test_a_path_escaping_id_from_the_environment_is_refused_too(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "", env={"AUTHDESK_BROKER_KEY": "../../../tmp/evil"})
    assert len(problems) == 1 and "broker_key is '../../../tmp/evil'" in problems[0]


def test_every_broker_in_center_brokers_must_be_a_terminal_name(tmp_path: Path) -> None:
    problems = _problems(tmp_path, 'center_brokers = "BR-01, ../x ,BR-02,a/b"\n')
    assert len(problems) == 2, problems
    assert all(p.split(": ", 1)[1].startswith("center_brokers holds") for p in problems)
    good = _write(tmp_path, 'center_brokers = "BR-01, BR-02.branch7"\n')
    assert load_settings(good, env={}, data_dir=tmp_path).center_brokers.startswith("BR-01")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.text(alphabet="aZ09.-_:/\\ \x00", max_size=70))
def test_an_accepted_key_name_never_leads_out_of_its_folder(key: str) -> None:
    data = Path("/srv/authdesk-data")
    try:
        loaded = load_settings_from_bytes(b"", env={}, data_dir=data, broker_key=key)
    except ConfigError as exc:
        _assert_words(exc.problems)
        return
    key_file = loaded.servers / f"{loaded.broker_key}.key"
    assert key_file.parent == loaded.servers and key_file.name == f"{key}.key"
    assert ".." not in key_file.parts and ":" not in key_file.name
    assert os.path.normpath(key_file) == str(key_file)


# --- text settings: nothing invisible ---------------------------------------------------------


@pytest.mark.parametrize(
    "escaped",
    [
        "\\u0000",
        "\\u001b[2J",
        "\\t",
        "\\n",
        "\\u007f",
        "\\u0085",
        "\\u202e",
        "\\u200b",
        "\\u2066",
        "\\u2028",
    ],
)
@pytest.mark.parametrize("name", ["center_db", "data_dir", "demo_secrets_file"])
def test_a_text_setting_with_a_control_or_format_character_is_refused(
    tmp_path: Path, name: str, escaped: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, f'{name} = "/srv/a{escaped}b"\n'), env={})
    problems = info.value.problems
    _assert_words(problems)
    assert len(problems) == 1 and problems[0].split(": ", 1)[1].startswith(f"{name} holds")


def test_a_lone_surrogate_from_the_environment_is_refused(tmp_path: Path) -> None:
    # what os.environ holds for a value that is not UTF-8 (surrogateescape)
    problems = _problems(tmp_path, "", env={"AUTHDESK_CENTER_DB": "sqlite:///a\udcffb"})
    assert len(problems) == 1 and "center_db holds a lone surrogate (U+DCFF)" in problems[0]


def test_an_overlong_text_setting_is_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, f'center_db = "{"x" * 5000}"\n')
    assert len(problems) == 1 and "center_db is 5,000 characters long" in problems[0]


def test_an_empty_data_dir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="data_dir is empty"):
        load_settings(_write(tmp_path, 'data_dir = ""\n'), env={})


def test_problems_quote_hostile_text_escaped_and_short(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, '"\\u202eevil\\u0007" = 1\nlanguage = "' + "\\u202e" * 3000 + '"\n'
    )
    _assert_words(problems)
    assert len(problems) == 2 and "'\\u202eevil\\x07' is not a setting" in problems[0]


def test_a_file_of_60000_unknown_keys_lists_the_first_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    text = "".join(f"k{i} = 1\n" for i in range(60_000))
    problems = _problems(tmp_path, text)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].endswith("… and 59,950 more problems.")


# --- the fuzzer's entry point: ConfigError or Settings, nothing else --------------------------


def _only_config_errors(data: bytes) -> None:
    try:
        loaded = load_settings_from_bytes(data, env={}, data_dir=Path("/srv/authdesk"))
    except ConfigError as exc:
        _assert_words(exc.problems)
    else:
        assert isinstance(loaded, Settings)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_load_settings_from_bytes_raises_only_config_error_for_any_bytes(data: bytes) -> None:
    _only_config_errors(data)


_NAMES = [f.name for f in Settings.__dataclass_fields__.values()]
_TOKENS = [
    '"',
    "'",
    '"""',
    "'''",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "#",
    "\n",
    "\\",
    "\\u",
    "\ufeff",
    "../",
    "\\u0000",
    "\\u202e",
    "\\ud800",
    "1979-05-27T07:32:00Z",
    "nan",
    "inf",
    "-0",
    "0x",
    "1e999",
    "true",
    "~",
    "~nobody-x/",
]
_value = st.one_of(
    st.integers().map(str),
    st.integers(min_value=0, max_value=6000).map(lambda n: "1" + "0" * n),
    st.floats().map(repr),
    st.text(max_size=40).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.integers(min_value=0, max_value=1500).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=0, max_value=1500).map(lambda n: "{a=" * n + "1" + "}" * n),
    st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join),
)
_line = st.one_of(
    st.tuples(st.sampled_from(_NAMES) | st.text(max_size=12), _value).map(
        lambda kv: f"{kv[0]} = {kv[1]}"
    ),
    st.sampled_from(_NAMES).map(lambda n: f"[{n}]"),
    st.lists(st.sampled_from(_TOKENS + _NAMES), max_size=8).map("".join),
    st.text(max_size=30),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(_line, max_size=12),
    bom=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"]),
)
def test_load_settings_from_bytes_raises_only_config_error_for_toml_like_text(
    lines: list[str], bom: bool, encoding: str
) -> None:
    text = ("\ufeff" if bom else "") + "\n".join(lines)
    errors = "surrogatepass" if encoding.startswith("utf") else "replace"
    _only_config_errors(text.encode(encoding, errors=errors))
