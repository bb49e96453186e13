"""Slow clients do not starve the app: clients sending their request headers
a byte at a time, as in the security review, while /healthz keeps answering
within 100 ms. gunicorn runs as in production (gunicorn.conf.py, 4 workers)
behind nginx with deploy/nginx/teamadvisor-proxy.conf, both for real."""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The review's six, and ten times as many: each costs nginx a connection.
SLOW_CLIENTS = 60

NGINX_CONF = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream teamadvisor {{ server 127.0.0.1:{app_port}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        include {root}/deploy/nginx/teamadvisor-proxy.conf;
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthz_seconds(port: int) -> float:
    began = time.perf_counter()
    url = f"http://127.0.0.1:{port}/healthz"
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
        assert response.read() == b"ok"
    return time.perf_counter() - began


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            _healthz_seconds(port)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _trickle(port: int, stop: threading.Event) -> None:
    """Send a request's headers one byte every 0.2 s until told to stop."""
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 500
    try:
        with socket.create_connection(("127.0.0.1", port)) as connection:
            for byte in request:
                if stop.is_set():
                    return
                connection.sendall(bytes([byte]))
                time.sleep(0.2)
    except OSError:
        return  # nginx gave up on it (client_header_timeout): as it should


def test_healthz_stays_fast_behind_nginx_while_slow_clients_trickle(tmp_path):
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: apt-get install nginx-light")
    app_port, port = _free_port(), _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    app = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "teamadvisor.wsgi",
            "-w",
            "4",  # 2 × cores, as the README's production command
            "-b",
            f"127.0.0.1:{app_port}",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=subprocess.DEVNULL,
    )
    config = tmp_path / "nginx.conf"
    config.write_text(
        NGINX_CONF.format(work=tmp_path, app_port=app_port, port=port, root=ROOT)
    )
    proxy = subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")],
        start_new_session=True,
    )
    stop = threading.Event()
    try:
        _wait_until_up(app_port)
        _wait_until_up(port)
        slow = [
            threading.Thread(target=_trickle, args=(port, stop), daemon=True)
            for _ in range(SLOW_CLIENTS)
        ]
        for client in slow:
            client.start()
        time.sleep(2)  # every slow client holds its connection by now
        timings = sorted(_healthz_seconds(port) for _ in range(20))
    finally:
        stop.set()
        for process in (proxy, app):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    ninetieth = timings[int(len(timings) * 0.9) - 1]
    assert ninetieth < 0.1, (
        f"p90 {ninetieth * 1000:.0f} ms, median "
        f"{statistics.median(timings) * 1000:.0f} ms"
    )
