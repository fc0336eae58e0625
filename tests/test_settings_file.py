"""The secret key can come from a file in the data directory, and a command run without
any key says so in one line instead of a stack trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DEBUG", "KEYWORK_TESTING", "DJANGO_SETTINGS_MODULE")}
    env["KEYWORK_DATA_DIR"] = str(data_dir)
    env["DATABASE_URL"] = f"sqlite:///{data_dir / 'db.sqlite3'}"
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,  # noqa: S603 - our own interpreter and arguments
                          timeout=120, check=False)


def test_secret_key_is_read_from_the_data_directory(tmp_path):
    (tmp_path / "secret_key").write_text("a-key-from-the-file-" + "x" * 40 + "\n")
    done = _run(["-c", "import keywork.settings as s; print(s.SECRET_KEY)"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "a-key-from-the-file-" + "x" * 40


def test_command_without_a_key_explains_itself_without_a_traceback(tmp_path):
    done = _run(["-m", "keywork", "check"], tmp_path)
    assert done.returncode == 2
    assert "SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
