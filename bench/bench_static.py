"""Static files: the same build served by nginx, the Procfile's server and gunicorn, on loopback.

Builds the site once (``flask build --out``) into a temp dir and serves it, each on a
free 127.0.0.1 port, with:

- Debian's nginx (a throw-away config in the temp dir: ``gzip_static``, the build's
  ``.gz`` twins, the cache rules of ``webapp/headers.py``);
- the Procfile's ``web:`` command as it is (``PORT`` and ``HOST`` set): the
  production server, WhiteNoise in front of Flask;
- gunicorn (``--preload --workers W``, sync workers) over the same app, the server
  used before granian, for comparison (``pip install -e '.[bench]'``).

Debian's ``wrk`` (``Accept-Encoding: gzip``, a Lua script that walks through every
English page and every asset, ``sw.js`` and the icons in turn) loads each server in
turn, one round after another (``--rounds``), so a change in the machine's load hits
every server alike. Prints the median requests/s of the rounds with their range,
latency, errors, and each server's share of nginx's rate.

Run: ``.venv/bin/python bench/bench_static.py [--seconds 10] [--rounds 3] [--workers 2]``
(nginx and wrk are installed with apt-get when missing and run as root; otherwise it
says what to install).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT]

from bench_api import app_env, free_port, wait_for  # noqa: E402

NGINX_CONF = """\
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    types {{ application/manifest+json webmanifest; }}
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {tmp}/nginx-tmp;
    proxy_temp_path {tmp}/nginx-tmp;
    fastcgi_temp_path {tmp}/nginx-tmp;
    uwsgi_temp_path {tmp}/nginx-tmp;
    scgi_temp_path {tmp}/nginx-tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
        gzip_static on;
        location /assets/ {{ add_header Cache-Control "public, max-age=31536000, immutable"; }}
        location / {{ add_header Cache-Control "no-cache"; try_files $uri $uri/ =404; }}
    }}
}}
"""


#: Cycles through the URLs, one per request, on every connection (wrk's Lua API).
WRK_SCRIPT = """\
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})
end
"""


def site_urls(build: str) -> list[str]:
    """Every English page (as its directory URL), every asset and icon, and ``/sw.js``."""
    urls = ["/sw.js"]
    for top in ("en", "assets"):
        for folder, _, files in sorted(os.walk(os.path.join(build, top))):
            for name in sorted(files):
                if name.endswith((".gz", ".br")):
                    continue
                url = "/" + os.path.relpath(os.path.join(folder, name), build)
                urls.append(url[: -len("index.html")] if name == "index.html" else url)
    return urls


def wrk(url: str, script: str, seconds: float, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds:.0f}s",
            "--latency",
            "-s",
            script,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def procfile_web() -> str:
    """The Procfile's ``web:`` command."""
    with open(os.path.join(ROOT, "Procfile"), encoding="utf-8") as f:
        [command] = [line.split(":", 1)[1].strip() for line in f if line.startswith("web:")]
    return command


def ensure_tools() -> str:
    """nginx's path; nginx and wrk are installed from Debian when missing and we are root."""

    def missing():
        return [
            tool
            for tool in ("nginx", "wrk")
            if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}")
        ]

    if missing() and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(missing())} (apt-get)", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *missing()],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if missing():
        raise SystemExit(f"{' '.join(missing())} missing: sudo apt-get install nginx wrk")
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise SystemExit("gunicorn missing: .venv/bin/pip install -e '.[bench]'") from None
    return shutil.which("nginx") or "/usr/sbin/nginx"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per server and round (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all servers (3)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn/nginx workers (2; the Procfile says its own)",
    )
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    nginx = ensure_tools()
    web = procfile_web()

    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # nginx workers run as an unprivileged user
        env = app_env(tmp, f"sqlite:///{tmp}/bench.sqlite3")
        build = f"{tmp}/build"
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "webapp", "build", "--out", build],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        urls = site_urls(build)
        script = f"{tmp}/site.lua"
        with open(script, "w") as f:
            f.write(WRK_SCRIPT % ", ".join(f'"{url}"' for url in urls))

        os.makedirs(f"{tmp}/nginx-tmp")
        ports = {"nginx": free_port(), "procfile": free_port(), "gunicorn": free_port()}
        with open(f"{tmp}/nginx.conf", "w") as f:
            f.write(
                NGINX_CONF.format(workers=args.workers, tmp=tmp, port=ports["nginx"], root=build)
            )
        web_env = {k: v for k, v in env.items() if not k.startswith("GRANIAN_")}
        web_env.update(
            PORT=str(ports["procfile"]),
            HOST="127.0.0.1",
            PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
        )
        servers = {
            "nginx": subprocess.Popen(
                [nginx, "-p", tmp, "-c", f"{tmp}/nginx.conf", "-e", "stderr"]
            ),
            # Its own session: the server and its workers are stopped together.
            "procfile": subprocess.Popen(
                ["bash", "-c", f"exec {web}"], cwd=ROOT, env=web_env, start_new_session=True
            ),
            "gunicorn": subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--preload",
                    "--workers",
                    str(args.workers),
                    "--bind",
                    f"127.0.0.1:{ports['gunicorn']}",
                    "--log-level",
                    "warning",
                    "webapp:create_app()",
                ],
                cwd=ROOT,
                env=env,
            ),
        }
        try:
            for port in ports.values():
                wait_for(f"http://127.0.0.1:{port}/en/", timeout=120)
            results: dict[str, list[dict]] = {name: [] for name in ports}
            for _ in range(args.rounds):
                for name, port in ports.items():
                    results[name].append(
                        wrk(f"http://127.0.0.1:{port}", script, args.seconds, args.connections)
                    )
        finally:
            for name, server in servers.items():
                if name == "procfile":
                    os.killpg(server.pid, signal.SIGTERM)
                else:
                    server.terminate()
                server.wait(timeout=30)

    print(
        f"static files on 127.0.0.1, {os.cpu_count()} CPUs shared with wrk; {len(urls)} URLs "
        f"(every English page and asset, sw.js), {args.connections} connections, gzip, "
        f"{args.rounds} rounds of {args.seconds:.0f} s; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"procfile = {web}")
    print(f"gunicorn = --preload --workers {args.workers} (sync); nginx {args.workers} workers")
    base = statistics.median(r["rps"] for r in results["nginx"])
    for name, runs in results.items():
        rates = [r["rps"] for r in runs]
        rate = statistics.median(rates)
        print(
            f"{name:9} {rate:8.0f} req/s (range {min(rates):.0f}-{max(rates):.0f})  "
            f"p50 {statistics.median(r['p50'] for r in runs):6.2f} ms  "
            f"p99 {statistics.median(r['p99'] for r in runs):6.2f} ms  "
            f"errors {sum(r['errors'] for r in runs)} "
            f"{' '.join(r['socket_errors'] for r in runs)}  "
            f"{rate / base:.3f} of nginx" + ("  (target >= 0.30)" if name == "procfile" else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
