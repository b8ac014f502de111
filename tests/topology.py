"""The production topology on loopback, started and stopped by the test: Debian's nginx terminating TLS
(a certificate made at test time) in front of two gunicorn app servers (separate process groups, as two
hosts would be), one PostgreSQL (a throwaway cluster) and one Redis (Debian's redis-server).

nginx serves deploy/nginx/lofteskartan.conf itself, with only addresses, ports and paths substituted, three
times: round-robin over both servers (as deployed), and pinned to server A or to server B, so a test can
write through A and read through B knowing which server answered. Only 127.0.0.0/8 is contacted.
"""
import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from live_gunicorn import Planner, free_port
from mapapp.core.paths import PROJECT_ROOT

SITE = PROJECT_ROOT / "deploy" / "nginx" / "lofteskartan.conf"
NGINX_LOG = re.compile(r"^(\d{3}) (\S+) (\S+) (\S+)$")


def _as_root() -> bool:
    return os.geteuid() == 0


def _wait_for(check, what: str, timeout: float, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    detail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"{what} did not start\n{detail}")


def missing_programs() -> list[str]:
    """What scripts/test.sh installs with apt-get: nginx, redis-server, PostgreSQL's initdb, openssl."""
    wanted = {"nginx": shutil.which("nginx") or "/usr/sbin/nginx", "redis-server": shutil.which("redis-server"),
              "openssl": shutil.which("openssl"), "initdb": postgres_bin()}
    return sorted(name for name, path in wanted.items() if not (path and Path(path).exists()))


def postgres_bin() -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return str(found[-1].parent) if found else None


class Postgres:
    """A throwaway cluster in a temporary folder on a free loopback port (owned by postgres when run as root)."""

    def __init__(self, folder: Path):
        self.dir, self.port, self.bin = folder, free_port(), postgres_bin()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/lofteskartan"

    def _run(self, *args):
        command = [f"{self.bin}/{args[0]}", *args[1:]]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd="/", timeout=120)

    def start(self):
        self.dir.mkdir(parents=True)
        if _as_root():
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                  "--no-sync")
        # A test cluster needs no durability; connections: 2 servers × 2 workers × pool, plus the test.
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-w", "start", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                  f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "lofteskartan")
        return self

    def stop(self):
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop")


class Redis:
    """Debian's redis-server on a free loopback port, in memory only."""

    def __init__(self, folder: Path):
        self.dir, self.port, self.proc = folder, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.dir.mkdir(parents=True)
        log = self.dir / "redis.log"
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--logfile", str(log)], start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(lambda: self.command("PING") == "+PONG", "redis-server", 30, log)
        return self

    def command(self, *words: str) -> str:
        """One command over the Redis protocol (RESP), the first line of its answer."""
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(f"*{len(words)}\r\n".encode() + b"".join(
                f"${len(w.encode())}\r\n{w}\r\n".encode() for w in words))
            return s.recv(65536).decode().split("\r\n")[0]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid two days; the clients trust only it."""
    cert, key = folder / "tls.crt", folder / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def render_site(name: str, servers: list[int], https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/lofteskartan.conf with this machine's addresses, ports and certificate."""
    site = SITE.read_text(encoding="utf-8")
    upstream = "".join(f"    server 127.0.0.1:{port};\n" for port in servers)
    swaps = [
        (r"upstream lofteskartan \{\n(    server [^\n]*\n)+", f"upstream {name} {{\n{upstream}"),
        (r"proxy_pass http://lofteskartan;", f"proxy_pass http://{name};"),
        (r"    listen \[::\]:\d+[^\n]*\n", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl;"),
        (r"ssl_certificate     \S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};"),
        (r"server_name \S+;", "server_name localhost 127.0.0.1;"),
        (r"shared:lofteskartan_tls:", f"shared:{name}_tls:"),
    ]
    for pattern, replacement in swaps:
        site, n = re.subn(pattern, lambda _m: replacement, site)
        assert n, f"{SITE.name} no longer has {pattern!r}; update tests/topology.py"
    return site


class Nginx:
    """nginx with the site three times: round-robin over both app servers, pinned to A, pinned to B."""

    def __init__(self, folder: Path, a_port: int, b_port: int):
        self.dir, self.proc = folder, None
        self.ports = {"both": free_port(), "a": free_port(), "b": free_port()}
        self.upstreams = {"both": [a_port, b_port], "a": [a_port], "b": [b_port]}

    def url(self, which: str = "both") -> str:
        return f"https://127.0.0.1:{self.ports[which]}"

    def start(self):
        self.dir.mkdir(parents=True)
        self.dir.chmod(0o755)
        self.cert, key = make_certificate(self.dir)
        sites = [render_site(f"lofteskartan_{w}", self.upstreams[w], self.ports[w], free_port(), self.cert, key)
                 for w in self.ports]
        (self.dir / "sites.conf").write_text("\n".join(sites), encoding="utf-8")
        user = "user nobody nogroup;\n" if _as_root() else ""
        temp = "".join(f"    {kind}_temp_path {self.dir}/{kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.dir / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.dir}/nginx.pid;\nerror_log {self.dir}/error.log warn;\n"
            f"events {{ worker_connections 2048; }}\n"
            f"http {{\n    log_format topology '$status $upstream_addr $request_method $uri';\n"
            f"    access_log {self.dir}/access.log topology;\n{temp}    include {self.dir}/sites.conf;\n}}\n",
            encoding="utf-8")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        check = subprocess.run([nginx, "-t", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                "-e", str(self.dir / "error.log")], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.proc = subprocess.Popen([nginx, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                      "-e", str(self.dir / "error.log"), "-g", "daemon off;"],
                                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(lambda: requests.get(self.url() + "/login", verify=str(self.cert), timeout=5).ok, "nginx", 60,
                  self.dir / "error.log")
        return self

    def log(self) -> list[tuple[int, str, str, str]]:
        """(status, upstream address, method, path) of every request nginx answered."""
        out = []
        for line in (self.dir / "access.log").read_text(errors="replace").splitlines():
            match = NGINX_LOG.match(line)
            if match:
                out.append((int(match.group(1)), match.group(2), match.group(3), match.group(4)))
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class _SourceAddress(HTTPAdapter):
    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser(Planner):
    """A browser over TLS that trusts only the test's certificate, optionally from its own loopback address
    (each planner's machine; rate limits count per client address)."""

    def __init__(self, base: str, cert: Path, source: str | None = None, timeout: float = 90):
        super().__init__(base, timeout)
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE or a proxy from the environment would override these
        self.http.verify = str(cert)
        if source:
            self.http.mount("https://", _SourceAddress(source))

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        # Over HTTPS, CSRFProtect checks that a form comes from this site's own pages, as browsers say.
        if method == "POST":
            kwargs["headers"] = {"Referer": self.base + path, **kwargs.get("headers", {})}
        return super()._request(method, path, **kwargs)

    def on(self, base: str) -> "Browser":
        """The same browser (cookies and all) talking to another address of the proxy."""
        self.base = base
        return self


def scratch(prefix: str) -> Path:
    """A temporary folder others (postgres, nginx's workers) may enter."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder
