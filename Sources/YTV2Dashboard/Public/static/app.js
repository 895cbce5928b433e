// YTV2 dashboard: filters, cards, reader, player and live updates over the JSON API. No framework, no CDN.
"use strict";

const DEFAULT_SORT = "added_desc";
// The list's parameters kept in the address, besides q, sort, page and report.
const FILTER_PARAMS = ["category", "subcategory", "channel", "language", "content_type", "complexity", "summary_type", "has_audio"];
const state = {
  page: 1, size: 12, sort: DEFAULT_SORT, q: "",
  filters: {},            // parameter -> array of values
  report: null,           // id of the report open in its card, or null
  reports: [], total: 0, pages: 0,
  loadedKey: null,        // the list query the cards show, so a change of the open report alone fetches nothing
  listIDs: [],            // the ids that query answered, to tell on return from the background whether it changed
  ticket: 0,              // the latest load; answers of older ones are dropped
  capabilities: { delete: { enabled: true } },
  playing: null,          // video_id of the card whose audio is loaded
  pendingChanges: 0,
};
const $ = (id) => document.getElementById(id);

// ---- Theme -------------------------------------------------------------------------------------------------
function applyTheme(choice) {
  const dark = choice === "dark" || (choice === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}
function initTheme() {
  const saved = localStorage.getItem("ytv2.theme") || "system";
  $("theme").value = saved;
  applyTheme(saved);
  $("theme").addEventListener("change", (e) => { localStorage.setItem("ytv2.theme", e.target.value); applyTheme(e.target.value); });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => applyTheme($("theme").value));
}

// ---- Address ------------------------------------------------------------------------------------------------
// Search, filters, sort, page and the open report live in the address: a reload or a shared link shows the same view,
// and every change is a history entry, so Back and Forward step through them.
function address() {
  const params = new URLSearchParams();
  for (const name of FILTER_PARAMS) for (const value of state.filters[name] || []) params.append(name, value);
  if (state.q) params.set("q", state.q);
  if (state.sort !== DEFAULT_SORT) params.set("sort", state.sort);
  if (state.page > 1) params.set("page", state.page);
  if (state.report) params.set("report", state.report);
  const text = params.toString();
  return location.pathname + (text ? "?" + text : "");
}
function remember({ replace = false } = {}) {
  const url = address();
  if (url === location.pathname + location.search && !location.hash) return;
  history[replace ? "replaceState" : "pushState"](null, "", url);
}
function readAddress() {
  const params = new URLSearchParams(location.search);
  state.filters = {};
  for (const name of FILTER_PARAMS) {
    const values = params.getAll(name).filter(Boolean);
    if (values.length) state.filters[name] = values;
  }
  state.q = (params.get("q") || "").trim();
  const sorts = [...$("sort").options].map((o) => o.value);
  state.sort = sorts.includes(params.get("sort")) ? params.get("sort") : DEFAULT_SORT;
  const page = Number.parseInt(params.get("page") || "1", 10);
  state.page = page > 0 ? page : 1;
  // `#report=<id>`: the links of earlier versions, of `ytv2 process` and of the Telegram bot.
  const hash = location.hash.match(/^#report=(.+)$/);
  state.report = params.get("report") || (hash ? decodeURIComponent(hash[1]) : null);
  $("search").value = state.q;
  $("sort").value = state.sort;
}

// ---- Query string --------------------------------------------------------------------------------------------
function query(extra = {}) {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(state.filters)) for (const v of values) params.append(name, v);
  if (state.q) params.set("q", state.q);
  params.set("sort", state.sort);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params;
}
async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}
function showError(message) { $("summary-line").textContent = "⚠ " + message; }

// ---- Loading -------------------------------------------------------------------------------------------------
// Fetches the list when its query changed (`force`: also when it did not), then opens the report of the address.
// `scroll`: bring the list's top into view (a new page starts at its first card, not where the old one ended).
async function load({ scroll = false, force = false } = {}) {
  const key = query({ page: state.page, size: state.size }).toString();
  if (force || key !== state.loadedKey) {
    const ticket = ++state.ticket;
    try {
      const [list, facets] = await Promise.all([
        getJSON("/api/reports?" + key),
        getJSON("/api/filters?" + query()),
      ]);
      if (ticket !== state.ticket) return;
      state.reports = list.reports; state.total = list.pagination.total; state.pages = list.pagination.pages;
      state.loadedKey = key; state.listIDs = list.reports.map((r) => r.id);
      renderCards(); renderFacets(facets); renderPager();
    } catch (error) { if (ticket === state.ticket) showError(error.message); return; }
    if (scroll) $("summary-line").scrollIntoView({ block: "start" });
  }
  showReport();
}
// A change made by the user: a new history entry, then the view it asks for.
function change(options) { remember(); load(options); }

// ---- Facets --------------------------------------------------------------------------------------------------
const facetGroups = [
  ["categories", "category", "Categories"], ["channels", "channel", "Channels"], ["languages", "language", "Languages"],
  ["content_type", "content_type", "Content type"], ["complexity_level", "complexity", "Complexity"],
  ["summary_type", "summary_type", "Summary type"], ["has_audio", "has_audio", "Audio"],
];
function isActive(param, value) { return (state.filters[param] || []).includes(String(value)); }
function toggleFilter(param, value, only = false) {
  value = String(value);
  const values = state.filters[param] || [];
  state.filters[param] = only ? [value] : values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  if (state.filters[param].length === 0) delete state.filters[param];
  state.page = 1; change();
}
function facetItem(param, entry, label) {
  const li = document.createElement("li");
  const box = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox"; input.checked = isActive(param, entry.value);
  input.addEventListener("change", () => toggleFilter(param, entry.value));
  box.append(input, " " + label + " ");
  const count = document.createElement("span"); count.className = "count"; count.textContent = entry.count;
  const only = document.createElement("button");
  only.type = "button"; only.className = "link-button only"; only.textContent = "only";
  only.addEventListener("click", () => toggleFilter(param, entry.value, true));
  box.append(count);
  li.append(box, only);
  return li;
}
function renderFacets(facets) {
  const root = $("facets"); root.textContent = "";
  for (const [key, param, title] of facetGroups) {
    const entries = facets[key] || [];
    if (entries.length === 0) continue;
    const section = document.createElement("section");
    const h = document.createElement("h2"); h.textContent = title;
    const list = document.createElement("ul");
    for (const entry of entries.slice(0, 30)) {
      const label = key === "has_audio" ? (entry.value ? "With audio" : "Without audio") : (entry.label || entry.value);
      const li = facetItem(param, entry, label);
      if (key === "categories" && entry.subcategories && entry.subcategories.length) {
        const sub = document.createElement("ul"); sub.className = "subfacets";
        for (const s of entry.subcategories) sub.append(facetItem("subcategory", s, s.value));
        li.append(sub);
      }
      list.append(li);
    }
    section.append(h, list); root.append(section);
  }
}

// ---- Cards ---------------------------------------------------------------------------------------------------
function duration(seconds) {
  if (seconds == null) return "";
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}
function chip(text, param, value) {
  const b = document.createElement("button");
  b.type = "button"; b.className = "chip" + (param === "subcategory" ? " sub" : ""); b.textContent = text;
  b.addEventListener("click", () => toggleFilter(param, value));
  return b;
}
function renderCards() {
  const list = $("cards"); list.textContent = "";
  $("summary-line").textContent =
    state.total === 0 ? "No summaries match." : state.reports.length === 0 ? `${state.total} summaries; none on page ${state.page}.` : `${state.total} summaries`;
  for (const item of state.reports) list.append(card(item));
}
// The placeholder's colour: the same hash as the report page's (ThumbnailPlaceholder.swift): 31-based over UTF-16
// units, then the top three bits of a Fibonacci multiplication.
function placeholderHue(channel, title) {
  const key = channel || title || "";
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) >>> 0;
  return Math.imul(hash, 2654435761) >>> 29;
}
function initial(title) {
  const letter = [...(title || "")].find((c) => /[\p{L}\p{N}]/u.test(c));
  return letter ? letter.toUpperCase() : "▶";
}
// The thumbnail lies over its placeholder (the title's initial on the channel's colour); an image that cannot load
// (no internet on a NAS or a private network) is removed, so the placeholder shows instead of an empty box.
function thumbnail(node, item) {
  const box = node.querySelector(".thumb");
  box.classList.add("hue-" + placeholderHue(item.channel_name, item.title));
  box.querySelector("span").textContent = initial(item.title);
  const image = box.querySelector("img");
  if (!item.thumbnail_url) { image.remove(); box.classList.add("failed"); return; }
  image.addEventListener("error", () => { image.remove(); box.classList.add("failed"); }, { once: true });
  image.src = item.thumbnail_url;
}
function card(item) {
  const node = $("card-template").content.firstElementChild.cloneNode(true);
  node.dataset.id = item.id; node.id = "card-" + item.video_id;
  thumbnail(node, item);
  node.querySelector(".title").textContent = item.title;
  node.querySelector(".meta").textContent = [item.channel_name, item.analysis.language, duration(item.duration_seconds)].filter(Boolean).join(" · ");
  node.querySelector(".preview").textContent = item.summary_preview || "";
  const chips = node.querySelector(".chips");
  for (const entry of item.analysis.categories || []) {
    chips.append(chip(entry.category, "category", entry.category));
    for (const sub of entry.subcategories || []) chips.append(chip(sub, "subcategory", sub));
  }
  node.querySelector(".watch").href = item.canonical_url;
  node.querySelector(".read").addEventListener("click", () => {
    const opening = node.querySelector(".reader").hidden;
    state.report = opening ? item.id : null;
    remember();
    showReport();
  });
  const listen = node.querySelector(".listen");
  if (item.media.has_audio) listen.addEventListener("click", () => play(item)); else listen.hidden = true;
  node.querySelector(".copy").addEventListener("click", () => copyLink(item));
  const remove = node.querySelector(".delete");
  if (state.capabilities.delete.enabled) remove.addEventListener("click", () => removeReport(item, node)); else remove.remove();
  return node;
}
// List items carry a preview only; the full summaries of a card come from the single-report route when it is read.
const fullItems = new Map();
async function fullItem(item) {
  if (item.summary_variants.every((v) => typeof v.html === "string")) return item;
  if (!fullItems.has(item.id)) {
    fullItems.set(item.id, getJSON(`/api/reports/${encodeURIComponent(item.id)}`).catch((e) => { fullItems.delete(item.id); throw e; }));
  }
  return fullItems.get(item.id);
}
function skeleton() {
  const box = document.createElement("div");
  box.className = "skeleton"; box.setAttribute("aria-busy", "true"); box.setAttribute("aria-label", "Loading the summary");
  for (let i = 0; i < 3; i++) box.append(document.createElement("span"));
  return box;
}
async function toggleReader(node, item, show) {
  const reader = node.querySelector(".reader");
  if (reader.hidden === !show) return;
  reader.hidden = !show;
  node.querySelector(".read").textContent = show ? "Collapse" : "Read";
  if (!show) return;
  const tabs = reader.querySelector(".variants"); tabs.textContent = "";
  const summary = reader.querySelector(".summary");
  summary.textContent = ""; summary.append(skeleton());
  let full;
  try { full = await fullItem(item); } catch (error) { summary.textContent = "⚠ " + error.message; return; }
  const select = (variant) => {
    // The server renders summary HTML from escaped text only (no markup from any source reaches the page).
    summary.innerHTML = variant.html;
    for (const t of tabs.children) t.setAttribute("aria-selected", t.dataset.variant === variant.variant);
  };
  for (const variant of full.summary_variants) {
    const tab = document.createElement("button");
    tab.type = "button"; tab.role = "tab"; tab.dataset.variant = variant.variant; tab.textContent = variant.summary_type;
    tab.addEventListener("click", () => select(variant));
    tabs.append(tab);
  }
  if (full.summary_variants.length) select(full.summary_variants[0]);
  else summary.textContent = "No summary yet.";
}
async function copyLink(item) {
  const url = `${location.origin}/${item.video_id}.json?v=2`;
  try { await navigator.clipboard.writeText(url); } catch { window.prompt("Copy this link", url); }
}
function adminToken() {
  let token = sessionStorage.getItem("ytv2.adminToken");
  if (!token) { token = window.prompt("Admin token (kept for this session)"); if (token) sessionStorage.setItem("ytv2.adminToken", token); }
  return token;
}
async function removeReport(item, node) {
  if (!window.confirm(`Delete “${item.title}”? This cannot be undone.`)) return;
  const token = adminToken(); if (!token) return;
  const response = await fetch(`/api/delete/${encodeURIComponent(item.id)}`, {
    method: "DELETE", headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
  });
  if (!response.ok) {
    const b = await response.json().catch(() => ({}));
    // The server's own sentence: a wrong token, deleting turned off since the page loaded, the database away, ...
    if (response.status === 401) sessionStorage.removeItem("ytv2.adminToken");
    showError("Not deleted: " + (b.message || response.statusText));
    if (response.status !== 404) return; // 404: it is gone already, so the card goes too
  }
  if (state.report === item.id) { state.report = null; remember({ replace: true }); }
  node.remove(); state.total -= 1; $("summary-line").textContent = `${state.total} summaries`;
  state.reports = state.reports.filter((r) => r !== item);
}
// Opens the reader of the address's report (one at a time) and closes the others. A report that is not on the page
// (a shared link) is fetched and shown first.
function showReport() {
  const id = state.report;
  const item = id && state.reports.find((r) => r.id === id || r.video_id === id);
  for (const node of $("cards").children) {
    if (!item || node.dataset.id !== item.id) toggleReader(node, null, false);
  }
  if (!id) return;
  const node = item && document.getElementById("card-" + item.video_id);
  if (node) {
    const opening = node.querySelector(".reader").hidden;
    toggleReader(node, item, true);
    if (opening) node.scrollIntoView({ block: "start" });
  } else {
    getJSON(`/api/reports/${encodeURIComponent(id)}`).then((item) => {
      if (state.report !== id) return;
      state.reports.unshift(item);
      const node = card(item); $("cards").prepend(node); toggleReader(node, item, true);
    }).catch((e) => showError(e.message));
  }
}

// ---- Pager ---------------------------------------------------------------------------------------------------
function renderPager() {
  $("page-info").textContent = state.pages ? `Page ${state.page} of ${state.pages} · ${state.total} total` : "";
  $("prev-page").disabled = state.page <= 1; $("next-page").disabled = state.page >= state.pages;
}

// ---- Player --------------------------------------------------------------------------------------------------
function play(item) {
  if (!item || !item.media.has_audio) return;
  const audio = $("audio");
  if (state.playing === item.video_id && !audio.paused) { audio.pause(); return; }
  if (state.playing !== item.video_id) { audio.src = item.media.audio_url; state.playing = item.video_id; }
  $("player").hidden = false; $("player-title").textContent = item.title;
  audio.playbackRate = Number($("player-speed").value);
  audio.play().catch((e) => showError("Cannot play audio: " + e.message));
}
function step(delta) {
  const current = state.reports.findIndex((r) => r.video_id === state.playing);
  for (let i = current + delta; i >= 0 && i < state.reports.length; i += delta) {
    if (state.reports[i].media.has_audio) { play(state.reports[i]); return; }
  }
}
function initPlayer() {
  const audio = $("audio");
  $("player-toggle").addEventListener("click", () => (audio.paused ? audio.play() : audio.pause()));
  $("player-prev").addEventListener("click", () => step(-1));
  $("player-next").addEventListener("click", () => step(1));
  $("player-speed").addEventListener("change", (e) => { audio.playbackRate = Number(e.target.value); });
  $("player-seek").addEventListener("input", (e) => { if (audio.duration) audio.currentTime = (e.target.value / 1000) * audio.duration; });
  audio.addEventListener("play", () => { $("player-toggle").textContent = "⏸"; });
  audio.addEventListener("pause", () => { $("player-toggle").textContent = "▶"; });
  audio.addEventListener("ended", () => step(1));
  audio.addEventListener("timeupdate", () => {
    const position = `${duration(audio.currentTime)} / ${duration(audio.duration || 0)}`;
    $("player-time").textContent = position;
    if (audio.duration) $("player-seek").value = Math.round((audio.currentTime / audio.duration) * 1000);
    const node = state.playing ? document.getElementById("card-" + state.playing) : null;
    if (node) { const p = node.querySelector(".progress"); p.hidden = false; p.textContent = "▶ " + position; }
  });
}

// ---- Live updates --------------------------------------------------------------------------------------------
// One event stream while the page is shown. A browser opens at most six connections to a server: streams left open by
// background tabs and by pages kept for Back would use them up and stall every other request, so the stream closes
// when the page is hidden or left, and on return the list is compared with the server's to say whether it changed.
let liveSource = null;
function announce(text) {
  $("live-text").textContent = text;
  $("live-banner").hidden = false;
}
function openLive() {
  if (!window.EventSource || liveSource) return;
  const source = new EventSource("/api/report-events");
  liveSource = source;
  const changed = (event) => {
    // A changed video's full summaries are fetched again when it is next read.
    try { fullItems.delete("yt:" + JSON.parse(event.data).video_id); } catch { fullItems.clear(); }
    state.pendingChanges += 1;
    announce(state.pendingChanges === 1 ? "A summary was added or changed." : `${state.pendingChanges} summaries were added or changed.`);
  };
  source.addEventListener("report-added", changed);
  source.addEventListener("report-updated", changed);
  source.addEventListener("resync", changed);
  source.addEventListener("report-deleted", (event) => {
    const data = JSON.parse(event.data);
    const node = document.getElementById("card-" + data.video_id);
    if (node) {
      node.remove(); state.total -= 1; $("summary-line").textContent = `${state.total} summaries`;
      state.reports = state.reports.filter((r) => r.video_id !== data.video_id);
    }
  });
}
function closeLive() {
  if (liveSource) { liveSource.close(); liveSource = null; }
}
async function checkForChanges() {
  if (!state.loadedKey) return;
  try {
    const list = await getJSON("/api/reports?" + state.loadedKey);
    if (list.pagination.total !== state.total || list.reports.map((r) => r.id).join() !== state.listIDs.join()) {
      fullItems.clear();
      announce("Summaries were added or changed while this page was in the background.");
    }
  } catch { /* the next load says what is wrong */ }
}
function initLive() {
  openLive();
  window.addEventListener("pagehide", closeLive);
  window.addEventListener("pageshow", (event) => { if (event.persisted) { openLive(); checkForChanges(); } });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) closeLive(); else if (!liveSource) { openLive(); checkForChanges(); }
  });
  $("live-refresh").addEventListener("click", () => { state.pendingChanges = 0; $("live-banner").hidden = true; load({ force: true }); });
}

// ---- Capabilities --------------------------------------------------------------------------------------------
// Which writes the server accepts: an action it refuses is not offered, and the sidebar says why.
async function loadCapabilities() {
  try { state.capabilities = await getJSON("/api/capabilities"); } catch { return; }  // unknown: offer, the server decides
  const reason = state.capabilities.delete.enabled ? "" : state.capabilities.delete.reason;
  $("capabilities-note").textContent = reason || "";
  $("capabilities-note").hidden = !reason;
}

// ---- Wiring --------------------------------------------------------------------------------------------------
async function init() {
  initTheme(); initPlayer(); initLive();
  readAddress();
  remember({ replace: true });  // `#report=` links become `?report=`
  let debounce;
  $("search").addEventListener("input", (e) => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      if (state.q === e.target.value.trim()) return;
      state.q = e.target.value.trim(); state.page = 1; change();
    }, 300);
  });
  $("sort").addEventListener("change", (e) => { state.sort = e.target.value; state.page = 1; change(); });
  $("clear-all").addEventListener("click", () => { state.filters = {}; state.q = ""; $("search").value = ""; state.page = 1; change(); });
  $("prev-page").addEventListener("click", () => { if (state.page > 1) { state.page -= 1; change({ scroll: true }); } });
  $("next-page").addEventListener("click", () => { if (state.page < state.pages) { state.page += 1; change({ scroll: true }); } });
  $("menu-toggle").addEventListener("click", () => document.body.classList.toggle("show-sidebar"));
  window.addEventListener("popstate", () => {
    const page = state.page;
    readAddress(); load({ scroll: state.page !== page });
  });
  window.addEventListener("hashchange", () => { readAddress(); remember({ replace: true }); load(); });
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea")) return;
    if (e.key === " ") { e.preventDefault(); const a = $("audio"); if (a.src) (a.paused ? a.play() : a.pause()); else step(1); }
    else if (e.key === "j" || e.key === "J") step(1);
    else if (e.key === "k" || e.key === "K") step(-1);
    else if (e.key === "Escape" && state.report) { state.report = null; remember(); showReport(); }
  });
  await loadCapabilities();
  load();
}
document.addEventListener("DOMContentLoaded", init);
