"""Static files: the same build served by WhiteNoise under gunicorn and by nginx, on loopback.

Builds the site once (``flask build --out``) into a temp dir, serves it with
``gunicorn --workers W "webapp:create_app()"`` (WhiteNoise in front of Flask) and
with Debian's nginx (a throw-away config in the temp dir: ``gzip_static``, the
build's ``.gz`` twins), each on a free 127.0.0.1 port, and loads both with
Debian's ``wrk`` (``Accept-Encoding: gzip``) for the same guide page and asset.
Prints requests/s and latency for each, and the nginx/WhiteNoise ratio.

Run: ``.venv/bin/python bench/bench_static.py [--seconds 15] [--workers 2] [--connections 32]``
(needs ``apt-get install nginx wrk``).
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
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


def wrk(url: str, seconds: float, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s", "--latency",
         "-H", "Accept-Encoding: gzip", url],
        check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"),
            "errors": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="per server and URL (15)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn/nginx workers (2)")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            raise SystemExit(f"{tool} missing: apt-get install nginx wrk")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"

    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # nginx workers run as an unprivileged user
        env = app_env(tmp, f"sqlite:///{tmp}/bench.sqlite3")
        build = f"{tmp}/build"
        subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", "build", "--out", build],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        css = os.path.relpath(sorted(glob.glob(f"{build}/assets/*.css"))[0], build)
        paths = ["/en/azercell/", f"/{css}"]

        os.makedirs(f"{tmp}/nginx-tmp")
        nginx_port, app_port = free_port(), free_port()
        with open(f"{tmp}/nginx.conf", "w") as f:
            f.write(NGINX_CONF.format(workers=args.workers, tmp=tmp, port=nginx_port, root=build))
        servers = {
            "whitenoise": subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(args.workers),
                 "--bind", f"127.0.0.1:{app_port}", "--log-level", "warning",
                 "webapp:create_app()"], cwd=ROOT, env=env),
            "nginx": subprocess.Popen([nginx, "-p", tmp, "-c", f"{tmp}/nginx.conf", "-e",
                                       "stderr"]),
        }
        ports = {"whitenoise": app_port, "nginx": nginx_port}
        try:
            results = {}
            for name, port in ports.items():
                wait_for(f"http://127.0.0.1:{port}{paths[0]}")
                for path in paths:
                    results[name, path] = wrk(f"http://127.0.0.1:{port}{path}", args.seconds,
                                              args.connections)
        finally:
            for server in servers.values():
                server.terminate()
                server.wait(timeout=30)

    print(f"static files on 127.0.0.1, {os.cpu_count()} CPUs shared with wrk; "
          f"{args.workers} workers each, {args.connections} connections, gzip")
    for path in paths:
        for name in ports:
            r = results[name, path]
            print(f"{name:10} {path:32} {r['rps']:8.0f} req/s  p50 {r['p50']:6.2f} ms  "
                  f"p99 {r['p99']:6.2f} ms  errors {r['errors']} {r['socket_errors']}")
        ratio = results["nginx", path]["rps"] / results["whitenoise", path]["rps"]
        print(f"{'':10} {path:32} nginx / WhiteNoise = {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
