// The fleet page: polls this silo's admin API every second and redraws. Every value from the API is set as
// text, never as markup: Ingress names, paths and reasons come from users and may be hostile.
"use strict";

const PollEvery = 1000;
const LagBannerAfter = 2000;
const StaleReportAfter = 5000;
const state = { routes: [], problemIds: new Set(), siloNames: new Map(), behindSince: new Map(), drawn: new Map() };

// Redraws a section only when its data changed: a focused link or a screen reader's place survives the poll.
function changed(section, data) {
  const text = JSON.stringify(data);
  if (state.drawn.get(section) === text) return false;
  state.drawn.set(section, text);
  return true;
}

const nameOf = (address) => state.siloNames.get(address) ?? address ?? "nobody";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const td = (value, cls) => el("td", { class: cls }, value);
const badge = (text, kind) => el("span", { class: `badge ${kind}` }, text);

// Numbers for people: durations in ms or s, rates with one decimal, ages relative to now.
function duration(ms) {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600000) return `${Math.round(ms / 60000)} min`;
  return `${(ms / 3600000).toFixed(1)} h`;
}
const rate = (value) => value === null || value === undefined ? "–" : value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en");
const count = (value) => value === null || value === undefined ? "–" : Number(value).toLocaleString("en");
function when(iso) {
  if (!iso) return "–";
  const at = new Date(iso);
  const ago = Date.now() - at.getTime();
  const clock = at.toLocaleTimeString("en-GB", { hour12: false });
  return ago >= 0 ? `${clock} (${duration(ago)} ago)` : `${clock} (in ${duration(-ago)})`;
}
function until(iso) {
  if (!iso) return "–";
  const days = (new Date(iso).getTime() - Date.now()) / 86400000;
  const date = iso.slice(0, 10);
  return days < 0 ? `${date} (expired)` : `${date} (in ${Math.floor(days)} days)`;
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store", signal: AbortSignal.timeout(5000) });
  const body = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, body };
}

function replaceRows(tbody, rows, empty, columns) {
  tbody.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: columns, class: "muted" }, empty))]));
}

function renderBanners(fleet, status) {
  const banners = [];
  const now = Date.now();
  if (!fleet.ok) {
    banners.push(["bad", "banner-control-plane", `✕ The control plane is not reachable from this silo: ${fleet.body?.error ?? `HTTP ${fleet.status}`}. Every silo keeps serving the config it has.`]);
  } else {
    const { controlPlane, silos, unreportedSilos } = fleet.body;
    // A silo is behind for a moment after every commit; only one that stays behind is worth a banner.
    for (const s of silos) {
      if (s.current) state.behindSince.delete(s.silo);
      else if (!state.behindSince.has(s.silo)) state.behindSince.set(s.silo, now);
    }
    const lagging = silos.filter((s) => !s.current && now - state.behindSince.get(s.silo) >= LagBannerAfter);
    if (lagging.length) {
      banners.push(["warn", "banner-lagging", `⚠ ${lagging.length} silo${lagging.length > 1 ? "s" : ""} behind the fleet's version ${controlPlane.version}: ${lagging.map((s) => `${s.name} at ${s.appliedVersion}`).join(", ")}`]);
    }
    const stale = silos.filter((s) => s.lastReportAgeMs > StaleReportAfter);
    if (stale.length) {
      banners.push(["warn", "banner-stale", `⚠ No report for over ${duration(StaleReportAfter)} from ${stale.map((s) => `${s.name} (${duration(s.lastReportAgeMs)})`).join(", ")}`]);
    }
    if (unreportedSilos?.length) {
      banners.push(["warn", "banner-unreported", `⚠ Members that have not reported yet: ${unreportedSilos.join(", ")}`]);
    }
    if (controlPlane.store && !controlPlane.store.reachable) {
      banners.push(["bad", "banner-store", `✕ Redis is not reachable from this silo${controlPlane.store.error ? `: ${controlPlane.store.error}` : ""}. The config in force keeps serving; changes wait.`]);
    }
  }
  if (status && status.controlPlaneVersion > status.version) {
    banners.push(["warn", "banner-this-silo", `⚠ This silo serves version ${status.version}; the control plane is at ${status.controlPlaneVersion}.`]);
  }
  // Rewritten only when they change, so a screen reader announces each once.
  if (changed("banners", banners)) {
    $("banners").replaceChildren(...banners.map(([kind, id, text]) => el("p", { class: `banner ${kind}`, id }, text)));
  }
}

function renderSummary(fleet, status, problems, health) {
  const items = [];
  const item = (label, figure, kind) => el("li", { class: kind }, el("span", { class: "figure" }, figure), label);
  if (fleet.ok) {
    const silos = fleet.body.silos;
    const ready = silos.filter((s) => s.ready).length;
    const current = silos.filter((s) => s.current).length;
    items.push(item("silos ready", `${ready} of ${silos.length}`, ready === silos.length ? "ok" : "warn"));
    items.push(item("silos on the fleet's version", `${current} of ${silos.length}`, current === silos.length ? "ok" : "warn"));
    items.push(item("requests/s, whole fleet", rate(silos.reduce((sum, s) => sum + (s.requestsPerSecond ?? 0), 0))));
  } else {
    items.push(item("control plane", "✕ unreachable", "bad"));
  }
  if (status) items.push(item("routes", count(status.routes)));
  if (problems.ok) items.push(item("objects rejected", count(problems.body.rejected.length), problems.body.rejected.length ? "bad" : "ok"));
  if (health.ok) {
    const ejected = health.body.backends.reduce((sum, b) => sum + b.destinations.filter((d) => !d.healthy).length, 0);
    items.push(item("destinations ejected", count(ejected), ejected ? "warn" : "ok"));
  }
  $("summary").replaceChildren(...items);
}

function renderFleet(fleet, status) {
  if (status) {
    $("this-silo").textContent = `This silo serves config version ${status.version} · ${count(status.routes)} routes, ${count(status.backends)} backends · applied ${when(status.appliedAt)}`;
  }
  if (!fleet.ok) {
    $("fleet-count").textContent = "(unknown: control plane unreachable)";
    return;
  }
  const { controlPlane, silos, timeline } = fleet.body;
  state.siloNames = new Map(silos.map((s) => [s.silo, s.name]));
  $("fleet-count").textContent = `(${silos.length})`;
  $("control-plane").textContent =
    `Control plane at version ${controlPlane.version} · last commit ${duration(controlPlane.lastCommitAgeMs)} ago · source run by ${nameOf(controlPlane.sourceHolder)} · config grain on ${nameOf(controlPlane.configGrainSilo)} · Redis ${controlPlane.store?.reachable ? "reachable" : "NOT REACHABLE"}`;
  replaceRows($("silos").tBodies[0], silos.map((s) => el("tr", { "data-silo": s.name },
    el("th", { scope: "row" }, s.name),
    td(s.silo),
    td(el("span", {}, `${s.appliedVersion} / ${controlPlane.version} `, s.current ? badge("✓ current", "ok") : badge("⚠ behind", "warn"))),
    td(s.draining ? badge("⏏ draining", "warn") : s.ready ? badge("✓ ready", "ok") : badge("✕ not ready", "bad")),
    td([s.runsSource ? "source holder" : null, s.hostsConfigGrain ? "config grain" : null].filter(Boolean).join(", ") || "–"),
    td(duration(s.lastReportAgeMs), "num"),
    td(rate(s.requestsPerSecond), "num"),
    td(count(s.inFlight), "num"))), "No silo has reported.", 8);

  replaceRows($("versions").tBodies[0], (timeline ?? []).map((v) => el("tr", { "data-version": v.version },
    el("th", { scope: "row" }, String(v.version)),
    td(when(v.committedAt)),
    td(v.appliedEverywhereAfterMs != null ? duration(v.appliedEverywhereAfterMs) : v.silosAt < v.silos ? badge("… not yet everywhere", "warn") : el("span", { class: "muted", title: "No silo that was running at the commit still records when it applied it" }, "unknown"), "num"),
    td(`${v.silosAt} of ${v.silos}`, "num"))), "No version seen yet.", 4);
}

function renderRoutes(routes, force) {
  if (routes.ok) state.routes = routes.body.routes;
  const query = $("route-search").value.trim().toLowerCase();
  const type = $("route-type").value;
  if (!changed("routes", [state.routes, [...state.problemIds], query, type]) && !force) return;
  const shown = state.routes.filter((r) =>
    (!type || r.pathType === type) &&
    (!query || [r.host, r.path, r.backend, r.ingress, r.canary?.backend].some((x) => x && x.toLowerCase().includes(query))));
  $("routes-count").textContent = shown.length === state.routes.length ? `(${count(state.routes.length)})` : `(${count(shown.length)} of ${count(state.routes.length)})`;
  const rows = shown.slice(0, 500).map((r) => el("tr", {},
    td(r.host), td(r.path || "(default)"), td(r.pathType),
    td(r.canary ? [r.backend, el("span", { class: "muted" }, ` · canary ${r.canary.backend}`)] : r.backend),
    td(ingressLink(r.ingress))));
  if (shown.length > 500) rows.push(el("tr", {}, el("td", { colspan: 5, class: "muted" }, `… ${count(shown.length - 500)} more: narrow the search.`)));
  replaceRows($("route-table").tBodies[0], rows, state.routes.length ? "No route matches." : "No routes.", 5);
}

// An object's problems, by kind and key (namespace/name): the ids a route or conflict links to.
const problemId = (kind, key, warning) => `${warning ? "warning" : "problem"}-${kind}-${key}`;

function ingressLink(key) {
  if (!key) return "(none)";
  const id = [problemId("Ingress", key, false), problemId("Ingress", key, true)].find((x) => state.problemIds.has(x));
  return id ? el("a", { href: `#${id}`, title: "This Ingress has problems" }, key, " ⚠") : key;
}

function renderProblems(problems) {
  if (!problems.ok) return;
  const { rejected, warnings, conflicts, total } = problems.body;
  state.problemIds = new Set([
    ...rejected.map((p) => problemId(p.kind, p.namespace ? `${p.namespace}/${p.name}` : p.name, false)),
    ...warnings.map((p) => problemId(p.kind, p.namespace ? `${p.namespace}/${p.name}` : p.name, true)),
  ]);
  if (!changed("problems", problems.body)) return;
  const item = (p, warning) => {
    const key = p.namespace ? `${p.namespace}/${p.name}` : p.name;
    return el("li", { id: problemId(p.kind, key, warning), "data-problem": `${p.kind}/${key}` },
      warning ? badge("⚠ partly ignored", "warn") : badge("✕ rejected", "bad"), " ",
      el("strong", {}, `${p.kind} ${key}`),
      el("span", { class: "muted" }, ` from ${p.source}`),
      p.reasons.map((r) => el("span", { class: "reason" }, r)));
  };
  const items = [...rejected.map((p) => item(p, false)), ...warnings.map((p) => item(p, true))];
  $("problems-count").textContent = `(${count(total)})`;
  $("problem-list").replaceChildren(...(items.length ? items : [el("li", { class: "muted" }, "No problems.")]));
  $("conflicts").replaceChildren(...(conflicts.length
    ? conflicts.map((c) => el("li", {}, badge("⚠ conflict", "warn"), ` ${c.host} ${c.path} (${c.pathType}): `,
        ingressLink(c.winner), " wins over ", ingressLink(c.loser), c.reason ? ` — ${c.reason}` : ""))
    : [el("li", { class: "muted" }, "No conflicts.")]));
}

function renderBackends(health) {
  if (!health.ok || !changed("backends", [health.body, [...state.siloNames]])) return;
  const rows = health.body.backends.flatMap((b) => b.destinations.length === 0
    ? [el("tr", { "data-backend": b.backend }, el("th", { scope: "row" }, b.backend), td((b.loadBalancing ?? []).map(policyName).join(", ") || "–"),
        td("–"), td(badge("✕ no ready endpoint", "bad")), td("–"), td(b.prober ? nameOf(b.prober) : "–"), td("–", "num"))]
    : b.destinations.map((d, i) => el("tr", { "data-destination": d.destination, "data-backend": b.backend },
    i === 0 ? el("th", { scope: "row", rowspan: b.destinations.length }, b.backend, b.panic ? el("span", { class: "reason" }, badge("⚠ all ejected: using all", "warn")) : null) : null,
    i === 0 ? el("td", { rowspan: b.destinations.length }, (b.loadBalancing ?? []).map(policyName).join(", ") || "–") : null,
    td(d.destination),
    td(d.healthy ? badge("✓ healthy", "ok") : badge("✕ ejected", "bad")),
    td(d.healthy ? "–" : `${d.reason ?? ""} · by ${d.decidedBy ?? "?"} · until ${when(d.until)}`),
    td(b.prober ? nameOf(b.prober) : b.activeCheck ? "–" : "passive only"),
    td(count(d.inFlightHere), "num"))));
  replaceRows($("destinations").tBodies[0], rows, "No backends.", 7);
}

const policyName = (policy) => ({ PowerOfTwoChoices: "power of two choices", RoundRobin: "round robin", LeastRequests: "least requests", Random: "random", ConsistentHash: "consistent hash" })[policy] ?? policy;

function renderLimits(limits) {
  if (!limits.ok || !changed("limits", limits.body)) return;
  const rows = [];
  for (const l of limits.body.limits) {
    if (l.error) {
      rows.push(el("tr", {}, el("th", { scope: "row" }, l.key), el("td", { colspan: 5 }, badge("✕ unreachable", "bad"), ` ${l.error}`)));
      continue;
    }
    const leases = l.leases.length ? l.leases : [null];
    leases.forEach((h, i) => rows.push(el("tr", { "data-limit": l.key },
      i === 0 ? el("th", { scope: "row", rowspan: leases.length }, l.key, el("span", { class: "reason muted" }, `limit ${count(l.limit)} · ${count(l.used)} in use · ${count(l.granted)} granted`)) : null,
      td(h ? h.silo : "no silo holds a lease"),
      td(h ? count(h.inUse) : "–", "num"), td(h ? count(h.granted) : "–", "num"), td(h ? count(h.demand) : "–", "num"), td(h ? count(h.rejected) : "–", "num"))));
  }
  for (const c of limits.body.clientLimits ?? []) {
    rows.push(el("tr", { "data-limit": c.key },
      el("th", { scope: "row" }, c.key, el("span", { class: "reason muted" }, "per client address")),
      el("td", { colspan: 5 }, c.error ? `unreachable: ${c.error}`
        : `${[c.requestsPerSecond ? `${c.requestsPerSecond}/s` : null, c.requestsPerMinute ? `${c.requestsPerMinute}/min` : null, c.connections ? `${c.connections} in flight` : null].filter(Boolean).join(", ")} per client · ${count(c.clients)} clients counted, ${count(c.sharedClients)} on more than one silo`)));
  }
  replaceRows($("limit-table").tBodies[0], rows, "No limits.", 6);
}

function renderCertificates(certs) {
  if (!certs.ok || !changed("certificates", certs.body)) return;
  const all = [...certs.body.certificates, { ...certs.body.defaultCertificate, secret: `${certs.body.defaultCertificate.secret ?? "self-signed"} (default)` }];
  replaceRows($("certificate-table").tBodies[0], all.map((c) => el("tr", {},
    el("th", { scope: "row" }, c.secret), td(c.hosts.length ? c.hosts.join(", ") : c.dnsNames.join(", ") || "–"), td(until(c.notAfter)),
    td(new Date(c.notAfter) < new Date() ? badge("✕ expired", "bad") : c.expiresSoon ? badge("⚠ expires soon", "warn") : badge("✓ valid", "ok")))), "No certificates.", 4);
}

const Sections = [
  ["fleet", "/api/v1/fleet"], ["status", "/api/v1/status"], ["routes", "/api/v1/routes"], ["problems", "/api/v1/problems?limit=1000"],
  ["health", "/api/v1/health"], ["limits", "/api/v1/limits"], ["certs", "/api/v1/certificates"],
];
const latest = {};
const pending = { ok: false, status: 0, body: null };

// Every section from the latest answer of its own endpoint: a slow or failing one leaves the others live.
function drawAll() {
  const get = (name) => latest[name] ?? pending;
  const status = get("status").ok ? get("status").body : null;
  const draw = [
    () => latest.fleet && renderBanners(latest.fleet, status),
    () => latest.fleet && renderFleet(latest.fleet, status),
    () => latest.fleet && renderSummary(latest.fleet, status, get("problems"), get("health")),
    () => renderProblems(get("problems")),
    () => renderRoutes(get("routes")),
    () => renderBackends(get("health")),
    () => renderLimits(get("limits")),
    () => renderCertificates(get("certs")),
  ];
  for (const section of draw) {
    try {
      section();
    } catch (error) {
      // A bug of the page, not of the fleet: logged, so it is seen (and fails the browser test).
      console.error("fleet page:", error);
    }
  }
  if (latest.status && !latest.status.ok && latest.fleet && !latest.fleet.ok) {
    $("banners").replaceChildren(el("p", { class: "banner bad", id: "banner-silo" }, "✕ This silo's admin API does not answer: ", latest.status.body?.error ?? `HTTP ${latest.status.status}`));
    state.drawn.delete("banners");
  }
  document.body.dataset.updated = String(Date.now());
  document.body.dataset.version = status ? String(status.version) : "";
}

async function poll(name, path) {
  try {
    latest[name] = await getJson(path);
  } catch (error) {
    latest[name] = { ok: false, status: 0, body: { error: String(error?.message ?? error) } };
  }
  drawAll();
  setTimeout(() => poll(name, path), PollEvery);
}

document.addEventListener("DOMContentLoaded", () => {
  $("route-search").addEventListener("input", () => renderRoutes({ ok: false }, true));
  $("route-type").addEventListener("change", () => renderRoutes({ ok: false }, true));
  for (const [name, path] of Sections) poll(name, path);
});
