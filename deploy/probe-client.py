#!/usr/bin/env python3
"""A client that keeps requesting URL (a new connection each time, every INTERVAL seconds) and
prints one line per request, for fault tests and failover measurements:

  <unix ms> ok <status> <first line of the body>
  <unix ms> fail <reason>

usage: probe-client.py URL [INTERVAL] [HEADER: VALUE ...]
"""
import http.client
import sys
import time
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.02
headers = dict(h.split(": ", 1) for h in sys.argv[3:])
print("probe-client ready", flush=True)
while True:
    started = time.time()
    try:
        conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=3)
        conn.request("GET", url.path or "/", headers=headers)
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        conn.close()
        status = "ok" if response.status == 200 else "fail"
        print(f"{int(started * 1000)} {status} {response.status} {body.splitlines()[0] if body else ''}", flush=True)
    except Exception as e:  # every failure is a data point, not a crash
        print(f"{int(started * 1000)} fail {type(e).__name__}: {e}", flush=True)
    time.sleep(max(0.0, interval - (time.time() - started)))
