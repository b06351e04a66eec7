"""Generated Ingress manifests for benchmarks: N routes over distinct hosts, exact and wildcard hosts,
mixed Exact/Prefix paths, all pointing at one Service. Shared by the propagation and route-scale benchmarks.

`per_ingress` is the number of routes per Ingress: 10 by default; 1 is the shape of clusters with thousands of
small Ingresses, where "N routes" is N Ingresses."""
import os

ROUTES_PER_INGRESS = 10
INGRESSES_PER_FILE = 500


def route_host(i, per_ingress=ROUTES_PER_INGRESS):
    """The host of route i: every 5th Ingress uses a wildcard host."""
    ingress = i // per_ingress
    return f"*.w{ingress}.bench.test" if ingress % 5 == 4 else f"h{ingress}.bench.test"


def request_for(i, per_ingress=ROUTES_PER_INGRESS):
    """A (host, path) that route i answers."""
    ingress, j = divmod(i, per_ingress)
    host = f"x.w{ingress}.bench.test" if ingress % 5 == 4 else f"h{ingress}.bench.test"
    path = f"/p{j}" if j % 2 == 0 else f"/p{j}/deeper/path"
    return host, path


def _ingress(ingress, routes, service, port, per_ingress=ROUTES_PER_INGRESS):
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
        by_host.setdefault(route_host(i, per_ingress), []).append(i)
    for host, items in by_host.items():
        lines += [f"    - host: \"{host}\"", "      http:", "        paths:"]
        for i in items:
            j = i % per_ingress
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


def write(folder, routes, service_name="bench", port=80, endpoint_port=None, per_ingress=ROUTES_PER_INGRESS):
    """Writes `routes` routes into `folder` (files of INGRESSES_PER_FILE Ingresses) plus the Service."""
    os.makedirs(folder, exist_ok=True)
    ingresses = (routes + per_ingress - 1) // per_ingress
    for start in range(0, ingresses, INGRESSES_PER_FILE):
        docs = []
        for ingress in range(start, min(start + INGRESSES_PER_FILE, ingresses)):
            first = ingress * per_ingress
            docs.append(_ingress(ingress, range(first, min(first + per_ingress, routes)), service_name, port, per_ingress))
        with open(os.path.join(folder, f"routes-{start:06d}.yaml"), "w") as f:
            f.write("\n---\n".join(docs) + "\n")
    with open(os.path.join(folder, "service.yaml"), "w") as f:
        f.write(service(service_name, port, endpoint_port) + "\n")


def write_atomically(path, text):
    temp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temp, "w") as f:
        f.write(text)
    os.replace(temp, path)
