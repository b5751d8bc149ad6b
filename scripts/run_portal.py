"""`make run`: the portal on http://127.0.0.1:8000 with one Celery worker and one beat.

Prepares the database (embedded PostgreSQL when DATABASE_URL is unset), seeds the
demo bureau on first start only, then runs web (gunicorn, production settings,
static files by whitenoise), worker and beat until Ctrl-C, which stops all three.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
LOGS = VAR / "log"
BIN = Path(sys.executable).parent


def web_listening(host: str, port: int, web: subprocess.Popen, *, timeout: float = 60.0) -> bool:
    """True once the web server accepts connections; False if it exits first (e.g. the port is
    taken) or does not answer in time. The banner is printed only after this says True."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if web.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    key_file = VAR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    # The keys of reporters' ID and phone numbers (org/crypto.py), made once on this machine;
    # the environment's own PORTAL_PII_KEYS / PORTAL_PII_HASH_KEY win when set.
    pii_file = VAR / "pii_keys"
    if not pii_file.exists():
        new_key = lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")  # noqa: E731
        pii_file.write_text(f"PORTAL_PII_KEYS=k1:{new_key()}\nPORTAL_PII_HASH_KEY={new_key()}\n")
        pii_file.chmod(0o600)
    env = dict(line.split("=", 1) for line in pii_file.read_text().split())
    env.update(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=key_file.read_text().strip(),
        # Plain http on the local machine: no secure-only cookies, no https redirect.
        DJANGO_SECURE_COOKIES="0",
        PYTHONUNBUFFERED="1",
    )
    host = env.get("PORTAL_HOST", "127.0.0.1")
    port = env.get("PORTAL_PORT", "8000")
    env.setdefault("DJANGO_ALLOWED_HOSTS", f"{host},localhost,127.0.0.1")

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)

    print("准备数据库 / preparing the database …", flush=True)
    manage("migrate", "--no-input", "-v", "0")
    manage("collectstatic", "--no-input", "-v", "0")
    manage("seed_demo", "--if-empty")

    commands = {
        "web": [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            env.get("WEB_CONCURRENCY", "3"),
            "--access-logfile",
            "-",
        ],
        "worker": [str(BIN / "celery"), "-A", "config", "worker", "--concurrency", "2", "-l", "info"],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(VAR / "celerybeat-schedule"),
        ],
    }
    procs: dict[str, subprocess.Popen] = {}
    for name, cmd in commands.items():
        log = open(LOGS / f"{name}.log", "a")
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        print(f"  {name:<7} pid {procs[name].pid:<7} log: {LOGS / (name + '.log')}", flush=True)
    if web_listening(host, int(port), procs["web"]):
        print(f"\n执法监督平台已启动 / portal running: http://{host}:{port}  (Ctrl-C 停止 / to stop)\n", flush=True)
    elif procs["web"].poll() is None:
        print(f"web does not answer on {host}:{port} yet; see {LOGS / 'web.log'}", flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"{name} exited with {proc.returncode}; see {LOGS / (name + '.log')}", flush=True)
                stopping, exit_code = True, 1
        time.sleep(0.5)
    print("stopping …", flush=True)
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    deadline = time.time() + 15
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            proc.kill()
    print("stopped: web, worker, beat", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
