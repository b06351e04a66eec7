"""Generated Ingress manifests for benchmarks: N routes over distinct hosts, exact and wildcard hosts,
mixed Exact/Prefix paths, all pointing at one Service. Shared by the propagation and route-scale benchmarks."""
import os

ROUTES_PER_INGRESS = 10
INGRESSES_PER_FILE = 500


def route_host(i):
    """The host of route i: every 5th Ingress uses a wildcard host."""
    ingress = i // ROUTES_PER_INGRESS
    return f"*.w{ingress}.bench.test" if ingress % 5 == 4 else f"h{ingress}.bench.test"


def request_for(i):
    """A (host, path) that route i answers."""
    ingress, j = divmod(i, ROUTES_PER_INGRESS)
    host = f"x.w{ingress}.bench.test" if ingress % 5 == 4 else f"h{ingress}.bench.test"
    path = f"/p{j}" if j % 2 == 0 else f"/p{j}/deeper/path"
    return host, path


def _ingress(ingress, routes, service, port):
    lines = [
        "apiVersion: networking.k8s.io/v1",
        "kind: Ingress",
        "metadata:",
        f"  name: bench-{ingress}",
        "spec:",
        "  rules:",
    ]
    by_host = {}
    for i in routes:
        by_host.setdefault(route_host(i), []).append(i)
    for host, items in by_host.items():
        lines += [f"    - host: \"{host}\"", "      http:", "        paths:"]
        for i in items:
            j = i % ROUTES_PER_INGRESS
            kind = "Exact" if j % 2 == 0 else "Prefix"
            lines += [
                f"          - path: /p{j}",
                f"            pathType: {kind}",
                "            backend:",
                "              service:",
                f"                name: {service}",
                "                port:",
                f"                  number: {port}",
            ]
    return "\n".join(lines)


def service(name, port, endpoint_port, address="127.0.0.1"):
    """A Service and an EndpointSlice with one endpoint on address (or none if endpoint_port is None)."""
    docs = [
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  ports:\n    - port: {port}",
    ]
    if endpoint_port is not None:
        docs.append(
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n"
            f"  name: {name}-1\n  labels:\n    kubernetes.io/service-name: {name}\naddressType: IPv4\n"
            f"ports:\n  - port: {endpoint_port}\nendpoints:\n  - addresses: [\"{address}\"]"
        )
    return "\n---\n".join(docs)


def write(folder, routes, service_name="bench", port=80, endpoint_port=None):
    """Writes `routes` routes into `folder` (files of INGRESSES_PER_FILE Ingresses) plus the Service."""
    os.makedirs(folder, exist_ok=True)
    ingresses = (routes + ROUTES_PER_INGRESS - 1) // ROUTES_PER_INGRESS
    for start in range(0, ingresses, INGRESSES_PER_FILE):
        docs = []
        for ingress in range(start, min(start + INGRESSES_PER_FILE, ingresses)):
            first = ingress * ROUTES_PER_INGRESS
            docs.append(_ingress(ingress, range(first, min(first + ROUTES_PER_INGRESS, routes)), service_name, port))
        with open(os.path.join(folder, f"routes-{start:06d}.yaml"), "w") as f:
            f.write("\n---\n".join(docs) + "\n")
    with open(os.path.join(folder, "service.yaml"), "w") as f:
        f.write(service(service_name, port, endpoint_port) + "\n")


def write_atomically(path, text):
    temp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temp, "w") as f:
        f.write(text)
    os.replace(temp, path)
