#!/usr/bin/env python3
"""A sample app instance for the multi-region mesh (deploy/mesh-regions): an HTTP server on
[::]:PORT (every address of the instance's network namespace, so the gateways reach it at its
private 6PN address).

  GET /        "instance=ID region=REGION via=<Fly-Region header>" then the request headers
  GET /health  200, or 500 while the file $MESH_HEALTH_FILE exists (tests make checks fail)
  GET /slow    answers after 30 s (an in-flight request for the fault tests)
  POST         as GET, after reading the body
and a UDP echo on [::]:$MESH_UDP_PORT (default 5353) that answers every datagram with
"instance=ID region=REGION" (the sample's udp service, served on its dedicated IPv4).

Environment: MESH_INSTANCE, MESH_REGION, MESH_HEALTH_FILE; argument: the port (default 8080).
"""
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INSTANCE = os.environ.get("MESH_INSTANCE", "unknown")
REGION = os.environ.get("MESH_REGION", "unknown")
HEALTH_FILE = os.environ.get("MESH_HEALTH_FILE", "")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/health":
            failing = HEALTH_FILE and os.path.exists(HEALTH_FILE)
            self.answer(500 if failing else 200, "failing\n" if failing else "ok\n")
            return
        if self.path == "/slow":
            print("slow request started", flush=True)
            time.sleep(30)
        lines = [f"instance={INSTANCE} region={REGION} via={self.headers.get('Fly-Region', '-')}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        self.answer(200, "\n".join(lines) + "\n")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


class DualStackServer(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def udp_echo(udp_port):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", udp_port))
    reply = f"instance={INSTANCE} region={REGION}\n".encode()
    while True:
        _, peer = sock.recvfrom(2048)
        sock.sendto(reply, peer)


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
server = DualStackServer(("::", port), Handler)
threading.Thread(target=udp_echo, args=(int(os.environ.get("MESH_UDP_PORT", "5353")),), daemon=True).start()
print(f"sample-instance ready instance={INSTANCE} region={REGION} port={port}", flush=True)
server.serve_forever()
