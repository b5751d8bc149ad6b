"""`make` on a fresh Debian/Ubuntu without python3-venv: scripts/ensure_venv.sh installs it with
apt-get (root or sudo) or says in one line what to run. Driven with stand-in commands on PATH."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ensure_venv.sh"


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def run(tmp_path: Path, *, ensurepip_works: bool, uid: str):
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "apt.log"
    stub(
        bin_,
        "fakepython",
        f'if [ "$1" = "-m" ]; then exit {0 if ensurepip_works else 1}; fi\necho python3.11-venv',
    )
    stub(bin_, "apt-get", f'echo "$@" >> {log}')
    stub(bin_, "id", f"echo {uid}")
    stub(bin_, "sudo", "exit 1")  # no password-less sudo here
    env = {"PATH": f"{bin_}:/usr/bin:/bin", "PYTHON": "fakepython"}
    answer = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True)
    return answer, (log.read_text() if log.exists() else "")


def test_nothing_is_installed_when_venv_works(tmp_path):
    answer, apt = run(tmp_path, ensurepip_works=True, uid="0")
    assert answer.returncode == 0 and apt == ""


def test_root_gets_python3_venv_installed(tmp_path):
    answer, apt = run(tmp_path, ensurepip_works=False, uid="0")
    assert answer.returncode == 0, answer.stderr
    assert "install -y -qq python3-venv python3.11-venv" in apt


def test_without_root_or_sudo_one_line_says_what_to_run(tmp_path):
    answer, apt = run(tmp_path, ensurepip_works=False, uid="1000")
    assert answer.returncode == 1 and apt == ""
    assert answer.stderr.strip() == (
        "python3-venv is missing: run 'sudo apt-get install python3-venv python3.11-venv', then 'make' again"
    )


def test_the_makefile_checks_before_creating_the_venv():
    makefile = (SCRIPT.parent.parent / "Makefile").read_text()
    assert "scripts/ensure_venv.sh && $(PYTHON) -m venv $(VENV)" in makefile


def _run_portal():
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_portal", SCRIPT.parent / "run_portal.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_announces_the_portal_only_once_the_web_server_listens():
    import socket
    import sys

    web_listening = _run_portal().web_listening
    # a web server that died at start (its port taken): no "portal running"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    assert web_listening("127.0.0.1", free_port, dead, timeout=5) is False
    # one that listens
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            assert web_listening("127.0.0.1", server.getsockname()[1], alive, timeout=5) is True
    finally:
        alive.kill()
        alive.wait()
