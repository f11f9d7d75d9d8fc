// The AISP dashboard: plain JavaScript against the server's own API (no build step, no framework).
// Text from the server only ever goes into textContent, never into HTML.
"use strict";

let schema = [];             // the settings schema (/api/v1/settings/schema): the engine list and the settings form
const HISTORY = 60;          // latency samples kept per filter for its chart
const MAX_EVENTS = 200;      // rows kept in the event log
const $ = (id) => document.getElementById(id);

const session = {
  get access() { return sessionStorage.getItem("aisp.access"); },
  get refresh() { return sessionStorage.getItem("aisp.refresh"); },
  get permissions() { return JSON.parse(sessionStorage.getItem("aisp.permissions") || "[]"); },
  save(answer, user) {
    sessionStorage.setItem("aisp.access", answer.access_token);
    sessionStorage.setItem("aisp.refresh", answer.refresh_token);
    sessionStorage.setItem("aisp.permissions", JSON.stringify(answer.permissions));
    sessionStorage.setItem("aisp.role", answer.role);
    if (user) sessionStorage.setItem("aisp.user", user);
  },
  clear() { sessionStorage.clear(); },
};

let refreshing = null;
let timers = [];
let streamAbort = null;
const latency = new Map();   // "source/filter" -> recent p95 values

// Calls the API with the access token; on 401 it refreshes once (rotating the refresh token) and retries.
async function api(method, path, body, isForm) {
  const send = () => fetch(path, {
    method,
    headers: Object.assign({ Authorization: "Bearer " + session.access }, body && !isForm ? { "Content-Type": "application/json" } : {}),
    body: body ? (isForm ? body : JSON.stringify(body)) : undefined,
  });
  let r = await send();
  if (r.status === 401 && session.refresh) {
    refreshing = refreshing || refreshTokens().finally(() => { refreshing = null; });
    if (await refreshing) r = await send();
  }
  if (r.status === 401) { showLogin("Your session ended; log in again."); throw new Error("unauthorised"); }
  return r;
}

async function refreshTokens() {
  const r = await fetch("/api/v1/auth/refresh", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refresh_token: session.refresh }) });
  if (!r.ok) return false;
  session.save(await r.json());
  return true;
}

async function json(r) {
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(data && data.error ? `${data.error.message} (${data.error.code})` : `HTTP ${r.status}`);
  return data;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function showError(message) { $("app-error").textContent = message || ""; }

// ---------- login ----------

function showLogin(message) {
  stop();
  session.clear();
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  $("logout").hidden = true;
  $("who").textContent = "";
  $("login-error").textContent = message || "";
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const user = $("login-user").value;
  const r = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: user, password: $("login-password").value }) });
  const data = await r.json().catch(() => null);
  if (!r.ok) { $("login-error").textContent = data && data.error ? data.error.message : `HTTP ${r.status}`; return; }
  $("login-password").value = "";
  session.save(data, user);
  start();
});

$("logout").addEventListener("click", async () => {
  try { await api("POST", "/api/v1/auth/logout", { refresh_token: session.refresh }); } catch { /* leaving anyway */ }
  showLogin("Logged out.");
});

// ---------- the live view ----------

function start() {
  const perms = session.permissions;
  document.body.classList.toggle("can-operate", perms.includes("write") && perms.includes("execute"));
  document.body.classList.toggle("can-admin", perms.includes("manage_users"));
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("logout").hidden = false;
  $("who").textContent = `${sessionStorage.getItem("aisp.user") || ""} (${sessionStorage.getItem("aisp.role")})`;
  loadSchema().then(refreshFilters); refreshMetrics(); refreshJobs(); refreshFaces(); loadEvents();
  if (perms.includes("manage_users")) refreshUsers();
  timers.push(setInterval(refreshMetrics, 1000), setInterval(refreshFilters, 3000), setInterval(refreshJobs, 5000), setInterval(refreshFaces, 10000));
}

function stop() {
  timers.forEach(clearInterval);
  timers = [];
  if (streamAbort) streamAbort.abort();
  streamAbort = null;
}

const filterRows = new Map(); // "source/filter" -> row elements

async function refreshFilters() {
  try {
    const data = await json(await api("GET", "/api/v1/filters/"));
    for (const f of data.filters || []) {
      const row = filterRow(f.source, f.filter);
      row.engine.textContent = f.engine;
      if (row.select && document.activeElement !== row.select) row.select.value = f.engine;
      setState(row, f.state);
    }
  } catch (e) { if (e.message !== "unauthorised") $("filters-empty").hidden = filterRows.size > 0; }
}

async function refreshMetrics() {
  let m;
  try { m = await json(await api("GET", "/api/v1/metrics")); } catch (e) { if (e.message !== "unauthorised") showError(e.message); return; }
  showError("");
  $("obs-state").textContent = "OBS: " + m.obs;
  const s = m.system;
  $("machine").textContent = `CPU ${s.cpu_percent ?? "?"} %  memory ${s.memory_percent ?? "?"} %  jobs waiting ${m.server.jobs_waiting}, running ${m.server.jobs_running}`
    + (m.server.alerts.length ? `  alerts: ${m.server.alerts.join(", ")}` : "");
  const seen = new Set();
  for (const f of m.filters) {
    const key = f.source + "/" + f.filter;
    seen.add(key);
    const row = filterRow(f.source, f.filter);
    setState(row, f.state);
    row.fps.textContent = f.fps.toFixed(1);
    row.latencyText.textContent = f.latency_p95_ms.toFixed(1) + " ms";
    row.faces.textContent = f.faces;
    row.errors.textContent = f.error_rate_percent.toFixed(1) + " %";
    row.alerts.textContent = f.alerts.join(", ");
    row.alerts.className = "alert" + (f.alerts.some((a) => a.includes("critical")) ? " critical" : "");
    const series = latency.get(key) || [];
    series.push(f.latency_p95_ms);
    if (series.length > HISTORY) series.shift();
    latency.set(key, series);
    drawSpark(row.chart, series);
  }
  for (const [key, row] of filterRows) if (!seen.has(key) && m.obs !== "connected") row.tr.classList.add("muted");
  $("filters-empty").hidden = filterRows.size > 0;
}

function filterRow(source, filter) {
  const key = source + "/" + filter;
  if (filterRows.has(key)) return filterRows.get(key);
  const tr = el("tr");
  tr.dataset.key = key;
  const row = { tr, name: el("td", `${source} / ${filter}`), state: el("td"), engine: el("span"), fps: el("td", "-"), latency: el("td"),
    latencyText: el("span", "-"), chart: el("canvas", null, "spark"), faces: el("td", "-"), errors: el("td", "-"), alerts: el("td"), control: el("td", null, "operator-only") };
  row.state.dataset.role = "state";
  row.fps.dataset.role = "fps";
  row.chart.width = 120; row.chart.height = 28;
  row.latency.append(row.latencyText, " ", row.chart);
  const engineCell = el("td");
  engineCell.append(row.engine);
  if (session.permissions.includes("write")) {
    row.select = el("select");
    row.select.setAttribute("aria-label", `engine of ${key}`);
    for (const name of (schema.find((s) => s.key === "engine") || { choices: [] }).choices) row.select.append(el("option", name));
    row.select.addEventListener("change", () => patchSettings(source, filter, { engine: row.select.value }));
    const pause = el("button", "Pause"), resume = el("button", "Resume"), settings = el("button", "Settings");
    pause.addEventListener("click", () => control(source, filter, "pause"));
    resume.addEventListener("click", () => control(source, filter, "resume"));
    settings.addEventListener("click", () => openSettings(source, filter));
    row.control.append(row.select, " ", pause, " ", resume, " ", settings);
  }
  tr.append(row.name, row.state, engineCell, row.fps, row.latency, row.faces, row.errors, row.alerts, row.control);
  $("filters").tBodies[0].append(tr);
  const option = el("option", `${source} / ${filter}`);
  option.value = JSON.stringify([source, filter]);
  $("assistant-filter").append(option);
  filterRows.set(key, row);
  return row;
}

function setState(row, state) {
  row.state.textContent = state;
  row.state.className = "state-" + state;
}

function drawSpark(canvas, values) {
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const top = Math.max(1, ...values);
  g.strokeStyle = "#4aa3ff";
  g.beginPath();
  values.forEach((v, i) => {
    const x = (i / (HISTORY - 1)) * canvas.width, y = canvas.height - 2 - (v / top) * (canvas.height - 4);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

const path = (source, filter) => `/api/v1/filters/${encodeURIComponent(source)}/${encodeURIComponent(filter)}`;

async function patchSettings(source, filter, settings) {
  try {
    await json(await api("PATCH", path(source, filter) + "/settings", settings));
    showError("");
    refreshFilters();
    return true;
  } catch (e) { showError(`${source} / ${filter}: ${e.message}`); return false; }
}

async function control(source, filter, what) {
  try { await json(await api("POST", `${path(source, filter)}/${what}`)); refreshFilters(); } catch (e) { showError(e.message); }
}

// ---------- a filter's settings: a form built from the schema, showing what applies ----------

async function loadSchema() {
  try { schema = (await json(await api("GET", "/api/v1/settings/schema"))).settings || []; } catch (e) { showError(e.message); }
}

// OBS keeps colours as 0xAABBGGRR numbers; a colour input speaks "#rrggbb".
const colourToHex = (abgr) => "#" + [abgr & 0xff, (abgr >> 8) & 0xff, (abgr >> 16) & 0xff].map((c) => c.toString(16).padStart(2, "0")).join("");
const hexToColour = (hex) => { const rgb = parseInt(hex.slice(1), 16); return 0xff000000 + ((rgb & 0xff) << 16) + (rgb & 0xff00) + ((rgb >> 16) & 0xff); };

function settingField(spec, value) {
  let field;
  if (spec.kind === "choice") {
    field = el("select");
    for (const choice of spec.choices) field.append(el("option", choice));
    field.value = value;
  } else if (spec.kind === "mappings") {
    field = el("textarea");
    field.rows = 3;
    field.value = value ?? "";
  } else {
    field = el("input");
    if (spec.kind === "boolean") { field.type = "checkbox"; field.checked = !!value; }
    else if (spec.kind === "number" || spec.kind === "integer") { field.type = "number"; field.min = spec.min; field.max = spec.max; field.step = spec.step; field.value = value; }
    else if (spec.kind === "colour") { field.type = "color"; field.value = typeof value === "number" ? colourToHex(value) : value; }
    else { field.value = value ?? ""; field.size = 36; }
  }
  field.name = spec.key;
  return field;
}

function fieldValue(spec, field) {
  if (spec.kind === "boolean") return field.checked;
  if (spec.kind === "number") return Number(field.value);
  if (spec.kind === "integer") return Math.round(Number(field.value));
  if (spec.kind === "colour") return hexToColour(field.value);
  return field.value;
}

// A setting is shown while every condition of its visible_when holds (the engine's own, the background mode's, ...).
const applies = (spec, values) => (spec.visible_when || []).every((c) => (c.in ? c.in.includes(values[c.key]) : !c.not_in.includes(values[c.key])));

function updateShown() {
  const values = {};
  for (const [key, { spec, field }] of editing.fields) values[key] = String(fieldValue(spec, field));
  for (const { spec, label } of editing.fields.values()) label.hidden = !applies(spec, values);
}

let editing = null;
async function openSettings(source, filter) {
  try {
    const data = await json(await api("GET", path(source, filter) + "/settings"));
    const current = data.settings || data;
    editing = { source, filter, fields: new Map(), initial: {} };
    $("settings-target").textContent = `${source} / ${filter}`;
    const form = $("settings-form");
    form.replaceChildren();
    for (const spec of schema.filter((s) => s.obs)) {
      const field = settingField(spec, spec.key in current ? current[spec.key] : (spec.obs_default ?? spec.default));
      const label = el("label");
      label.dataset.setting = spec.key;
      label.title = spec.help;
      label.append(el("span", spec.label), field);
      form.append(label);
      editing.fields.set(spec.key, { spec, field, label });
      editing.initial[spec.key] = fieldValue(spec, field);
    }
    form.oninput = updateShown;
    updateShown();
    $("settings-result").textContent = "";
    $("settings-editor").hidden = false;
  } catch (e) { showError(e.message); }
}

$("settings-form").addEventListener("submit", (e) => e.preventDefault());
$("settings-save").addEventListener("click", async () => {
  const changes = {};
  for (const [key, { spec, field }] of editing.fields) {
    const value = fieldValue(spec, field);
    if (value !== editing.initial[key]) changes[key] = value;
  }
  if (!Object.keys(changes).length) { $("settings-result").textContent = "nothing changed"; return; }
  const applied = await patchSettings(editing.source, editing.filter, changes);
  if (applied) Object.assign(editing.initial, changes);
  $("settings-result").textContent = applied ? "applied" : "refused (see above)";
});
$("settings-close").addEventListener("click", () => { $("settings-editor").hidden = true; });

// ---------- events: the history, then the live stream (fetch, because EventSource cannot send a token) ----------

async function loadEvents() {
  try {
    const events = await json(await api("GET", `/api/v1/events?newest=${MAX_EVENTS}`));
    for (const ev of events) addEvent(ev);
  } catch { /* the stream still starts */ }
  stream();
}

async function stream() {
  streamAbort = new AbortController();
  const signal = streamAbort.signal;
  while (!signal.aborted) {
    try {
      const r = await fetch("/api/v1/events/stream", { headers: { Authorization: "Bearer " + session.access }, signal });
      if (r.status === 401) { if (!(await refreshTokens())) { showLogin("Your session ended; log in again."); return; } continue; }
      $("stream-state").textContent = "stream: live";
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          const type = (block.split("\n").find((l) => l.startsWith("event:")) || "").slice(6).trim();
          if (data && type !== "READY") onEvent(JSON.parse(data));
        }
      }
    } catch { if (signal.aborted) return; }
    $("stream-state").textContent = "stream: reconnecting";
    await new Promise((ok) => setTimeout(ok, 2000));
  }
}

const eventIds = new Set();
function onEvent(ev) {
  addEvent(ev);
  if (ev.type === "STATE_CHANGED" && ev.filter) setState(filterRow(ev.source, ev.filter), ev.payload.to);
  if (ev.type.startsWith("TASK_")) jobRow(ev.payload);
}

function addEvent(ev) {
  if (eventIds.has(ev.id)) return;
  eventIds.add(ev.id);
  const tr = el("tr");
  tr.dataset.type = ev.type;
  const where = ev.filter ? `${ev.source} / ${ev.filter}` : ev.source || (ev.type.startsWith("TASK_") ? `job ${ev.payload.id}` : "");
  tr.append(el("td", ev.id), el("td", ev.time.slice(11, 19)), el("td", ev.type), el("td", where), el("td", summary(ev)));
  const body = $("events").tBodies[0];
  body.prepend(tr);
  while (body.rows.length > MAX_EVENTS) body.deleteRow(body.rows.length - 1);
}

function summary(ev) {
  const p = ev.payload;
  if (ev.type === "STATE_CHANGED") return `${p.from} -> ${p.to}${p.reason ? ": " + p.reason : ""}`;
  if (ev.type.startsWith("TASK_")) return `${p.state}${p.progress !== undefined ? " " + Math.round(p.progress * 100) + " %" : ""}${p.error ? ": " + p.error : ""}`;
  return JSON.stringify(p);
}

// ---------- jobs ----------

const jobRows = new Map();
async function refreshJobs() {
  try {
    const data = await json(await api("GET", "/api/v1/jobs/?limit=50"));
    for (const job of data.jobs.slice().reverse()) jobRow(job);
  } catch { /* shown by the metrics poll */ }
}

function jobRow(job) {
  let row = jobRows.get(job.id);
  if (!row) {
    const tr = el("tr");
    tr.dataset.job = job.id;
    row = { tr, state: el("td"), bar: el("progress"), owner: el("td"), actions: el("td") };
    row.bar.max = 1;
    const progress = el("td");
    progress.append(row.bar);
    tr.append(el("td", job.id), el("td", job.input), row.state, progress, row.owner, row.actions);
    $("jobs").tBodies[0].prepend(tr);
    jobRows.set(job.id, row);
  }
  row.state.textContent = job.result ? `${job.state} (${job.result})` : job.state;
  row.state.className = "state-" + job.state;
  row.state.title = job.error || "";
  row.bar.value = job.progress;
  row.owner.textContent = job.owner;
  row.actions.replaceChildren();
  if (job.result_url) {
    const look = el("button", "Preview");
    look.addEventListener("click", () => preview(job));
    const get = el("button", "Download");
    get.addEventListener("click", () => download(job));
    row.actions.append(look, get);
  }
  if (!job.result && session.permissions.includes("execute")) {
    const cancel = el("button", "Cancel");
    cancel.addEventListener("click", async () => { try { jobRow(await json(await api("POST", `/api/v1/jobs/${job.id}/cancel`))); } catch (e) { showError(e.message); } });
    row.actions.append(cancel);
  }
}

// A finished job's result in the page: pictures and browser-playable videos (H.264 MP4) shown
// from the authenticated download (a blob: URL, since <video src> cannot send the token).
let previewUrl = null;
async function preview(job) {
  try {
    const r = await api("GET", job.result_url);
    if (!r.ok) { await json(r); return; }
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(await r.blob());
    const box = $("job-preview");
    box.hidden = false;
    $("job-preview-title").textContent = `job ${job.id}: ${job.input}`;
    let shown;
    if (job.output_format === "mp4") {
      shown = el("video");
      shown.controls = true;
      shown.muted = true; // may start without a click; the sound is there to unmute
      shown.src = previewUrl;
    } else if (job.output_format === "png" || job.output_format === "jpg") {
      shown = el("img");
      shown.alt = `result of job ${job.id}`;
      shown.src = previewUrl;
    } else {
      shown = el("p", "Motion-JPEG AVI does not play in browsers: download it, or ask for mp4.");
    }
    $("job-preview-media").replaceChildren(shown);
  } catch (e) { showError(e.message); }
}

async function download(job) {
  try {
    const r = await api("GET", job.result_url);
    if (!r.ok) { await json(r); return; }
    const url = URL.createObjectURL(await r.blob());
    const a = el("a");
    a.href = url;
    a.download = (job.input.replace(/\.[^.]*$/, "") || "result") + ".aisp." + job.output_format;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) { showError(e.message); }
}

$("job-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData();
  if ($("job-settings").value.trim()) form.append("settings", $("job-settings").value.trim());
  form.append("file", $("job-file").files[0]);
  try {
    const job = await json(await api("POST", "/api/v1/jobs/upload", form, true));
    jobRow(job);
    $("job-result").textContent = `job ${job.id} queued`;
  } catch (err) { $("job-result").textContent = err.message; }
});

// ---------- the assistant ----------

async function ask(apply) {
  const target = $("assistant-filter").value ? JSON.parse($("assistant-filter").value) : null;
  if (apply && !target) { $("assistant-result").textContent = "choose the filter to apply it to"; return; }
  const body = { instruction: $("assistant-text").value.trim() };
  if (target) { body.source = target[0]; body.filter = target[1]; }
  $("assistant-result").textContent = "thinking…";
  try {
    const s = await json(await api("POST", apply ? "/api/v1/assistant/apply" : "/api/v1/assistant/suggest", body));
    const what = s.choices.length ? `${s.planner}: ${JSON.stringify(s.settings)}` : "nothing to change";
    $("assistant-result").textContent = (apply && s.applied ? "applied. " : "") + what + (s.fallback ? ` (the rules answered: ${s.fallback})` : "");
    // Not understood is an answer: which words, and what the assistant can do instead.
    const notUnderstood = $("assistant-not-understood");
    notUnderstood.hidden = s.understood === "all";
    if (s.understood !== "all") {
      const words = (s.not_understood || []).join(", ");
      const zh = /[\u2e80-\u9fff]/.test(body.instruction);
      const head = s.understood === "nothing"
        ? (zh ? "没有听懂这条指令" : "Not understood: nothing in it is something AISP can do")
        : (zh ? `没有听懂：${words}` : `Not understood: ${words}`);
      notUnderstood.replaceChildren(el("p", head), el("p", zh ? "我能做的：" : "What I can do:"), ...s.can_do.map(c => el("li", c)));
    }
    const rows = $("assistant-choices").tBodies[0];
    rows.replaceChildren();
    for (const c of s.choices) {
      const tr = el("tr");
      tr.dataset.setting = c.setting;
      tr.append(el("td", c.setting), el("td", JSON.stringify(c.value)), el("td", c.reason), el("td", c.candidates.join("; ")));
      rows.append(tr);
    }
  } catch (err) { $("assistant-result").textContent = err.message; }
}

$("assistant-form").addEventListener("submit", (e) => { e.preventDefault(); ask(false); });
$("assistant-apply").addEventListener("click", () => ask(true));

// ---------- the face library ----------

const thumbnails = new Map(); // "name@updated" -> object URL of its thumbnail
let shownFaces = "";           // what the table shows, so a poll that finds no change leaves it alone

async function refreshFaces() {
  try {
    const data = await json(await api("GET", "/api/v1/faces/"));
    $("faces-library").textContent = data.library ?? "(shown to admins)"; // the server's paths are for admins only
    $("faces-empty").hidden = data.faces.length > 0;
    const shown = JSON.stringify(data.faces);
    if (shown === shownFaces) return;
    shownFaces = shown;
    const body = $("faces").tBodies[0];
    body.replaceChildren();
    for (const f of data.faces) {
      const tr = el("tr"), picture = el("td"), actions = el("td", null, "operator-only");
      tr.dataset.face = f.name;
      if (f.thumbnail) picture.append(await thumbnail(f));
      const remove = el("button", "Remove");
      remove.addEventListener("click", async () => {
        try { await json(await api("DELETE", `/api/v1/faces/${encodeURIComponent(f.name)}`)); $("face-result").textContent = `removed ${f.name}`; refreshFaces(); } catch (err) { $("face-result").textContent = err.message; }
      });
      actions.append(remove);
      tr.append(picture, el("td", f.name), el("td", f.embeddings), el("td", String(f.updated).slice(0, 19)), actions);
      body.append(tr);
    }
  } catch (e) { $("face-result").textContent = e.message; }
}

// The thumbnail needs the bearer token, so it comes through fetch and shows as a blob URL.
async function thumbnail(f) {
  const key = `${f.name}@${f.updated}`;
  if (!thumbnails.has(key)) {
    const r = await api("GET", `/api/v1/faces/${encodeURIComponent(f.name)}/thumbnail`);
    thumbnails.set(key, r.ok ? URL.createObjectURL(await r.blob()) : "");
  }
  const img = el("img", null, "thumb");
  img.alt = f.name;
  img.src = thumbnails.get(key);
  return img;
}

$("face-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData();
  form.append("name", $("face-name").value.trim());
  if ($("face-pick").value) form.append("pick", $("face-pick").value);
  form.append("photo", $("face-photo").files[0]);
  $("face-result").textContent = "enrolling…";
  try {
    const added = await json(await api("POST", "/api/v1/faces/", form, true));
    $("face-result").textContent = `enrolled ${added.name} (${added.embeddings} photos)`;
    refreshFaces();
  } catch (err) { $("face-result").textContent = err.message; }
});

// ---------- users (admins) ----------

async function refreshUsers() {
  try {
    const users = await json(await api("GET", "/api/v1/users/"));
    const body = $("users").tBodies[0];
    body.replaceChildren();
    for (const u of users) {
      const tr = el("tr"), remove = el("button", "Remove"), actions = el("td");
      remove.addEventListener("click", async () => { try { await json(await api("DELETE", `/api/v1/users/${encodeURIComponent(u.username)}`)); refreshUsers(); } catch (err) { $("user-result").textContent = err.message; } });
      actions.append(remove);
      tr.append(el("td", u.username), el("td", u.role), el("td", String(u.created).slice(0, 19)), actions);
      body.append(tr);
    }
  } catch (e) { $("user-result").textContent = e.message; }
}

$("user-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    await json(await api("POST", "/api/v1/users/", { username: $("user-name").value, password: $("user-password").value, role: $("user-role").value }));
    $("user-result").textContent = `added ${$("user-name").value}`;
    $("user-password").value = "";
    refreshUsers();
  } catch (err) { $("user-result").textContent = err.message; }
});

if (session.access) start(); else showLogin();
