"""The PyTorch anchor for `jgrad serve`: the same MLP (784-512-256-10, eval mode) behind the standard library's
HTTP server, one request at a time, as a minimal PyTorch serving script writes it: POST /predict with
{"instances": [[...], ...]} parsed by json, one batch through the model under torch.inference_mode(), the softmax's
top 3 per instance answered as JSON. The weights are random (the speed does not depend on them).

Run: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 docs/bench/torch_serve.py \\
         --port 8094 [--threads 2]    then docs/bench/serve_load.py --url http://127.0.0.1:8094 ...
"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, HTTPServer

import torch
from torch import nn

MODEL = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 256), nn.ReLU(),
                      nn.Dropout(0.2), nn.Linear(256, 10)).eval()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        x = torch.tensor(json.loads(body)["instances"], dtype=torch.float32)
        with torch.inference_mode():
            p = torch.softmax(MODEL(x), dim=1)
        top = torch.topk(p, 3, dim=1)
        predictions = [{"label": int(i[0]), "probability": float(v[0]),
                        "top": [{"label": int(a), "probability": float(b)} for a, b in zip(i, v)]}
                       for i, v in zip(top.indices.tolist(), top.values.tolist())]
        answer = json.dumps({"predictions": predictions}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8094)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    HTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
