// Events per day as a plain SVG bar chart. Days are binned so there are never more bars than
// pixels allow; a click on a bar hands its date range back to the filters.
const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

const DAY = 86400000;
const iso = (t) => new Date(t).toISOString().slice(0, 10);

/** Indices of the first and last day of the central 99% of events, when trimming the tails
 *  shrinks the span at least threefold; else the whole range. */
export function coreSpan(byDay) {
  const total = byDay.reduce((a, d) => a + d.n, 0);
  let lo = 0, hi = byDay.length - 1, acc = 0;
  for (let i = 0; i < byDay.length; i++) { acc += byDay[i].n; if (acc > total * 0.005) { lo = i; break; } }
  acc = 0;
  for (let i = byDay.length - 1; i >= 0; i--) { acc += byDay[i].n; if (acc > total * 0.005) { hi = i; break; } }
  const span = (a, b) => Date.parse(byDay[b].date) - Date.parse(byDay[a].date);
  if (span(0, byDay.length - 1) < 3 * span(lo, hi) || hi < lo) return { lo: 0, hi: byDay.length - 1, outside: 0 };
  let outside = 0;
  byDay.forEach((d, i) => { if (i < lo || i > hi) outside += d.n; });
  return { lo, hi, outside };
}

export function renderTimeline(node, byDay, onPick) {
  while (node.firstChild) node.removeChild(node.firstChild);
  const width = node.clientWidth || 600;
  const height = node.clientHeight || 96;
  const pad = { l: 30, r: 8, t: 6, b: 16 };
  if (!byDay.length) {
    node.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "axis" }, "no dated events"));
    return;
  }
  // A few stray dates (a 1948 war recalled in a 2024 story) would squash the chart into one
  // bar: draw the span holding 99% of events and say how many fall outside it.
  const { lo, hi, outside } = coreSpan(byDay);
  const t0 = Date.parse(byDay[lo].date), t1 = Date.parse(byDay[hi].date);
  byDay = byDay.slice(lo, hi + 1);
  const days = Math.round((t1 - t0) / DAY) + 1;
  const maxBars = Math.max(1, Math.floor((width - pad.l - pad.r) / 3));
  const per = Math.max(1, Math.ceil(days / maxBars)); // days per bar
  const bins = new Array(Math.ceil(days / per)).fill(0);
  for (const d of byDay) bins[Math.floor(Math.round((Date.parse(d.date) - t0) / DAY) / per)] += d.n;
  const max = Math.max(...bins);
  const bw = Math.min(28, (width - pad.l - pad.r) / bins.length); // a lone day is a bar, not a block
  const h = height - pad.t - pad.b;
  node.setAttribute("viewBox", `0 0 ${width} ${height}`);
  node.append(svg("line", { x1: pad.l, x2: width - pad.r, y1: pad.t + h + 0.5, y2: pad.t + h + 0.5, class: "base" }));
  node.append(svg("text", { x: pad.l - 4, y: pad.t + 8, "text-anchor": "end", class: "axis" }, String(max)));
  node.append(svg("text", { x: pad.l - 4, y: pad.t + h, "text-anchor": "end", class: "axis" }, "√"));
  bins.forEach((n, i) => {
    if (!n) return;
    const bh = Math.max(1, Math.sqrt(n / max) * h); // square-root scale: quiet days stay visible
    const from = iso(t0 + i * per * DAY), to = iso(t0 + ((i + 1) * per - 1) * DAY);
    const rect = svg("rect", { x: pad.l + i * bw, y: pad.t + h - bh, width: Math.max(1, bw - 1), height: bh, class: "bar" });
    rect.append(svg("title", {}, `${from}${per > 1 ? " – " + to : ""}: ${n} events`));
    rect.addEventListener("click", () => onPick(from, to));
    node.append(rect);
  });
  node.append(svg("text", { x: pad.l, y: height - 3, class: "axis" }, iso(t0)));
  if (t1 > t0) node.append(svg("text", { x: Math.max(pad.l + 130, pad.l + bins.length * bw), y: height - 3, "text-anchor": "end", class: "axis" }, iso(t1)));
  const notes = [per > 1 ? `${per} days per bar` : "", outside ? `${outside} events outside this span` : ""].filter(Boolean);
  if (notes.length) node.append(svg("text", { x: width / 2, y: height - 3, "text-anchor": "middle", class: "axis" }, notes.join(" · ")));
}
