"""Latency and throughput of `jgrad serve` on this machine's loopback, from one client (requests one after another).

Each request POSTs {"instances": [...]} of --batch instances, each an array of --features random values (an image's
pixels in [0, 1] for a model of images). Prints one JSON line: the median and 99th-percentile latency in ms and the
instances answered per second, after --warm-up requests that are not counted.

Run: jgrad serve --model M --port 8080 &  then  /usr/bin/python3 docs/bench/serve_load.py --url http://127.0.0.1:8080 \\
         --features 784 [--batch 1] [--requests 2000] [--warm-up 500]
"""
import argparse
import json
import random
import time
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--features", type=int, required=True)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--warm-up", type=int, default=3000)
    args = ap.parse_args()
    rng = random.Random(0)
    body = json.dumps({"instances": [[round(rng.random(), 4) for _ in range(args.features)]
                                     for _ in range(args.batch)]}).encode()
    times = []
    for i in range(args.warm_up + args.requests):
        request = urllib.request.Request(args.url + "/predict", data=body,
                                         headers={"Content-Type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request) as r:
            answer = json.loads(r.read())
        if i >= args.warm_up:
            times.append(time.perf_counter() - start)
        assert len(answer["predictions"]) == args.batch
    times.sort()
    print(json.dumps({"bench": "serve", "batch": args.batch, "requests": args.requests,
                      "p50_ms": round(1000 * times[len(times) // 2], 3),
                      "p99_ms": round(1000 * times[int(len(times) * 0.99)], 3),
                      "instances_per_sec": round(args.batch * len(times) / sum(times))}))


if __name__ == "__main__":
    main()
