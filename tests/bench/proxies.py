#!/usr/bin/env python3
"""Proxy benchmark (prints figures; not a test).

In one run, in front of the same Kestrel backend on 127.0.0.1, it loads with wrk (keep-alive, fixed
concurrencies, rounds interleaved so each target runs once per round):
  backend (direct)  the limit: the backend reached without a proxy
  nginx             reverse proxy, upstream keep-alive, workers = cores given   (peers/nginx.conf)
  haproxy           mode http, http-reuse always, threads = cores given         (peers/haproxy.cfg)
  caddy             Go reverse proxy (Traefik's class), GOMAXPROCS = cores given (peers/Caddyfile)
  yarp              bare YARP app, one route, LoadFromMemory                     (BenchApps)
  yarp-inline       the same with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, which IngressFleet's binary sets
  ingressfleet      IngressFleet standalone, one silo, one Ingress route, access log off (as nginx's here)
  ingressfleet-accesslog  the same with the default access log (JSON lines on stdout, into a file)
  ingressfleet-regex      the same, its Ingress with use-regex (every path of the host a regular expression)
  ingressfleet@REF        with --baseline REF: IngressFleet built from commit REF (a git worktree), same route,
                          so a change's per-request cost is measured against its parent in one run
  ingressfleet+NAME       with --variant NAME="ARGS": the same build started with other options, and with
                          environment variables for words env:KEY=VALUE (an A/B of one
                          option set against the defaults)
Every IngressFleet target is also compared with plain "ingressfleet" round by round: the A/B table gives the
median of the per-round ratios and their range, so a difference can be told from the noise.
then IngressFleet with 10, 1,000, 10,000 and 100,000 routes (wildcard and exact hosts, Exact and
Prefix paths) under load spread over the whole table, one host per size, all started first, each warmed until
the JIT's compiled-methods counter stops moving, then measured in interleaved rounds: throughput, p99, time
from start to serving the table, and memory.

CPU pinning (2 cores): wrk and the upstream backend share core 0; the proxy under test gets core 1 alone,
and is configured for 1 core (nginx 1 worker, HAProxy 1 thread; .NET sees 1 processor). The direct
baseline is a second backend instance on core 1, so every target is "what core 1 serves".

  python3 tests/bench/proxies.py [--seconds 10] [--rounds 3] [--concurrency 32,256]
                                 [--scale 10,1000,10000,100000] [--targets ...] [--no-scale]
                                 [--baseline REF] [--variant NAME="ARGS" ...]
  e.g. --targets ingressfleet --baseline HEAD~1 --rounds 5 --no-scale    (a change against its parent)
       --targets ingressfleet,ingressfleet-accesslog --no-scale           (the access log's cost)
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time, urllib.request
sys.path.insert(0, os.path.dirname(__file__))
import manifests
from benchlib import BENCH_APPS_BIN, PUBLISHED_HOST_BIN as HOST_BIN, REPO, Processes, build_release, jit_methods, publish_host, ensure_packages, free_port, machine, rss_mib, wait_http

HERE = os.path.dirname(os.path.abspath(__file__))
LOAD_CPU, PROXY_CPU, UPSTREAM_CPU = "0", "1", "0"
HOST = "bench.test"

# Every .NET process (backend, bare YARP, IngressFleet) alike: on one core the runtime waits 10 x 100 ms of
# no new JIT activity before it promotes hot methods to optimized code, which a busy server rarely gets, so
# it serves tier-0 code for a minute or more. 0 lets tiering start at once.
DOTNET_ENV = {"DOTNET_TC_CallCountingDelayMs": "0"}


def wrk(port, connections, seconds, script, script_args=(), host=HOST):
    command = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
               "-H", f"Host: {host}", "-s", script, f"http://127.0.0.1:{port}/"]
    if script_args:
        command += ["--", *script_args]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def fill(template, values):
    with open(os.path.join(HERE, "peers", template)) as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def start_ingressfleet(procs, workdir, folder, name, extra_args=("--access-log", "off"), binary=HOST_BIN, extra_env=None):
    ports = [free_port() for _ in range(4)]
    proc = procs.start(name, [binary, "--manifests", folder, "--listen-address", "127.0.0.1",
                              "--http-port", str(ports[0]), "--admin-port", str(ports[1]),
                              "--silo-port", str(ports[2]), "--gateway-port", str(ports[3]),
                              "--https-port", "0", "--shutdown-delay", "0", "--Logging:LogLevel:Default=Warning", *extra_args],
                       cpus=PROXY_CPU, env={**DOTNET_ENV, **(extra_env or {})})
    proc.admin_port = ports[1]
    return proc, ports[0]


def one_route(folder, upstream_port, annotations=""):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "route.yaml"), "w") as f:
        f.write(
            f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: bench\n{annotations}spec:\n  rules:\n"
            f"    - host: {HOST}\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n"
            "            backend:\n              service:\n                name: bench\n                port:\n                  number: 80\n")
    with open(os.path.join(folder, "service.yaml"), "w") as f:
        f.write(manifests.service("bench", 80, upstream_port) + "\n")
    return folder


def build_baseline(workdir, ref):
    """IngressFleet's Host as of commit ref, published (as the main target) from a git worktree; returns the binary.
    A ref from before ReadyToRun left the request path to the JIT (PublishReadyToRunExclude) is precompiled whole,
    which costs it a few percent: compare such refs with a plain build instead."""
    tree = os.path.join(workdir, "baseline")
    subprocess.run(["git", "-C", REPO, "worktree", "add", "--detach", tree, ref], check=True, capture_output=True)
    return publish_host(tree, os.path.join(workdir, "baseline-publish"))


def start_targets(procs, workdir, upstream_port, wanted, baseline=None, variants=()):
    targets = {}
    if "backend" in wanted:
        port = free_port()
        proc = procs.start("backend-direct", [BENCH_APPS_BIN, "backend", str(port)], cpus=PROXY_CPU, env=DOTNET_ENV)
        targets["backend (direct)"] = (port, proc)
    if "nginx" in wanted:
        port = free_port()
        conf = os.path.join(workdir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(fill("nginx.conf", {"WORKERS": 1, "PORT": port, "UPSTREAM_PORT": upstream_port, "RUN_DIR": workdir}))
        targets["nginx"] = (port, procs.start("nginx", ["nginx", "-p", workdir, "-c", conf], cpus=PROXY_CPU))
    if "haproxy" in wanted:
        port = free_port()
        cfg = os.path.join(workdir, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(fill("haproxy.cfg", {"THREADS": 1, "PORT": port, "UPSTREAM_PORT": upstream_port}))
        targets["haproxy"] = (port, procs.start("haproxy", ["haproxy", "-db", "-f", cfg], cpus=PROXY_CPU))
    if "caddy" in wanted:
        port = free_port()
        conf = os.path.join(workdir, "Caddyfile")
        with open(conf, "w") as f:
            f.write(fill("Caddyfile", {"PORT": port, "UPSTREAM_PORT": upstream_port}))
        targets["caddy"] = (port, procs.start("caddy", ["caddy", "run", "--config", conf, "--adapter", "caddyfile"], cpus=PROXY_CPU,
                                              env={"GOMAXPROCS": "1", "XDG_DATA_HOME": workdir, "XDG_CONFIG_HOME": workdir}))
    if "yarp" in wanted:
        port = free_port()
        targets["yarp"] = (port, procs.start("yarp", [BENCH_APPS_BIN, "yarp", str(port), f"http://127.0.0.1:{upstream_port}"], cpus=PROXY_CPU, env=DOTNET_ENV))
    if "yarp-inline" in wanted:
        # Bare YARP with the socket setting IngressFleet's binary sets for itself, so the fast path's share of the gain is seen apart.
        port = free_port()
        targets["yarp-inline"] = (port, procs.start("yarp-inline", [BENCH_APPS_BIN, "yarp", str(port), f"http://127.0.0.1:{upstream_port}"], cpus=PROXY_CPU,
                                                    env={**DOTNET_ENV, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS": "1"}))
    folder = one_route(os.path.join(workdir, "one-route"), upstream_port)
    if baseline is not None:
        ref, binary = baseline
        proc, port = start_ingressfleet(procs, workdir, folder, "ingressfleet-baseline", binary=binary)
        targets[f"ingressfleet@{ref}"] = (port, proc)
    if "ingressfleet" in wanted:
        proc, port = start_ingressfleet(procs, workdir, folder, "ingressfleet")
        targets["ingressfleet"] = (port, proc)
    for name, extra in variants:
        # Words env:KEY=VALUE set the process's environment (runtime settings); the others are options.
        words = extra.split()
        env = dict(w[4:].split("=", 1) for w in words if w.startswith("env:"))
        options = [w for w in words if not w.startswith("env:")]
        proc, port = start_ingressfleet(procs, workdir, folder, f"ingressfleet-{name}", extra_args=("--access-log", "off", *options), extra_env=env)
        targets[f"ingressfleet+{name}"] = (port, proc)
    if "ingressfleet-accesslog" in wanted:
        # The default access log (JSON lines on stdout), here into the process's log file.
        proc, port = start_ingressfleet(procs, workdir, folder, "ingressfleet-accesslog", extra_args=())
        targets["ingressfleet-accesslog"] = (port, proc)
    if "ingressfleet-regex" in wanted:
        regex = one_route(os.path.join(workdir, "regex-route"), upstream_port,
                          "  annotations:\n    nginx.ingress.kubernetes.io/use-regex: \"true\"\n")
        proc, port = start_ingressfleet(procs, workdir, regex, "ingressfleet-regex")
        targets["ingressfleet-regex"] = (port, proc)
    for name, (port, proc) in targets.items():
        wait_http(port, HOST, ok=lambda s: s == 200, proc=proc)
    return targets


def warm_up(name, port, script, script_args=()):
    """Loads a target in 5 s steps, at least 30 s, until three steps in a row agree within 5% (at most 120 s):
    .NET targets reach steady state only once tiered JIT compilation has finished, which takes tens of
    seconds on one core and longer after a start that parsed a large table."""
    history = []
    for _ in range(24):
        history.append(wrk(port, 32, 5, script, script_args)["rps"])
        last = history[-3:]
        if len(history) >= 6 and max(last) - min(last) <= 0.05 * max(last):
            break
    wrk(port, 256, 5, script, script_args)
    print(f"warmed up {name}: {history[-1]:.0f} rps after {len(history) * 5 + 5} s", file=sys.stderr)


def summarize(samples):
    rps = [s["rps"] for s in samples]
    return {
        "rps_median": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
        "p50_ms": statistics.median(s["p50_us"] for s in samples) / 1000,
        "p99_ms": statistics.median(s["p99_us"] for s in samples) / 1000,
        "p999_ms": statistics.median(s["p999_us"] for s in samples) / 1000,
        "errors": sum(s["errors"] + s["non2xx"] for s in samples),
        "samples": samples,
    }


def compare(args, workdir, procs, upstream_port, baseline=None):
    targets = start_targets(procs, workdir, upstream_port, args.targets.split(","), baseline, args.variant)
    for name, (port, _) in targets.items():
        warm_up(name, port, os.path.join(HERE, "report.lua"))
    samples = {(t, c): [] for t in targets for c in args.concurrency}
    for round_ in range(1, args.rounds + 1):
        for connections in args.concurrency:
            for name, (port, _) in targets.items():
                result = wrk(port, connections, args.seconds, os.path.join(HERE, "report.lua"))
                samples[(name, connections)].append(result)
                print(f"round {round_} c{connections} {name}: {result['rps']:.0f} rps, p99 {result['p99_us'] / 1000:.1f} ms", file=sys.stderr)
    memory = {name: round(rss_mib(proc.pid), 1) for name, (_, proc) in targets.items()}
    for _, proc in targets.values():
        procs.stop(proc)
    results = []
    for connections in args.concurrency:
        rows = {name: summarize(samples[(name, connections)]) for name in targets}
        for name, row in rows.items():
            row["vs_nginx"] = row["rps_median"] / rows["nginx"]["rps_median"] if "nginx" in rows else None
            row["vs_yarp"] = row["rps_median"] / rows["yarp"]["rps_median"] if "yarp" in rows else None
            results.append({"target": name, "connections": connections, "rss_mib": memory[name], **row})
    return results


def ab(compared):
    """Each IngressFleet target against plain "ingressfleet", round by round (rounds are interleaved, so each
    pair ran back to back): the median ratio of req/s and of p99, and the range of the req/s ratios."""
    rows = []
    by = {(r["target"], r["connections"]): r for r in compared}
    for r in compared:
        base = by.get(("ingressfleet", r["connections"]))
        if base is None or r["target"] == "ingressfleet" or not r["target"].startswith("ingressfleet"):
            continue
        ratios = [s["rps"] / b["rps"] for s, b in zip(r["samples"], base["samples"])]
        p99 = [s["p99_us"] / b["p99_us"] for s, b in zip(r["samples"], base["samples"])]
        rows.append({"target": r["target"], "connections": r["connections"], "rps_ratio": statistics.median(ratios),
                     "rps_ratio_min": min(ratios), "rps_ratio_max": max(ratios), "p99_ratio": statistics.median(p99)})
    return rows


def warm_up_until_jit_settles(name, proc, port, script, script_args):
    """Loads a target in 5 s steps (both concurrencies, at most 180 s) until the JIT compiled fewer than 5 methods
    over two steps in a row: tiered compilation has settled, so what is measured next is steady state however long
    the table's size made it take. Returns the seconds it took and the methods compiled."""
    counts = [jit_methods(proc.admin_port)]
    for step in range(1, 37):
        wrk(port, 32 if step % 2 else 256, 5, script, script_args)
        counts.append(jit_methods(proc.admin_port))
        if len(counts) >= 3 and counts[-1] - counts[-3] < 5:
            break
    print(f"warmed up {name}: JIT settled at {counts[-1]} methods after {step * 5} s", file=sys.stderr)
    return {"warm_up_s": step * 5, "jit_methods": counts[-1]}


def scale(args, workdir, procs, upstream_port):
    """Every table size served at once (each by its own host on the proxy's core; an idle standalone host costs
    next to nothing), warmed until the JIT settles, then measured in interleaved rounds like the peers, so the
    ratios to the smallest table come from back-to-back runs."""
    hosts = []
    for routes in args.scale:
        folder = os.path.join(workdir, f"routes-{routes}")
        manifests.write(folder, routes, endpoint_port=upstream_port)
        step = max(1, routes // 1000)
        requests_file = os.path.join(workdir, f"requests-{routes}.txt")
        with open(requests_file, "w") as f:
            for i in range(0, routes, step):
                host, path = manifests.request_for(i)
                f.write(f"{host} {path}\n")
        started = time.perf_counter()
        proc, port = start_ingressfleet(procs, workdir, folder, f"ingressfleet-{routes}")
        last_host, last_path = manifests.request_for(routes - 1)
        wait_http(port, last_host, last_path, ok=lambda s: s == 200, timeout=600, proc=proc)
        hosts.append({"routes": routes, "proc": proc, "port": port, "requests": requests_file,
                      "start_to_serving_s": round(time.perf_counter() - started, 2)})
    spread = os.path.join(HERE, "spread.lua")
    for h in hosts:
        h.update(warm_up_until_jit_settles(f"{h['routes']} routes", h["proc"], h["port"], spread, [h["requests"]]))
    samples = {h["routes"]: [] for h in hosts}
    for round_ in range(1, args.rounds + 1):
        for h in hosts:
            samples[h["routes"]].append(wrk(h["port"], 32, args.seconds, spread, [h["requests"]]))
            print(f"round {round_} {h['routes']} routes: {samples[h['routes']][-1]['rps']:.0f} rps, "
                  f"p99 {samples[h['routes']][-1]['p99_us'] / 1000:.1f} ms", file=sys.stderr)
    results = []
    for h in hosts:
        rss = rss_mib(h["proc"].pid)
        procs.stop(h["proc"])
        results.append({"routes": h["routes"], "start_to_serving_s": h["start_to_serving_s"], "warm_up_s": h["warm_up_s"],
                        "jit_methods": h["jit_methods"], "rss_mib": round(rss, 1), **summarize(samples[h["routes"]])})
    base = results[0]
    for r in results:
        ratios = [s["rps"] / b["rps"] for s, b in zip(r["samples"], base["samples"])]
        r["rps_vs_first"] = statistics.median(ratios)
        r["rps_vs_first_range"] = (min(ratios), max(ratios))
        r["p99_vs_first"] = r["p99_ms"] / base["p99_ms"]
        extra = (r["rss_mib"] - base["rss_mib"]) / ((r["routes"] - base["routes"]) / 10000) if r["routes"] > base["routes"] else None
        r["mib_per_10k_routes"] = round(extra, 1) if extra is not None else None
    return results


def markdown(run):
    m = run["machine"]
    lines = [f"Machine: {m['cores']} cores, {m['cpu']}, kernel {m['kernel']}. wrk -t1 on core 0 with the upstream backend; "
             f"the target alone on core 1. {run['rounds']} interleaved rounds of {run['seconds']} s; medians, rps range in brackets.", ""]
    if run["compare"]:
        lines += ["| target | conns | req/s (min–max) | p50 ms | p99 ms | p99.9 ms | vs nginx | vs YARP | errors | RSS MiB |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in run["compare"]:
            ratio = lambda v: f"{v:.2f}" if v is not None else "–"
            lines.append(f"| {r['target']} | {r['connections']} | {r['rps_median']:.0f} ({r['rps_min']:.0f}–{r['rps_max']:.0f}) | "
                         f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['p999_ms']:.2f} | {ratio(r['vs_nginx'])} | {ratio(r['vs_yarp'])} | {r['errors']} | {r['rss_mib']:.0f} |")
        lines.append("")
    if run.get("ab"):
        lines += ["A/B against plain ingressfleet (this build, defaults), per interleaved round: a ratio range that spans 1.00 is noise.", "",
                  "| target | conns | req/s ratio (median) | range over rounds | p99 ratio (median) |", "|---|---:|---:|---:|---:|"]
        for r in run["ab"]:
            lines.append(f"| {r['target']} | {r['connections']} | {r['rps_ratio']:.3f} | {r['rps_ratio_min']:.3f}–{r['rps_ratio_max']:.3f} | {r['p99_ratio']:.3f} |")
        lines.append("")
    if run["scale"]:
        lines += ["| routes | start to serving s | warm-up s (JIT settled) | req/s (min–max), c32 | p99 ms | req/s vs first (rounds) | p99 vs first | RSS MiB | MiB per 10k routes |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in run["scale"]:
            per = f"{r['mib_per_10k_routes']:.1f}" if r["mib_per_10k_routes"] is not None else "–"
            low, high = r["rps_vs_first_range"]
            lines.append(f"| {r['routes']} | {r['start_to_serving_s']} | {r['warm_up_s']} | {r['rps_median']:.0f} ({r['rps_min']:.0f}–{r['rps_max']:.0f}) | "
                         f"{r['p99_ms']:.2f} | {r['rps_vs_first']:.2f} ({low:.2f}–{high:.2f}) | {r['p99_vs_first']:.2f} | {r['rss_mib']:.0f} | {per} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", default="32,256")
    parser.add_argument("--targets", default="backend,nginx,haproxy,caddy,yarp,ingressfleet")
    parser.add_argument("--scale", default="10,1000,10000,100000")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--no-compare", action="store_true")
    parser.add_argument("--baseline", metavar="REF", help="also run IngressFleet as of commit REF (built in a git worktree)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=ARGS",
                        help="also run this build with these extra options, e.g. tracing-off=\"--IngressFleet:Something=false\"")
    args = parser.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.scale = [] if args.no_scale else [int(n) for n in args.scale.split(",")]
    args.variant = [tuple(v.split("=", 1)) for v in args.variant]

    ensure_packages("nginx", "haproxy", "wrk", *(["caddy"] if "caddy" in args.targets.split(",") else []))
    build_release("tests/bench/BenchApps")
    publish_host()
    workdir = tempfile.mkdtemp(prefix="ingressfleet-proxies-")
    procs = Processes(workdir)
    run = {"benchmark": "proxies", "machine": machine(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "seconds": args.seconds, "rounds": args.rounds, "cpus": {"load": LOAD_CPU, "proxy": PROXY_CPU, "upstream": UPSTREAM_CPU},
           "dotnet": "Server GC, concurrent, TieredPGO on, as built; DOTNET_TC_CallCountingDelayMs=0 for every .NET process"}
    try:
        upstream_port = free_port()
        upstream = procs.start("upstream", [BENCH_APPS_BIN, "backend", str(upstream_port)], cpus=UPSTREAM_CPU, env=DOTNET_ENV)
        wait_http(upstream_port, proc=upstream)
        baseline = (args.baseline, build_baseline(workdir, args.baseline)) if args.baseline else None
        run["baseline"] = args.baseline
        run["compare"] = [] if args.no_compare else compare(args, workdir, procs, upstream_port, baseline)
        run["ab"] = ab(run["compare"])
        run["scale"] = scale(args, workdir, procs, upstream_port) if args.scale else []
    finally:
        procs.stop()
        if args.baseline:
            subprocess.run(["git", "-C", REPO, "worktree", "remove", "--force", os.path.join(workdir, "baseline")], check=False, capture_output=True)

    table = markdown(run)
    print(table)
    out_dir = os.path.join(REPO, "artifacts", "bench")
    os.makedirs(out_dir, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(out_dir, f"proxies-{stamp}.json"), "w") as f:
        json.dump(run, f, indent=2)
    with open(os.path.join(out_dir, f"proxies-{stamp}.md"), "w") as f:
        f.write(table + "\n")
    print(f"\nJSON and markdown: {out_dir}/proxies-{stamp}.*  logs: {workdir}")


if __name__ == "__main__":
    main()
