// The devhost monitor page. Every value shown comes from user-influenced data (instance ids, event
// names, inputs, outputs, custom status), so the DOM is built with createElement/textContent only.
"use strict";

const API = "/runtime/webhooks/durabletask";
const LIST = "/monitor/api/instances";
const REFRESH_MS = 2000;
const SHORT = 240;
const HISTORY_QUERY = "showHistory=true&showHistoryOutput=true&showInput=true";
const FAILED_EVENTS = new Set(["TaskFailed", "SubOrchestrationInstanceFailed", "ExecutionFailed"]);
const DONE_EVENTS = new Set(["TaskCompleted", "SubOrchestrationInstanceCompleted"]);

// The page is opened as /monitor?code=<system or master key>, as Azure guards the durable API;
// every call it makes carries that key on, in the header so it stays out of request URLs.
const KEY = new URLSearchParams(window.location.search).get("code") || "";

function call(url, init = {}) {
  const headers = new Headers(init.headers || {});
  if (KEY) headers.set("x-functions-key", KEY);
  return fetch(url, { ...init, headers });
}

const $ = (id) => document.getElementById(id);
let selectedId = null;
let refreshing = false;
let again = false;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function json(value) {
  return value === null || value === undefined ? "" : JSON.stringify(value);
}

function pretty(value) {
  if (value === null || value === undefined) return "";
  // Inputs and results are often JSON texts themselves: show the value inside.
  if (typeof value === "string") {
    try { return JSON.stringify(JSON.parse(value), null, 2); } catch (_) { return value; }
  }
  return JSON.stringify(value, null, 2);
}

function short(text) {
  const flat = String(text).replace(/\s+/g, " ").trim();
  return flat.length > SHORT ? flat.slice(0, SHORT - 1) + "…" : flat;
}

function when(text) {
  return text ? String(text).replace("T", " ").replace("Z", "") : "";
}

function instanceUrl(id) {
  return `${API}/instances/${encodeURIComponent(id)}`;
}

function say(text, isError) {
  const box = $("message");
  box.textContent = text;
  box.className = isError ? "error" : "";
  box.hidden = false;
}

function statusBadge(status) {
  // Only known statuses become a class name; anything else keeps the plain badge.
  const known = /^[A-Za-z]+$/.test(status || "") ? ` status-${status}` : "";
  return el("span", `status${known}`, status);
}

// -- the list -----------------------------------------------------------------------------------
async function loadList() {
  const filter = $("status-filter").value;
  const url = filter ? `${LIST}?status=${encodeURIComponent(filter)}` : LIST;
  const response = await call(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`list failed: HTTP ${response.status}`);
  const body = await response.json();
  $("hub").textContent = `· task hub ${body.hub}`;
  fillFilter(body.statuses);
  renderRows(body.instances);
}

function fillFilter(statuses) {
  const select = $("status-filter");
  if (select.options.length > 1) return;
  for (const status of statuses) {
    const option = el("option", null, status);
    option.value = status;
    select.appendChild(option);
  }
}

function renderRows(instances) {
  const rows = instances.map((item) => {
    const row = el("tr");
    row.dataset.instanceId = item.instanceId;
    if (item.instanceId === selectedId) row.classList.add("selected");
    const custom = json(item.customStatus);
    const cells = [
      el("td", "name", item.name),
      el("td", "id", item.instanceId),
      el("td", "runtime-status"),
      el("td", "custom", custom),
      el("td", "created", when(item.createdTime)),
      el("td", "updated", when(item.lastUpdatedTime)),
      el("td", "num events", item.historyEvents),
      el("td", "num replay", item.lastReplayMs === null ? "" : `${item.lastReplayMs} ms`),
    ];
    cells[2].appendChild(statusBadge(item.runtimeStatus));
    cells[3].title = custom;
    row.append(...cells);
    row.addEventListener("click", () => select(item.instanceId));
    return row;
  });
  $("instances").tBodies[0].replaceChildren(...rows);
  $("empty").hidden = rows.length > 0;
  $("summary").textContent = `${rows.length} instance${rows.length === 1 ? "" : "s"}`;
}

// -- one instance -------------------------------------------------------------------------------
async function select(id) {
  selectedId = id;
  for (const row of $("instances").tBodies[0].rows) {
    row.classList.toggle("selected", row.dataset.instanceId === id);
  }
  $("message").hidden = true;
  await loadDetail();
}

async function loadDetail() {
  if (selectedId === null) return;
  const id = selectedId;
  const response = await call(`${instanceUrl(id)}?${HISTORY_QUERY}`, { cache: "no-store" });
  if (id !== selectedId) return;
  if (response.status === 404) {
    closeDetail();
    say(`Instance ${id} no longer exists.`, true);
    return;
  }
  if (!response.ok && response.status !== 202) throw new Error(`status failed: HTTP ${response.status}`);
  renderDetail(await response.json());
}

function renderDetail(body) {
  $("detail").hidden = false;
  $("detail").dataset.instanceId = body.instanceId;
  $("detail-name").textContent = body.name;
  $("detail-status").replaceChildren(statusBadge(body.runtimeStatus));
  $("detail-id").textContent = body.instanceId;
  // A same-origin link with `download`: the file is exactly what the status API answers.
  // A link cannot send a header: the key goes in `code`, as in the links the extension hands out.
  const code = KEY ? `&code=${encodeURIComponent(KEY)}` : "";
  $("export-history").href = `${instanceUrl(body.instanceId)}?${HISTORY_QUERY}${code}`;
  $("export-history").download = `${body.name}-${body.instanceId}.json`.replace(/[^\w.-]+/g, "_");
  $("detail-input").textContent = pretty(body.input);
  $("detail-output").textContent = pretty(body.output);
  $("detail-custom").textContent = pretty(body.customStatus);
  const items = (body.historyEvents || []).map(timelineItem);
  $("timeline").replaceChildren(...items);
}

function timelineItem(event) {
  const type = event.EventType;
  // The extension names the status ("Failed"); older exports of this host number it (3).
  const ended = type === "ExecutionCompleted" ? String(event.OrchestrationStatus) : "";
  const failed = FAILED_EVENTS.has(type) || ended === "Failed" || ended === "3";
  const done = DONE_EVENTS.has(type) || ended === "Completed" || ended === "1";
  const item = el("li", failed ? "failed" : done ? "completed" : "");
  item.dataset.eventType = type;
  item.append(el("span", "when", when(event.Timestamp)), el("span", "type", type));
  const what = event.FunctionName || event.Name || (event.FireAt ? `fires ${when(event.FireAt)}` : "");
  if (what) item.appendChild(el("span", "what", what));
  const detail = failed ? event.Reason || event.Result : eventValue(event);
  if (detail !== undefined && detail !== null && detail !== "") {
    item.appendChild(el("span", "result", short(typeof detail === "string" ? detail : JSON.stringify(detail))));
  }
  return item;
}

function eventValue(event) {
  if ("Result" in event) return event.Result;
  if (event.EventType === "EventRaised" || event.EventType === "ExecutionTerminated") return event.Input;
  if (event.EventType === "ExecutionStarted") return event.Input;
  return null;
}

function closeDetail() {
  selectedId = null;
  $("detail").hidden = true;
  delete $("detail").dataset.instanceId;
  for (const row of $("instances").tBodies[0].rows) row.classList.remove("selected");
}

// -- actions --------------------------------------------------------------------------------------
async function act(description, request) {
  try {
    const response = await request();
    if (response.ok) {
      say(description);
    } else {
      const text = await response.text();
      say(`${description} failed: HTTP ${response.status} ${short(text)}`, true);
    }
  } catch (error) {
    say(`${description} failed: ${error.message}`, true);
  }
  await refresh();
}

function raiseEvent(submit) {
  submit.preventDefault();
  const id = selectedId;
  const name = $("event-name").value.trim();
  const text = $("event-body").value.trim() || "null";
  try {
    JSON.parse(text);
  } catch (error) {
    say(`The event body is not JSON: ${error.message}`, true);
    return;
  }
  act(`Raised event '${name}' on ${id}`, () =>
    call(`${instanceUrl(id)}/raiseEvent/${encodeURIComponent(name)}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: text,
    }));
}

function terminate(submit) {
  submit.preventDefault();
  const id = selectedId;
  const reason = $("terminate-reason").value;
  act(`Terminated ${id}`, () =>
    call(`${instanceUrl(id)}/terminate?reason=${encodeURIComponent(reason)}`, { method: "POST" }));
}

function purge(submit) {
  submit.preventDefault();
  const id = selectedId;
  if (!window.confirm(`Purge instance ${id} and its history?`)) return;
  act(`Purged ${id}`, async () => {
    const response = await call(instanceUrl(id), { method: "DELETE" });
    if (response.ok) closeDetail();
    return response;
  });
}

// -- refresh loop ---------------------------------------------------------------------------------
async function refresh() {
  // One refresh at a time; a request made meanwhile (after an action) runs right after it.
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    do {
      again = false;
      await loadList();
      await loadDetail();
    } while (again);
  } catch (error) {
    say(error.message, true);
  } finally {
    refreshing = false;
  }
}

function tick() {
  const next = () => setTimeout(tick, REFRESH_MS);
  if ($("auto-refresh").checked && !document.hidden) refresh().finally(next);
  else next();
}

document.addEventListener("DOMContentLoaded", () => {
  $("status-filter").addEventListener("change", refresh);
  $("refresh").addEventListener("click", refresh);
  $("close-detail").addEventListener("click", closeDetail);
  $("raise-form").addEventListener("submit", raiseEvent);
  $("terminate-form").addEventListener("submit", terminate);
  $("purge-form").addEventListener("submit", purge);
  refresh().finally(() => setTimeout(tick, REFRESH_MS));
});
