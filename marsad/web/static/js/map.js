// The map: offline country outlines (no tile server) shaded by event count, and one circle
// per place sized by its number of events. Points come pre-aggregated from /api/places.
import { el, fmt, getJSON } from "./dom.js";

const L = window.L;

export class EventMap {
  constructor(node, { onBoundsChange, onPlaceEvents, onOpenEvent }) {
    this.map = L.map(node, { zoomControl: true, attributionControl: true, worldCopyJump: true, minZoom: 2, maxZoom: 12 })
      .fitBounds([[12, -14], [40, 60]]);
    this.map.attributionControl.setPrefix(false).addAttribution("Natural Earth · Leaflet");
    this.countryLayer = null;
    this.labelLayer = L.layerGroup().addTo(this.map);
    this.pointLayer = L.layerGroup().addTo(this.map);
    this.counts = new Map();
    this.onPlaceEvents = onPlaceEvents;
    this.onOpenEvent = onOpenEvent;
    this.map.on("moveend", () => onBoundsChange && onBoundsChange());
    this.names = new Map();
  }

  async loadBasemap() {
    const geo = await getJSON("/static/basemap/countries.geojson");
    for (const f of geo.features) if (f.properties.iso3) this.names.set(f.properties.iso3, f.properties);
    this.countryLayer = L.geoJSON(geo, {
      style: (f) => this.countryStyle(f),
      onEachFeature: (f, layer) => {
        const p = f.properties;
        layer.bindTooltip(() => {
          const n = this.counts.get(p.iso3) || 0;
          return el("div", {}, el("b", {}, p.name || ""), " ", el("span", { dir: "rtl" }, p.name_ar || ""), el("br"), `${fmt.format(n)} events`);
        }, { sticky: true });
      },
    }).addTo(this.map);
    this.countryLayer.bringToBack();
    return geo;
  }

  countryStyle(f) {
    const n = this.counts.get(f.properties.iso3) || 0;
    const t = n ? Math.min(1, Math.log10(n + 1) / Math.log10(this.maxCount + 1)) : 0;
    return { color: "#8a9aa8", weight: 0.7, fillColor: n ? `rgba(228, 87, 46, ${0.08 + 0.32 * t})` : "#f4f1ea", fillOpacity: 1 };
  }

  /** Shade countries from /api/stats' by_country. */
  setCountryCounts(byCountry) {
    this.counts = new Map(byCountry.filter((c) => c.country).map((c) => [c.country, c.n]));
    this.maxCount = Math.max(1, ...this.counts.values());
    if (this.countryLayer) this.countryLayer.setStyle((f) => this.countryStyle(f));
    // Without tiles the map has no place names: label the countries with the most events
    // (a few only, so labels do not bury the points).
    this.labelLayer.clearLayers();
    const top = [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, 8);
    for (const [iso3, n] of top) {
      const p = this.names.get(iso3);
      if (!p || !p.label) continue;
      const label = el("span", {}, el("bdi", { dir: "rtl" }, p.name_ar || p.name || iso3), ` ${fmt.format(n)}`);
      L.tooltip({ permanent: true, direction: "center", className: "country-label", interactive: false })
        .setLatLng(p.label).setContent(label).addTo(this.labelLayer);
    }
  }

  setPoints(points) {
    this.pointLayer.clearLayers();
    const max = Math.max(1, ...points.map((p) => p.n));
    for (const p of points) {
      const r = 4 + 14 * Math.sqrt(p.n / max);
      const m = L.circleMarker([p.lat, p.lon], { radius: r, color: "#7a2a12", weight: 1, fillColor: "#e4572e", fillOpacity: 0.7 });
      m.bindTooltip(() => el("div", {}, el("b", { dir: "auto" }, p.name || `${p.lat.toFixed(2)}, ${p.lon.toFixed(2)}`),
        p.admin1 ? ` · ${p.admin1}` : "", p.country ? ` · ${p.country}` : "", el("br"), `${fmt.format(p.n)} events`));
      m.on("click", () => this.openPlace(m, p));
      m.addTo(this.pointLayer);
    }
  }

  /** Popup listing the place's latest events; each opens its article. */
  async openPlace(marker, p) {
    const box = el("div", {}, el("b", { dir: "auto" }, p.name || "place"), ` · ${fmt.format(p.n)} events`);
    const list = el("ul", { className: "popup-list" }, el("li", {}, "loading…"));
    box.append(list);
    marker.bindPopup(box, { maxWidth: 320 }).openPopup();
    const events = await this.onPlaceEvents(p);
    list.replaceChildren(...events.items.map((v) => el("li", {},
      el("button", { type: "button", on: { click: () => this.onOpenEvent(v.id) } },
        `${v.date && v.date.day ? v.date.day : "undated"} · ${v.type}`),
      " ", el("span", { dir: "rtl" }, v.trigger ? v.trigger.text : ""))));
    if (events.total > events.items.length) list.append(el("li", {}, `… ${fmt.format(events.total - events.items.length)} more in the table`));
  }

  /** "minlon,minlat,maxlon,maxlat" of the current view, clamped to valid degrees. */
  bbox() {
    const b = this.map.getBounds();
    const c = (v, lo, hi) => Math.max(lo, Math.min(hi, v)).toFixed(4);
    return [c(b.getWest(), -180, 180), c(b.getSouth(), -90, 90), c(b.getEast(), -180, 180), c(b.getNorth(), -90, 90)].join(",");
  }
}
