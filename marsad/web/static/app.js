// Marsad dashboard: filters -> (table page, timeline, map points, country shading), all
// computed server-side; a click on an event opens its article with the sentence highlighted.
import { clear, debounce, dirOf, el, fmt, getJSON, PLOVER_TYPES, typeChip } from "./js/dom.js";
import { articleSpans, renderEventCard, renderHighlighted, renderLegend, selectionSpans } from "./js/article.js";
import { EventMap } from "./js/map.js";
import { renderTimeline } from "./js/timeline.js";

const $ = (id) => document.getElementById(id);
const plural = (n, one, many = `${one}s`) => `${fmt.format(n)} ${n === 1 ? one : many}`;

const state = {
  view: "reports", // or "canonical"
  sort: "-date",
  limit: 50,
  offset: 0,
  selected: null, // event id
  article: null, // loaded article JSON
};

const COLUMNS = {
  reports: [
    ["date", "Date", (v) => (v.date && v.date.day) || ""],
    ["type", "Type", (v) => typeChip(v.type)],
    ["mode", "Mode", (v) => v.mode || ""],
    ["actor", "Actor", (v) => (v.actor ? v.actor.text || v.actor.code : "")],
    ["recipient", "Recipient", (v) => (v.recipient ? v.recipient.text || v.recipient.code : "")],
    ["location", "Location", (v) => (v.location ? v.location.text || v.location.name || "" : "")],
    ["country", "Country", (v) => (v.location && v.location.country) || ""],
    ["outlet", "Outlet", (v) => (v.article && v.article.outlet) || ""],
    [null, "Trigger", (v) => (v.trigger ? v.trigger.text : "")],
  ],
  canonical: [
    ["date", "Date", (c) => c.date || ""],
    ["type", "Type", (c) => typeChip(c.type)],
    [null, "Mode", (c) => c.mode || ""],
    [null, "Actor", (c) => c.actor.name || c.actor.code || ""],
    [null, "Recipient", (c) => c.recipient.name || c.recipient.code || ""],
    [null, "Location", (c) => c.location.name || ""],
    ["country", "Country", (c) => c.location.country || ""],
    ["sources", "Outlets", (c) => String(c.n_sources)],
    ["articles", "Articles", (c) => String(c.n_articles)],
  ],
};

// ------------------------------------------------------------------ filters

function filterParams() {
  const p = new URLSearchParams();
  for (const [name, id] of [["type", "f-type"], ["country", "f-country"], ["from", "f-from"], ["to", "f-to"], ["actor", "f-actor"], ["q", "f-q"]]) {
    const v = $(id).value.trim();
    if (v) p.set(name, v);
  }
  if ($("f-bbox").checked && map) p.set("bbox", map.bbox());
  return p;
}

function withParams(path, extra = {}) {
  const p = filterParams();
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

async function loadFacets() {
  const f = await getJSON("/api/facets");
  const types = new Map(f.types.map((t) => [t.type, t.n]));
  const typeSel = $("f-type");
  for (const t of PLOVER_TYPES) typeSel.append(el("option", { value: t }, `${t} (${fmt.format(types.get(t) || 0)})`));
  const countrySel = $("f-country");
  for (const c of f.countries) {
    const p = map && map.names.get(c.country);
    countrySel.append(el("option", { value: c.country }, `${c.country}${p ? " · " + p.name : ""} (${fmt.format(c.n)})`));
  }
  return f;
}

const suggestActors = debounce(async () => {
  const q = $("f-actor").value.trim();
  if (q.length < 2) return;
  const r = await getJSON(`/api/actors?limit=15&q=${encodeURIComponent(q)}`);
  clear($("actor-list")).append(...r.items.map((a) => el("option", { value: a.code || a.name_ar || "" },
    [a.name_ar, a.name_en, a.code].filter(Boolean).join(" · "))));
}, 250);

// ------------------------------------------------------------------ table

function renderHead() {
  const tr = el("tr");
  for (const [key, label] of COLUMNS[state.view]) {
    const th = el("th", { scope: "col", className: key ? "" : "nosort" }, label);
    if (key) {
      const dir = state.sort === key ? "ascending" : state.sort === `-${key}` ? "descending" : null;
      if (dir) th.setAttribute("aria-sort", dir);
      th.addEventListener("click", () => {
        state.sort = state.sort === `-${key}` ? key : `-${key}`;
        state.offset = 0;
        loadTable();
      });
    }
    tr.append(th);
  }
  clear($("events").tHead).append(tr);
}

async function loadTable() {
  renderHead();
  const path = state.view === "reports" ? "/api/events" : "/api/canonical";
  const data = await getJSON(withParams(path, { limit: state.limit, offset: state.offset, sort: state.sort }));
  const body = clear($("events").tBodies[0]);
  for (const item of data.items) {
    const eventId = state.view === "reports" ? item.id : item.representative_id || (item.sources[0] && item.sources[0].event_id);
    const tr = el("tr", { tabindex: "0", dataset: { event: String(eventId) } });
    if (eventId === state.selected) tr.classList.add("selected");
    for (const [, , get] of COLUMNS[state.view]) {
      const v = get(item);
      tr.append(v instanceof Node ? el("td", {}, v) : el("td", { dir: dirOf(v), title: v }, v));
    }
    tr.addEventListener("click", () => openEvent(eventId));
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") openEvent(eventId); });
    body.append(tr);
  }
  if (!data.items.length) body.append(el("tr", { className: "empty-row" }, el("td", { colSpan: COLUMNS[state.view].length }, "no events match these filters")));
  const last = data.total_capped ? state.offset + data.items.length : Math.min(data.total, state.offset + data.items.length);
  // past 10,000 matches the API stops counting (total_capped): say so, and keep paging open
  const of = data.total_capped ? `${fmt.format(data.total)}+` : fmt.format(data.total);
  $("page-info").textContent = data.total ? `${fmt.format(state.offset + 1)}–${fmt.format(last)} of ${of}` : "0";
  $("prev").disabled = state.offset === 0;
  $("next").disabled = data.total_capped ? data.items.length < state.limit : last >= data.total;
}

// ------------------------------------------------------------------ aggregates

async function loadAggregates() {
  const [stats, places] = await Promise.all([getJSON(withParams("/api/stats")), getJSON(withParams("/api/places"))]);
  $("summary").textContent = plural(stats.total, "event") +
    (stats.date_min ? ` · ${stats.date_min} → ${stats.date_max}` : "") +
    ` · ${plural(stats.by_country.filter((c) => c.country).length, "country", "countries")}`;
  renderTimeline($("timeline"), stats.by_day, (from, to) => {
    $("f-from").value = from;
    $("f-to").value = to;
    refresh();
  });
  if (map) {
    map.setCountryCounts(stats.by_country);
    map.setPoints(places.items);
    $("map-note").textContent = plural(places.items.length, "place") +
      (places.unlocated ? ` · ${plural(places.unlocated, "event")} without coordinates` : "");
  }
}

function updateDownloads() {
  $("dl-csv").href = withParams("/api/events.csv", { sort: state.sort });
  $("dl-parquet").href = withParams("/api/events.parquet", { sort: state.sort });
}

async function refresh({ keepPage = false } = {}) {
  if (!keepPage) state.offset = 0;
  updateDownloads();
  try {
    await Promise.all([loadTable(), loadAggregates()]);
  } catch (e) {
    $("summary").textContent = `error: ${e.message}`;
  }
}

// ------------------------------------------------------------------ article view

function safeUrl(u) {
  try {
    const url = new URL(u, location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch { return null; }
}

async function openArticle(ref) {
  const a = await getJSON(`/api/articles/${encodeURIComponent(ref)}`);
  state.article = a;
  $("article-empty").hidden = true;
  $("article").hidden = false;
  $("article-title").textContent = a.title || "(untitled)";
  $("article-outlet").textContent = a.outlet || "unknown outlet";
  $("article-date").textContent = a.published || "undated";
  const url = a.url && safeUrl(a.url);
  $("article-url").hidden = !url;
  if (url) $("article-url").href = url;
  return a;
}

async function openEvent(id) {
  if (id == null) return;
  const v = await getJSON(`/api/events/${id}`);
  state.selected = v.id;
  if (!state.article || state.article.id !== v.article.id) await openArticle(v.article.id);
  const a = state.article;
  renderEventCard($("event-card"), v, openEvent);
  renderHighlighted($("article-text"), a.text, [...articleSpans(a), ...selectionSpans(v)], openEvent);
  if (location.hash !== `#event=${v.id}`) history.replaceState(null, "", `#event=${v.id}`);
  for (const tr of $("events").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.event === String(v.id));
  const target = $("article-text").querySelector(".selected-trigger") || $("article-text").querySelector(".in-sentence");
  if (target) target.scrollIntoView({ block: "center", behavior: "instant" });
}

async function openArticleOnly(ref) {
  const a = await openArticle(ref);
  state.selected = null;
  $("event-card").hidden = true;
  renderHighlighted($("article-text"), a.text, articleSpans(a), openEvent);
}

/** #event=ID and #article=ID|KEY are shareable links into the article view. */
async function followHash() {
  const m = /^#(event|article)=(.+)$/.exec(location.hash);
  try {
    if (m && m[1] === "event" && Number(m[2]) !== state.selected) await openEvent(Number(m[2]));
    else if (m && m[1] === "article") await openArticleOnly(decodeURIComponent(m[2]));
  } catch (e) {
    $("summary").textContent = `cannot open ${location.hash}: ${e.message}`;
  }
}

// ------------------------------------------------------------------ wiring

let map = null;

async function main() {
  renderLegend($("legend"));
  try {
    map = new EventMap($("map"), {
      onBoundsChange: debounce(() => { if ($("f-bbox").checked) refresh(); }, 300),
      onPlaceEvents: (p) => {
        const d = 0.0005;
        const bbox = [p.lon - d, p.lat - d, p.lon + d, p.lat + d].map((x) => x.toFixed(5)).join(",");
        const params = filterParams();
        params.set("bbox", bbox);
        params.set("limit", "10");
        return getJSON(`/api/events?${params}`);
      },
      onOpenEvent: openEvent,
    });
    await map.loadBasemap();
  } catch (e) {
    $("map-note").textContent = `map unavailable: ${e.message}`;
  }
  await loadFacets();
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  for (const id of ["f-type", "f-country", "f-from", "f-to", "f-bbox"]) $(id).addEventListener("change", () => refresh());
  $("f-actor").addEventListener("input", suggestActors);
  $("f-reset").addEventListener("click", () => { $("filters").reset(); refresh(); });
  $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); loadTable(); });
  $("next").addEventListener("click", () => { state.offset += state.limit; loadTable(); });
  $("page-size").addEventListener("change", (e) => { state.limit = Number(e.target.value); refresh(); });
  for (const view of ["reports", "canonical"]) {
    $(`view-${view}`).addEventListener("click", () => {
      state.view = view;
      state.sort = "-date";
      for (const v of ["reports", "canonical"]) {
        $(`view-${v}`).classList.toggle("on", v === view);
        $(`view-${v}`).setAttribute("aria-pressed", String(v === view));
      }
      refresh();
    });
  }
  window.addEventListener("resize", debounce(() => loadAggregates(), 300));
  await refresh();
  await followHash();
  window.addEventListener("hashchange", followHash);
  document.body.dataset.ready = "1"; // for tests and scripts: first render done
}

main();
