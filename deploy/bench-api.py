#!/usr/bin/env python3
"""Load on the tenant API (docs/api.md): N concurrent clients for D seconds against
GET /v1/apps, then against deploys (PUT /v1/apps/{app}, each client its own app).
Prints p50/p99 latency and requests/s for each. Python 3 standard library only.

  deploy/bench-api.py [--api URL] [--token T] [--clients 50] [--duration 10]

Without --api/--token it reads MESH_API_URL/MESH_API_TOKEN, else DATA/api.json and
DATA/operator.token of the embedded mesh (--data-dir, MESH_DATA_DIR, ~/.mesh). The
token must be allowed to create and destroy apps (operator or org token).
"""
import argparse
import http.client
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
import uuid

FLY_TOML = """app = "{app}"
primary_region = "ams"

[http_service]
  internal_port = 8080
"""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--api", default=os.environ.get("MESH_API_URL"))
    p.add_argument("--token", default=os.environ.get("MESH_API_TOKEN"))
    p.add_argument("--data-dir", default=os.environ.get("MESH_DATA_DIR", os.path.expanduser("~/.mesh")))
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    p.add_argument("--org", default=None, help="org of the bench apps (default: the token's)")
    p.add_argument("--insecure", action="store_true", help="HTTPS without verifying the certificate")
    p.add_argument("--cacert", default=None, help="CA file for HTTPS")
    p.add_argument("--keep", action="store_true", help="keep the bench apps")
    args = p.parse_args()
    if not args.api:
        try:
            with open(os.path.join(args.data_dir, "api.json")) as f:
                args.api = json.load(f)["url"]
        except (OSError, ValueError, KeyError):
            sys.exit("bench-api: no --api, MESH_API_URL or readable %s/api.json" % args.data_dir)
    if not args.token:
        try:
            with open(os.path.join(args.data_dir, "operator.token")) as f:
                args.token = f.read().strip()
        except OSError:
            sys.exit("bench-api: no --token, MESH_API_TOKEN or readable %s/operator.token" % args.data_dir)
    if args.clients < 1 or args.duration <= 0:
        sys.exit("bench-api: --clients and --duration must be positive")
    return args


class Api:
    """One keep-alive connection per client, as a CLI or CI job holding a connection would."""

    def __init__(self, url, token, context):
        u = urllib.parse.urlsplit(url)
        self.https = u.scheme == "https"
        self.host, self.port = u.hostname, u.port or (443 if self.https else 80)
        self.context, self.token = context, token
        self.conn = None

    def request(self, method, path, body=None, content_type="application/json"):
        headers = {"Authorization": "Bearer " + self.token}
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = (http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=30)
                             if self.https else http.client.HTTPConnection(self.host, self.port, timeout=30))
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def close(self):
        if self.conn is not None:
            self.conn.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100.0 * (len(sorted_values) - 1))))]


def run_phase(name, clients, duration, make_call):
    """Each client calls make_call(i, api) in a loop until the deadline; latencies of 2xx answers count."""
    latencies, errors, lock = [], [0], threading.Lock()
    start_gate = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def worker(i, api):
        mine, failed = [], 0
        start_gate.wait()
        while time.monotonic() < deadline[0]:
            t0 = time.perf_counter()
            try:
                status, _ = make_call(i, api)
                ok = 200 <= status < 300
            except (http.client.HTTPException, OSError):
                ok = False
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(i, api), daemon=True) for i, api in enumerate(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + duration
    began = time.monotonic()
    start_gate.wait()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    print("%-14s clients=%d duration=%.1fs requests=%d errors=%d req/s=%.1f p50=%.2fms p99=%.2fms" % (
        name, len(clients), elapsed, len(latencies), errors[0], len(latencies) / elapsed,
        percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000))


def main():
    args = parse_args()
    context = None
    if args.api.startswith("https"):
        context = ssl.create_default_context(cafile=args.cacert)
        if args.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    clients = [Api(args.api, args.token, context) for _ in range(args.clients)]
    run = uuid.uuid4().hex[:6]
    apps = ["bench-%s-%d" % (run, i) for i in range(args.clients)]

    for app, api in zip(apps, clients):
        body = {"name": app}
        if args.org:
            body["org"] = args.org
        status, text = api.request("POST", "/v1/apps", json.dumps(body))
        if status != 201:
            sys.exit("bench-api: cannot create %s: %d %s" % (app, status, text.decode(errors="replace")))
    try:
        run_phase("GET /v1/apps", clients, args.duration, lambda i, api: api.request("GET", "/v1/apps?limit=100"))
        run_phase("PUT deploy", clients, args.duration,
                  lambda i, api: api.request("PUT", "/v1/apps/" + apps[i], FLY_TOML.format(app=apps[i]), "application/toml"))
    finally:
        if not args.keep:
            for app, api in zip(apps, clients):
                api.request("DELETE", "/v1/apps/" + app)
        for api in clients:
            api.close()


if __name__ == "__main__":
    main()
