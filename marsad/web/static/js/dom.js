// DOM helpers. Everything that came from an article (text, titles, names) goes into the page
// through textContent / DOM nodes, never innerHTML, so markup inside articles stays inert.

/** el("td", {className: "x", dir: "rtl"}, "text", childNode, ...) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else if (k in node && typeof v !== "string") node[k] = v;
    else if (k === "className" || k === "textContent" || k === "title" || k === "href") node[k] = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export async function getJSON(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${r.status} ${r.statusText} for ${url}`);
  return r.json();
}

export function debounce(fn, ms) {
  let t = 0;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

const AR = /[\u0600-\u06FF]/;
/** "rtl" when the string holds Arabic, so table cells align and shape correctly. */
export function dirOf(s) { return s && AR.test(s) ? "rtl" : "auto"; }

export const fmt = new Intl.NumberFormat("en");

// PLOVER quads, to colour type chips the way analysts read them.
const QUAD = {
  AGREE: "coop", CONSULT: "coop", SUPPORT: "coop", CONCEDE: "coop", COOPERATE: "coop", AID: "coop", RETREAT: "coop",
  REQUEST: "verbal", ACCUSE: "verbal", REJECT: "verbal", THREATEN: "verbal",
  PROTEST: "conflict", SANCTION: "conflict", MOBILIZE: "conflict", COERCE: "conflict", ASSAULT: "conflict",
};
export const PLOVER_TYPES = Object.keys(QUAD);
export function typeChip(type) {
  return el("span", { className: `type-chip ${QUAD[type] || ""}` }, type || "?");
}
