"""A real gRPC client (python3-grpcio): calls the three methods of grpc_echo_server.py through
the gateway and prints one line per result.

  grpc_echo_client.py TARGET plain
  grpc_echo_client.py TARGET tls ROOT_PEM_FILE SERVER_NAME
"""
import sys

import grpc

target, mode = sys.argv[1], sys.argv[2]
if mode == "tls":
    with open(sys.argv[3], "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    channel = grpc.secure_channel(target, credentials, options=[("grpc.ssl_target_name_override", sys.argv[4])])
else:
    channel = grpc.insecure_channel(target)

say = channel.unary_unary("/mesh.Echo/Say")
count = channel.unary_stream("/mesh.Echo/Count")
fail = channel.unary_unary("/mesh.Echo/Fail")

print("say " + say(b"hello", timeout=20).decode(), flush=True)
print("count " + ",".join(m.decode() for m in count(b"5", timeout=20)), flush=True)
try:
    fail(b"x", timeout=20)
    print("fail none", flush=True)
except grpc.RpcError as e:
    print(f"fail {e.code().name} {e.details()}", flush=True)
