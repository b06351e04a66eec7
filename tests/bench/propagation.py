#!/usr/bin/env python3
"""Config propagation benchmark (prints figures; not a test).

For each shape (routes per Ingress: 10, and 1 as in clusters of thousands of small Ingresses) and each table
size (default 10, 1000 and 10000 routes) it starts a fresh fleet on this machine
(redis-server and 3 silo processes, the host published as the image ships it: ReadyToRun; access logs off, so
the polls are not logged), then makes changes until tiered compilation settles on every silo, then CHANGES
manifest changes, each adding or changing one route, and measures the time from the file write to every silo
serving it (each silo's own port is polled). The first change after start is reported alone. It also times a cold 4th silo from process start to serving the whole table, and reads
each silo's memory (RSS). Results: a markdown table on stdout and a JSON file in artifacts/bench/.

  python3 tests/bench/propagation.py [--sizes 10,1000,10000] [--per-ingress 10,1] [--changes 60] [--starts 1] [--silo-args="..."]
"""
import argparse, http.client, json, os, shutil, signal, statistics, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(__file__))
import manifests

from benchlib import PUBLISHED_HOST_BIN as HOST_BIN, REPO, jit_methods, publish_host, free_port, machine, percentile, rss_mib, wait_http


class Fleet:
    def __init__(self, folder, workdir, silo_args=()):
        self.folder, self.workdir, self.procs, self.silos, self.silo_args = folder, workdir, [], [], list(silo_args)
        self.redis_port = free_port()
        self._start("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])

    def _start(self, name, args):
        log = open(os.path.join(self.workdir, f"{name}.log"), "w")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def start_silo(self, name):
        http_port, admin_port, silo_port, gateway_port = (free_port() for _ in range(4))
        proc = self._start(name, [HOST_BIN, "--cluster", "redis", "--redis", f"127.0.0.1:{self.redis_port}", "--name", name,
                                  "--manifests", self.folder, "--listen-address", "127.0.0.1",
                                  "--http-port", str(http_port), "--admin-port", str(admin_port),
                                  "--silo-port", str(silo_port), "--gateway-port", str(gateway_port), "--https-port", "0",
                                  "--shutdown-delay", "0", "--access-log", "off", "--Logging:LogLevel:Default=Warning", *self.silo_args])
        silo = {"name": name, "proc": proc, "http": http_port, "admin": admin_port}
        self.silos.append(silo)
        return silo

    def wait_ready(self, silo, timeout=300):
        wait_http(silo["admin"], path="/healthz/ready", ok=lambda status: status == 200, timeout=timeout, proc=silo["proc"])

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()


def wait_all_serve(silos, host, path, expect, timeout=30):
    """Polls every silo until each answers `expect(status)`; returns the time when the last one did."""
    done = {}

    def poll(silo):
        conn = http.client.HTTPConnection("127.0.0.1", silo["http"], timeout=2)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                conn.request("GET", path, headers={"Host": host})
                response = conn.getresponse()
                response.read()
                if expect(response.status):
                    done[silo["name"]] = time.perf_counter()
                    return
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", silo["http"], timeout=2)
            time.sleep(0.001)

    threads = [threading.Thread(target=poll, args=(s,)) for s in silos]
    [t.start() for t in threads]
    [t.join() for t in threads]
    if len(done) != len(silos):
        raise RuntimeError(f"change not served by every silo within {timeout} s")
    return max(done.values())


def start_fleet(fleet, routes, per_ingress):
    """Starts three silos at once; returns them and the seconds until every one serves the table's last route."""
    silos = [fleet.start_silo(f"silo-{i}") for i in (1, 2, 3)]
    started = time.perf_counter()
    for silo in silos:
        fleet.wait_ready(silo)
    host, path = manifests.request_for(routes - 1, per_ingress)
    wait_all_serve(silos, host, path, lambda s: s != 404, timeout=120)
    return silos, time.perf_counter() - started


def extra_starts(folder, routes, per_ingress, count, workdir, silo_args):
    """Fleet starts beyond the measured run's own, each a fresh fleet (Redis included), for their spread."""
    seconds = []
    for _ in range(count):
        fleet = Fleet(folder, workdir, silo_args)
        try:
            seconds.append(start_fleet(fleet, routes, per_ingress)[1])
        finally:
            fleet.stop()
    return seconds


def run_size(routes, per_ingress, changes, warmup, workdir, silo_args, starts=1):
    folder = os.path.join(workdir, f"manifests-{routes}-{per_ingress}")
    manifests.write(folder, routes, per_ingress=per_ingress)
    other_starts = extra_starts(folder, routes, per_ingress, starts - 1, workdir, silo_args)
    fleet = Fleet(folder, workdir, silo_args)
    try:
        silos, initial_load = start_fleet(fleet, routes, per_ingress)
        host, path = manifests.request_for(routes - 1, per_ingress)

        change_file = os.path.join(folder, "zz-change.yaml")
        count = 0

        def change():
            nonlocal count
            change_host = f"change-{count}.bench.test"
            count += 1
            text = manifests._ingress(f"change", [0], "bench", 80).replace('"h0.bench.test"', f'"{change_host}"')
            written = time.perf_counter()
            manifests.write_atomically(change_file, text + "\n")
            served = wait_all_serve(silos, change_host, "/p0", lambda s: s != 404)
            time.sleep(0.05)
            return (served - written) * 1000

        first_change = change()
        for _ in range(warmup - 1):
            change()

        # Then changes until tiered compilation has settled on every silo (each compiled fewer than 5 methods over
        # two 5-s windows in a row, at most 120 s): for tens of seconds after a start the JIT recompiles hot code on
        # the same two cores, and what is measured next is a fleet in steady state, as most of a fleet's life is.
        settle_started, windows = time.perf_counter(), [[jit_methods(s["admin"]) for s in silos]]
        while time.perf_counter() - settle_started < 120:
            window_end = time.perf_counter() + 5
            while time.perf_counter() < window_end:
                change()
            windows.append([jit_methods(s["admin"]) for s in silos])
            if len(windows) >= 3 and all(now - before < 5 for now, before in zip(windows[-1], windows[-3])):
                break
        settled_s = time.perf_counter() - settle_started

        latencies = [change() for _ in range(changes)]

        # A cold silo joins the loaded fleet: from process start to serving the last route of the table.
        cold_started = time.perf_counter()
        cold = fleet.start_silo("silo-cold")
        fleet.wait_ready(cold)
        wait_all_serve([cold], host, path, lambda s: s != 404, timeout=120)
        cold_seconds = time.perf_counter() - cold_started

        memory = {s["name"]: round(rss_mib(s["proc"].pid), 1) for s in fleet.silos}
        return {
            "routes": routes,
            "routes_per_ingress": per_ingress,
            "ingresses": (routes + per_ingress - 1) // per_ingress,
            "silos": 3,
            "changes": changes,
            "propagation_ms": {
                "p50": round(percentile(latencies, 50), 1),
                "p90": round(percentile(latencies, 90), 1),
                "p99": round(percentile(latencies, 99), 1),
                "max": round(max(latencies), 1),
                "mean": round(statistics.mean(latencies), 1),
            },
            "latencies_ms": [round(x, 1) for x in latencies],
            "warmup_changes": warmup,
            "jit_settled_after_s": round(settled_s, 1),
            "first_change_ms": round(first_change, 1),
            "fleet_start_to_serving_s": round(initial_load, 2),
            "fleet_starts_s": sorted(round(x, 2) for x in [initial_load, *other_starts]),
            "cold_silo_to_serving_s": round(cold_seconds, 2),
            "rss_mib": memory,
        }
    finally:
        fleet.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,1000,10000")
    parser.add_argument("--per-ingress", default="10,1", help="routes per Ingress, one shape each")
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--warmup-changes", type=int, default=5, help="changes made and not measured first (the first one is reported alone)")
    parser.add_argument("--silo-args", default="", help="extra options for every silo (--silo-args=\"--X=Y\")")
    parser.add_argument("--starts", type=int, default=1, help="fleet starts timed per size (each a fresh fleet); all are listed, sorted")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    publish_host()

    workdir = tempfile.mkdtemp(prefix="ingressfleet-bench-")
    results = {"benchmark": "propagation", "machine": machine(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": []}
    for per_ingress in (int(s) for s in args.per_ingress.split(",")):
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"running {size} routes, {per_ingress} per Ingress...", file=sys.stderr)
            results["runs"].append(run_size(size, per_ingress, args.changes, args.warmup_changes, workdir, args.silo_args.split(), args.starts))

    m = results["machine"]
    print(f"\nConfig propagation, 3 silos + Redis on one machine ({m['cores']} cores, {m['cpu']}); {args.changes} changes measured per size after {args.warmup_changes} unmeasured and then more until the JIT settled\n")
    print("| routes | Ingresses | first change ms | JIT settled after s | p50 ms | p90 ms | p99 ms | max ms | fleet start to serving s | cold silo to serving s | RSS per silo MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results["runs"]:
        p = r["propagation_ms"]
        rss = ", ".join(f"{v:.0f}" for v in r["rss_mib"].values())
        print(f"| {r['routes']} | {r['ingresses']} | {r['first_change_ms']} | {r['jit_settled_after_s']} | {p['p50']} | {p['p90']} | {p['p99']} | {p['max']} | {r['fleet_start_to_serving_s']} | {r['cold_silo_to_serving_s']} | {rss} |")
    if args.starts > 1:
        print("\n| routes | Ingresses | fleet starts to serving s (sorted) | median s |")
        print("|---:|---:|---|---:|")
        for r in results["runs"]:
            print(f"| {r['routes']} | {r['ingresses']} | {', '.join(f'{x:.2f}' for x in r['fleet_starts_s'])} | {statistics.median(r['fleet_starts_s']):.2f} |")
    out_dir = os.path.join(REPO, "artifacts", "bench")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, f"propagation-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"\nJSON: {out}\nlogs: {workdir}")


if __name__ == "__main__":
    main()
