// The article view: right-to-left Arabic text with every extraction highlighted. Spans
// overlap (an entity inside a quote inside an event sentence), so the text is cut at every
// span boundary and each piece gets the classes of all spans covering it.
import { clear, el, typeChip } from "./dom.js";

export const LEGEND = [
  ["ent ent-PER", "person"], ["ent ent-ORG", "organisation"], ["ent ent-GPE", "place (GPE/LOC)"],
  ["ent ent-FAC", "facility"], ["ent ent-NORP", "group (NORP)"], ["time", "time"],
  ["quote", "quote"], ["trigger", "event trigger"], ["in-sentence", "selected event's sentence"],
];

export function renderLegend(node) {
  clear(node);
  for (const [cls, label] of LEGEND) {
    node.append(el("span", {}, el("span", { className: `sw hl ${cls}` }, "ابج"), label));
  }
}

/** Spans of one article as {start, end, cls, title, event} from the /api/articles/{id} JSON. */
export function articleSpans(a) {
  const spans = [];
  for (const e of a.entities) {
    const t = e.type === "LOC" ? "GPE" : e.type;
    const name = [e.type, e.actor_code, e.canonical && e.canonical.en].filter(Boolean).join(" · ");
    spans.push({ start: e.start, end: e.end, cls: ["ent", `ent-${t}`], title: name });
  }
  for (const t of a.times) {
    spans.push({ start: t.start, end: t.end, cls: ["time"], title: `time · ${t.value || "?"} (${t.precision || ""})` });
  }
  for (const q of a.quotes) {
    const who = q.speaker && q.speaker.text ? ` · ${q.speaker.text}` : "";
    spans.push({ start: q.start, end: q.end, cls: ["quote"], title: `${q.kind || ""} quote${who}` });
  }
  for (const v of a.events) {
    if (!v.trigger) continue;
    spans.push({ start: v.trigger.start, end: v.trigger.end, cls: ["trigger"], event: v.id,
      title: `${v.type}${v.mode ? "/" + v.mode : ""} · ${v.date && v.date.value ? v.date.value : ""}` });
  }
  return spans;
}

/** Extra spans for the selected event: its sentence and its roles. */
export function selectionSpans(detail) {
  const spans = [];
  if (detail.sentence) spans.push({ start: detail.sentence.start, end: detail.sentence.end, cls: ["in-sentence"] });
  for (const h of detail.highlights || []) {
    if (h.role === "trigger") spans.push({ start: h.start, end: h.end, cls: ["selected-trigger"] });
    else if (h.role !== "mention") spans.push({ start: h.start, end: h.end, cls: [`role-${h.role}`], title: h.role });
  }
  return spans;
}

/** Render `text` into `node` with `spans`; `onEvent(id)` is called when a trigger is clicked. */
export function renderHighlighted(node, text, spans, onEvent) {
  clear(node);
  const n = text.length;
  const valid = spans.filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end && s.start >= 0 && s.end <= n);
  const cuts = new Set([0, n]);
  for (const s of valid) { cuts.add(s.start); cuts.add(s.end); }
  const bounds = [...cuts].sort((a, b) => a - b);
  // Sweep: spans sorted by start; keep the open ones.
  const byStart = [...valid].sort((a, b) => a.start - b.start || b.end - a.end);
  let next = 0;
  let open = [];
  const frag = document.createDocumentFragment();
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i], b = bounds[i + 1];
    while (next < byStart.length && byStart[next].start <= a) open.push(byStart[next++]);
    open = open.filter((s) => s.end > a);
    const piece = text.slice(a, b);
    if (!open.length) { frag.append(document.createTextNode(piece)); continue; }
    const cls = new Set(["hl"]);
    const titles = [];
    let eventId = null;
    for (const s of open) {
      s.cls.forEach((c) => cls.add(c));
      if (s.title && !titles.includes(s.title)) titles.push(s.title);
      if (s.event != null) eventId = s.event;
    }
    const span = el(eventId != null ? "a" : "span", { className: [...cls].join(" "), title: titles.join("\n") }, piece);
    span.dataset.start = String(a);
    if (eventId != null) {
      span.href = `#event=${eventId}`;
      span.dataset.event = String(eventId);
      span.addEventListener("click", (ev) => { ev.preventDefault(); onEvent(eventId); });
    }
    frag.append(span);
  }
  node.append(frag);
}

/** A definition row; `parts` are isolated (<bdi>) so Arabic and Latin pieces keep their order. */
function dd(label, ...parts) {
  const kept = parts.flat().filter((p) => p !== null && p !== undefined && p !== "");
  if (!kept.length) return [];
  const value = el("dd");
  kept.forEach((p, i) => { if (i) value.append(", "); value.append(el("bdi", {}, String(p))); });
  return [el("dt", {}, label), value];
}

function arg(a) {
  if (!a) return [];
  return [a.text, a.code];
}

/** The selected event's card: what, who, whom, where, when, how many, and who reported it. */
export function renderEventCard(node, v, onOpenEvent) {
  clear(node);
  node.hidden = false;
  const loc = v.location ? [v.location.text, v.location.name, v.location.admin1, v.location.country, v.location.precision] : [];
  const date = v.date ? `${v.date.value || v.date.day || "?"} · ${v.date.precision || ""} · from ${v.date.from || "?"}` : null;
  const size = v.size ? ["dead", "injured", "arrested"].filter((k) => v.size[k] != null).map((k) => `${k}: ${v.size[k]}`).join(", ") : null;
  node.append(
    el("h3", {}, typeChip(v.type), " ", v.mode ? `${v.mode} · ` : "", v.status && v.status !== "actual" ? `${v.status} · ` : "",
      el("span", { dir: "rtl", className: "ar" }, v.trigger ? v.trigger.text : "")),
    el("dl", {}, ...dd("actor", arg(v.actor)), ...dd("recipient", arg(v.recipient)), ...dd("location", loc),
      ...dd("date", date), ...dd("size", size), ...dd("CAMEO / ACLED", [v.cameo_root, v.acled].filter(Boolean).join(" · ")),
      ...dd("confidence", v.confidence != null ? Number(v.confidence).toFixed(2) : null)),
  );
  const sources = v.sources || [];
  if (sources.length > 1 || (v.canonical && v.canonical.n_sources > 1)) {
    const list = el("ol", { className: "sources" });
    for (const s of sources) {
      const label = [s.outlet || "?", s.published ? s.published.slice(0, 10) : null].filter(Boolean).join(" · ");
      const item = el("li", {}, el("a", { href: `#event=${s.event_id}`, on: { click: (ev) => { ev.preventDefault(); onOpenEvent(s.event_id); } } }, el("bdi", {}, label)));
      if (s.title) item.append(" — ", el("bdi", { dir: "rtl", className: "ar" }, s.title));
      list.append(item);
    }
    node.append(el("div", {}, `reported by ${sources.length} article(s):`), list);
  }
}
