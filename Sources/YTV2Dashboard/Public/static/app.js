// YTV2 dashboard: filters, cards, reader, player and live updates over the JSON API. No framework, no CDN.
"use strict";

const state = {
  page: 1, size: 12, sort: "added_desc", q: "",
  filters: {},            // parameter -> array of values
  reports: [], total: 0, pages: 0,
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
async function load() {
  try {
    const [list, facets] = await Promise.all([
      getJSON("/api/reports?" + query({ page: state.page, size: state.size })),
      getJSON("/api/filters?" + query()),
    ]);
    state.reports = list.reports; state.total = list.pagination.total; state.pages = list.pagination.pages;
    renderCards(); renderFacets(facets); renderPager();
  } catch (error) { showError(error.message); }
}

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
  state.page = 1; load();
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
    const h = document.createElement("h3"); h.textContent = title;
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
  $("summary-line").textContent = state.total === 0 ? "No summaries match." : `${state.total} summaries`;
  for (const item of state.reports) list.append(card(item));
  openDeepLink();
}
function card(item) {
  const node = $("card-template").content.firstElementChild.cloneNode(true);
  node.dataset.id = item.id; node.id = "card-" + item.video_id;
  const thumb = node.querySelector(".thumb");
  thumb.addEventListener("error", () => thumb.classList.add("missing"), { once: true });  // offline: keep the layout
  thumb.src = item.thumbnail_url;
  node.querySelector(".title").textContent = item.title;
  node.querySelector(".meta").textContent = [item.channel_name, item.analysis.language, duration(item.duration_seconds)].filter(Boolean).join(" · ");
  node.querySelector(".preview").textContent = item.summary_preview || "";
  const chips = node.querySelector(".chips");
  for (const entry of item.analysis.categories || []) {
    chips.append(chip(entry.category, "category", entry.category));
    for (const sub of entry.subcategories || []) chips.append(chip(sub, "subcategory", sub));
  }
  node.querySelector(".watch").href = item.canonical_url;
  node.querySelector(".read").addEventListener("click", () => toggleReader(node, item));
  const listen = node.querySelector(".listen");
  if (item.media.has_audio) listen.addEventListener("click", () => play(item)); else listen.hidden = true;
  node.querySelector(".copy").addEventListener("click", () => copyLink(item));
  node.querySelector(".delete").addEventListener("click", () => remove(item, node));
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
async function toggleReader(node, item, open) {
  const reader = node.querySelector(".reader");
  const show = open ?? reader.hidden;
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
async function remove(item, node) {
  if (!window.confirm(`Delete “${item.title}”? This cannot be undone.`)) return;
  const token = adminToken(); if (!token) return;
  const response = await fetch(`/api/delete/${encodeURIComponent(item.id)}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 401) { sessionStorage.removeItem("ytv2.adminToken"); showError("The admin token was not accepted."); return; }
  if (!response.ok) {
    const b = await response.json().catch(() => ({}));
    showError(b.message || "Delete failed");
    if (response.status !== 404) return; // 404: it is gone already, so the card goes too
  }
  node.remove(); state.total -= 1; $("summary-line").textContent = `${state.total} summaries`;
  state.reports = state.reports.filter((r) => r !== item);
}
function openDeepLink() {
  const match = location.hash.match(/^#report=(.+)$/);
  if (!match) return;
  const id = decodeURIComponent(match[1]);
  const item = state.reports.find((r) => r.id === id || r.video_id === id);
  const node = item && document.getElementById("card-" + item.video_id);
  if (node) {
    toggleReader(node, item, true); node.scrollIntoView({ block: "start" });
  } else {
    getJSON(`/api/reports/${encodeURIComponent(id)}`).then((item) => {
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
function initLive() {
  if (!window.EventSource) return;
  const source = new EventSource("/api/report-events");
  const announce = (event) => {
    // A changed video's full summaries are fetched again when it is next read.
    try { fullItems.delete("yt:" + JSON.parse(event.data).video_id); } catch { fullItems.clear(); }
    state.pendingChanges += 1;
    $("live-text").textContent = state.pendingChanges === 1 ? "A summary was added or changed." : `${state.pendingChanges} summaries were added or changed.`;
    $("live-banner").hidden = false;
  };
  source.addEventListener("report-added", announce);
  source.addEventListener("report-updated", announce);
  source.addEventListener("resync", announce);
  source.addEventListener("report-deleted", (event) => {
    const data = JSON.parse(event.data);
    const node = document.getElementById("card-" + data.video_id);
    if (node) {
      node.remove(); state.total -= 1; $("summary-line").textContent = `${state.total} summaries`;
      state.reports = state.reports.filter((r) => r.video_id !== data.video_id);
    }
  });
  $("live-refresh").addEventListener("click", () => { state.pendingChanges = 0; $("live-banner").hidden = true; load(); });
}

// ---- Wiring --------------------------------------------------------------------------------------------------
function init() {
  initTheme(); initPlayer(); initLive();
  let debounce;
  $("search").addEventListener("input", (e) => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { state.q = e.target.value.trim(); state.page = 1; load(); }, 300);
  });
  $("sort").addEventListener("change", (e) => { state.sort = e.target.value; state.page = 1; load(); });
  $("clear-all").addEventListener("click", () => { state.filters = {}; state.q = ""; $("search").value = ""; state.page = 1; load(); });
  $("prev-page").addEventListener("click", () => { if (state.page > 1) { state.page -= 1; load(); } });
  $("next-page").addEventListener("click", () => { if (state.page < state.pages) { state.page += 1; load(); } });
  $("menu-toggle").addEventListener("click", () => document.body.classList.toggle("show-sidebar"));
  window.addEventListener("hashchange", openDeepLink);
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea")) return;
    if (e.key === " ") { e.preventDefault(); const a = $("audio"); if (a.src) (a.paused ? a.play() : a.pause()); else step(1); }
    else if (e.key === "j" || e.key === "J") step(1);
    else if (e.key === "k" || e.key === "K") step(-1);
    else if (e.key === "Escape") for (const n of $("cards").children) toggleReader(n, null, false);
  });
  load();
}
document.addEventListener("DOMContentLoaded", init);
