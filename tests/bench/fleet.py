#!/usr/bin/env python3
"""Fleet-wide health and limits benchmark (prints figures; not a test).

A redis-server and three IngressFleet silos on 127.0.0.1, with BenchApps backends:
  1. limit cost: wrk through one silo to the same backend by two routes, one without a limit and one with a
     connection limit that is never hit (100,000); rounds interleaved; the ratio is the price of enforcement
     (a permit taken and given back per request, leases renewed in the background).
  2. ejection: load through all three silos on a pool of backends; each backend in turn is SIGKILLed and the
     time until every silo's /api/v1/health shows it ejected is measured (p50/p99 over --kills kills).
  3. utilization under skew: a backend taking --service-ms per request behind max-connections --limit; wrk
     sends most of the load through one silo; the backend reports its own peak concurrency and throughput.
  4. idle: no traffic, no change; after --settle s, each silo's CPU (user + system, from /proc) over
     --idle-seconds, as a share of one core: the fleet's background work on the cores that serve requests.
     --silo-args adds options to every silo (e.g. --silo-args="--IngressFleet:StreamPollInterval=00:00:00.200") to
     attribute it.

  python3 tests/bench/fleet.py [--kills 20] [--limit 20] [--service-ms 100] [--seconds 10]
                               [--parts cost,ejection,skew,idle] [--settle 60] [--idle-seconds 30] [--silo-args "..."]
"""
import argparse, json, os, signal, statistics, subprocess, sys, tempfile, threading, time, urllib.request
sys.path.insert(0, os.path.dirname(__file__))
import manifests
from benchlib import BENCH_APPS_BIN, PUBLISHED_HOST_BIN as HOST_BIN, Processes, build_release, publish_host, ensure_packages, free_port, machine, percentile, wait_http

HERE = os.path.dirname(os.path.abspath(__file__))
DOTNET_ENV = {"DOTNET_TC_CallCountingDelayMs": "0"}


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def wrk(port, host, connections, seconds):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-H", f"Host: {host}",
                          "-s", os.path.join(HERE, "report.lua"), f"http://127.0.0.1:{port}/"],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def ingress(name, host, service, annotations=None):
    meta = f"  name: {name}\n"
    if annotations:
        meta += "  annotations:\n" + "".join(f"    {k}: \"{v}\"\n" for k, v in annotations.items())
    return (f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n{meta}spec:\n  rules:\n    - host: {host}\n"
            f"      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n"
            f"              service:\n                name: {service}\n                port:\n                  number: 80\n")


def pool_service(name, ports):
    slice_ = ("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n"
              f"  name: {name}-1\n  labels:\n    kubernetes.io/service-name: {name}\naddressType: IPv4\n"
              "ports:\n  - port: PORT\nendpoints:\n")
    docs = [f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  ports:\n    - port: 80"]
    for i, port in enumerate(ports):
        docs.append(slice_.replace(f"{name}-1", f"{name}-{i}").replace("PORT", str(port)) + "  - addresses: [\"127.0.0.1\"]")
    return "\n---\n".join(docs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--service-ms", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parts", default="cost,ejection,skew", help="which of cost, ejection, skew, idle to run")
    parser.add_argument("--settle", type=int, default=60, help="idle: seconds after start before measuring")
    parser.add_argument("--idle-seconds", type=int, default=30)
    parser.add_argument("--silo-args", default="", help="extra options for every silo")
    args = parser.parse_args()
    ensure_packages("wrk", "redis-server")
    build_release("tests/bench/BenchApps")
    publish_host()
    workdir = tempfile.mkdtemp(prefix="ingressfleet-fleet-bench-")
    procs = Processes(workdir)
    try:
        redis_port = free_port()
        procs.start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        fast_port, slow_port = free_port(), free_port()
        procs.start("fast", [BENCH_APPS_BIN, "backend", str(fast_port)], env=DOTNET_ENV)
        procs.start("slow", [BENCH_APPS_BIN, "slow", str(slow_port), str(args.service_ms)], env=DOTNET_ENV)
        pool_ports = [free_port() for _ in range(args.kills + 1)]
        pool = {port: procs.start(f"pool-{port}", [BENCH_APPS_BIN, "backend", str(port)], env=DOTNET_ENV) for port in pool_ports}
        folder = os.path.join(workdir, "manifests")
        os.makedirs(folder)
        with open(os.path.join(folder, "bench.yaml"), "w") as f:
            f.write("\n---\n".join([
                ingress("free", "free.test", "fast"),
                ingress("capped", "capped.test", "fast", {"ingressfleet.io/max-connections": "100000"}),
                ingress("pool", "pool.test", "pool"),
                ingress("slow", "slow.test", "slow", {"ingressfleet.io/max-connections": str(args.limit),
                                                      "ingressfleet.io/max-queue": "100000", "ingressfleet.io/max-queue-timeout": "60s"}),
                manifests.service("fast", 80, fast_port),
                manifests.service("slow", 80, slow_port),
                pool_service("pool", pool_ports),
            ]) + "\n")
        silos = []
        for i in range(1, 4):
            http, admin, silo, gateway = (free_port() for _ in range(4))
            procs.start(f"silo-{i}", [HOST_BIN, "--cluster", "redis", "--redis", f"127.0.0.1:{redis_port}", "--name", f"silo-{i}",
                                      "--manifests", folder, "--listen-address", "127.0.0.1", "--http-port", str(http), "--https-port", "0",
                                      "--admin-port", str(admin), "--silo-port", str(silo), "--gateway-port", str(gateway),
                                      "--access-log", "off", "--shutdown-delay", "0", "--Logging:LogLevel:Default=Warning", *args.silo_args.split()], env=DOTNET_ENV)
            silos.append({"name": f"silo-{i}", "http": http, "admin": admin, "proc": procs.procs[-1]})
        for s in silos:
            wait_http(s["admin"], path="/healthz/ready", ok=lambda status: status == 200)
        print(machine(), file=sys.stderr)

        parts = args.parts.split(",")

        # 1. The price of a limit that is never hit.
        if "cost" in parts:
            measure_cost(args, silos)
        if "ejection" in parts:
            measure_ejection(args, silos, procs, pool, pool_ports)
        if "skew" in parts:
            measure_skew(args, silos, slow_port)
        if "idle" in parts:
            measure_idle(args, silos)
    finally:
        procs.stop()


def cpu_seconds(pid):
    """User + system CPU seconds of a process and its threads, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_idle(args, silos):
    time.sleep(args.settle)
    before = [cpu_seconds(s["proc"].pid) for s in silos]
    time.sleep(args.idle_seconds)
    after = [cpu_seconds(s["proc"].pid) for s in silos]
    shares = [(a - b) / args.idle_seconds * 100 for a, b in zip(after, before)]
    print(f"\n## Idle CPU per silo ({len(silos)} silos, no traffic, measured over {args.idle_seconds} s after {args.settle} s; options: {args.silo_args or 'defaults'})\n")
    print("| silo | % of one core |\n|---|---:|")
    for s, share in zip(silos, shares):
        print(f"| {s['name']} | {share:.1f} |")
    print(f"| mean | {statistics.mean(shares):.1f} |")


def measure_cost(args, silos):
    for host in ("free.test", "capped.test"):
        wrk(silos[0]["http"], host, 32, 20)
    samples = {"free.test": [], "capped.test": []}
    for r in range(args.rounds):
        for host in samples:
            samples[host].append(wrk(silos[0]["http"], host, 32, 5)["rps"])
            print(f"round {r + 1} {host}: {samples[host][-1]:.0f} rps", file=sys.stderr)
    free, capped = statistics.median(samples["free.test"]), statistics.median(samples["capped.test"])
    print(f"\n## Limit cost (one silo, wrk -c32, {args.rounds} interleaved rounds of 5 s, medians)\n")
    print(f"| route | req/s | ratio |\n|---|---:|---:|\n| no limit | {free:.0f} | 1.00 |\n| max-connections 100000 (never hit) | {capped:.0f} | {capped / free:.2f} |")



def measure_ejection(args, silos, procs, pool, pool_ports):
    """Time from a backend's death to its ejection on every silo."""
    stop = threading.Event()

    def load(port):
        while not stop.is_set():
            subprocess.run(["wrk", "-t1", "-c4", "-d2s", "-H", "Host: pool.test", f"http://127.0.0.1:{port}/"], capture_output=True)

    loaders = [threading.Thread(target=load, args=(s["http"],), daemon=True) for s in silos]
    for t in loaders:
        t.start()
    time.sleep(2)
    times = []
    for port in pool_ports[:args.kills]:
        address = f"127.0.0.1:{port}"
        procs.stop(pool[port])
        killed = time.time()
        pending = {s["name"] for s in silos}
        while pending and time.time() - killed < 30:
            for s in silos:
                if s["name"] in pending:
                    health = get_json(f"http://127.0.0.1:{s['admin']}/api/v1/health")
                    for b in health["backends"]:
                        if b["backend"] == "default/pool:80" and any(d["destination"] == address and not d["healthy"] for d in b["destinations"]):
                            pending.discard(s["name"])
            time.sleep(0.005)
        times.append((time.time() - killed) * 1000)
        print(f"kill {len(times)}: ejected on every silo after {times[-1]:.0f} ms", file=sys.stderr)
        time.sleep(0.3)
    stop.set()
    for t in loaders:
        t.join()
    print(f"\n## Time from a backend's SIGKILL to its ejection on all 3 silos ({len(times)} kills under load, polling every 5 ms)\n")
    print(f"| p50 | p99 | max |\n|---:|---:|---:|\n| {percentile(times, 50):.0f} ms | {percentile(times, 99):.0f} ms | {max(times):.0f} ms |")



def measure_skew(args, silos, slow_port):
    """Utilization of a limit under skewed load."""
    ideal = args.limit / (args.service_ms / 1000)
    get_json(f"http://127.0.0.1:{slow_port}/__stats")
    before = get_json(f"http://127.0.0.1:{slow_port}/__stats")["served"]
    split = [(silos[0], 60), (silos[1], 5), (silos[2], 5)]
    results = {}
    threads = [threading.Thread(target=lambda s=s, c=c: results.__setitem__(s["name"], wrk(s["http"], "slow.test", c, args.seconds))) for s, c in split]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = get_json(f"http://127.0.0.1:{slow_port}/__stats")
    throughput = (stats["served"] - before) / args.seconds
    print(f"\n## Connection limit {args.limit} under skew (wrk -c60 / -c5 / -c5 through the three silos, {args.seconds} s, backend {args.service_ms} ms per request)\n")
    print("| backend peak concurrency | backend req/s | ideal (limit / service time) | utilization | req/s by silo |\n|---:|---:|---:|---:|---|")
    print(f"| {stats['peak']} | {throughput:.0f} | {ideal:.0f} | {throughput / ideal:.0%} | "
          + ", ".join(f"{n} {results[n]['rps']:.0f}" for n in sorted(results)) + " |")


if __name__ == "__main__":
    main()
