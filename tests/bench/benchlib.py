"""Helpers shared by the benchmark scripts: ports, processes, the machine, percentiles, memory."""
import http.client, os, platform, shutil, signal, socket, subprocess, sys, time, urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HOST_BIN = os.path.join(REPO, "src/IngressFleet.Host/bin/Release/net10.0/IngressFleet.Host")
# The host as the image ships it (see publish_host); the benchmarks run this one.
PUBLISHED_HOST_BIN = os.path.join(REPO, "artifacts/publish/IngressFleet.Host/IngressFleet.Host")
BENCH_APPS_BIN = os.path.join(REPO, "tests/bench/BenchApps/bin/Release/net10.0/BenchApps")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "cpu": model, "kernel": platform.release()}


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return float("nan")


def ensure_packages(*commands):
    """Installs the Debian packages of missing commands (nginx, haproxy, wrk, redis-server)."""
    missing = [c for c in commands if shutil.which(c) is None and not os.path.exists(f"/usr/sbin/{c}")]
    if missing:
        print(f"installing {' '.join(missing)}", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def jit_methods(admin_port):
    """Methods the JIT has compiled so far, tier-up recompilations included (System.Runtime's
    dotnet.jit.compiled_methods, from the admin port's /metrics)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("dotnet_jit_compiled_methods_total"):
                return int(float(line.rsplit(" ", 1)[1]))
    raise RuntimeError("no dotnet_jit_compiled_methods_total in /metrics")


def publish_host(tree=REPO, out=os.path.dirname(PUBLISHED_HOST_BIN)):
    """Publishes the host as the Dockerfile does: for linux-x64, ReadyToRun (precompiled, so a silo starts without
    JIT-compiling its start-up path; tiered compilation still recompiles the hot code). Returns the binary."""
    # Published afresh: a publish over an earlier one keeps files it no longer produces (a precompiled assembly now excluded).
    shutil.rmtree(out, ignore_errors=True)
    rid = "linux-arm64" if platform.machine() in ("aarch64", "arm64") else "linux-x64"
    subprocess.run(["dotnet", "publish", os.path.join(tree, "src/IngressFleet.Host"), "-c", "Release", "-r", rid,
                    "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", out, "-nologo", "-clp:ErrorsOnly"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["dotnet", "build-server", "shutdown"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.path.join(out, "IngressFleet.Host")


def build_release(*projects):
    for project in projects:
        subprocess.run(["dotnet", "build", os.path.join(REPO, project), "-c", "Release", "-nologo", "-clp:ErrorsOnly"],
                       check=True, stdout=subprocess.DEVNULL)
    # The build leaves MSBuild and compiler servers behind; they would share the cores being measured.
    subprocess.run(["dotnet", "build-server", "shutdown"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Processes:
    """Processes a benchmark starts, each logging to a file in `workdir`; stop() ends them all."""

    def __init__(self, workdir):
        self.workdir, self.procs = workdir, []

    def start(self, name, args, cpus=None, env=None):
        log = open(os.path.join(self.workdir, f"{name}.log"), "w")
        command = (["taskset", "-c", cpus] if cpus else []) + list(args)
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        self.procs.append(proc)
        return proc

    def stop(self, proc=None, sig=signal.SIGKILL):
        for p in ([proc] if proc else list(reversed(self.procs))):
            if p.poll() is None:
                p.send_signal(sig)
                p.wait()
            if p in self.procs:
                self.procs.remove(p)


def wait_http(port, host="localhost", path="/", ok=lambda status: status < 500, timeout=120, proc=None):
    """Waits until GET http://127.0.0.1:port/path with Host `host` answers a status `ok` accepts."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.args} exited with {proc.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            response.read()
            if ok(response.status):
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port} within {timeout} s")
