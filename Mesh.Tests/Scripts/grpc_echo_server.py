"""A real gRPC server (Debian's python3-grpcio) for the h2_backend tests, with no generated code:
methods are raw-bytes generic handlers. Prints "ready PORT" once listening on 127.0.0.1.

  /mesh.Echo/Say     unary: answers "instance=NAME;region=<fly-region metadata>;got=<request>"
  /mesh.Echo/Count   server streaming: request is a number N, answers "1".."N"
  /mesh.Echo/Fail    unary: fails with NOT_FOUND "nothing here"
"""
import sys
from concurrent import futures

import grpc

name = sys.argv[1]


def say(request, context):
    metadata = dict(context.invocation_metadata())
    return f"instance={name};region={metadata.get('fly-region', '')};got={request.decode()}".encode()


def count(request, context):
    for i in range(1, int(request.decode()) + 1):
        yield str(i).encode()


def fail(request, context):
    context.abort(grpc.StatusCode.NOT_FOUND, "nothing here")


handlers = grpc.method_handlers_generic_handler("mesh.Echo", {
    "Say": grpc.unary_unary_rpc_method_handler(say),
    "Count": grpc.unary_stream_rpc_method_handler(count),
    "Fail": grpc.unary_unary_rpc_method_handler(fail),
})
server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
server.add_generic_rpc_handlers((handlers,))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"ready {port}", flush=True)
server.wait_for_termination()
