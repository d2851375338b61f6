// The emotion timeline, drawn as SVG by hand.
//
// Why no chart library: the chart is one kind (points joined by lines, intensity 0-1 on y),
// a few dozen points at most, and the page has no build step; ~150 lines of SVG need no
// vendored dependency, licence or update, and stay within the page's CSP (no inline styles:
// colours are SVG presentation attributes, the rest is in app.css).
//
// x is time: an emotion's `timestamp` (seconds from the start of the content) when every
// emotion has one (transcripts, subtitles). Content without times (a diary, notes) has none;
// there x is the order of the sentences that carry the emotions: by segment, and within a
// segment by where the sentence is in the uploaded text when the page has it (it keeps what
// it uploaded in memory), else in the order the results came.

import { h, s } from "./dom.js";

const W = 640;
const H = 280;
const M = { left: 44, right: 16, top: 14, bottom: 40 };

const PALETTE = [
  "#3458d4", "#d1453b", "#2e9d5b", "#e0a100", "#8e44ad", "#00897b",
  "#e65100", "#5d6d7e", "#c2185b", "#1e88e5", "#7cb342", "#6d4c41",
];

function colour(name, names) {
  return PALETTE[names.indexOf(name) % PALETTE.length];
}

/** The moments the emotions happen at, in order: [{key, label, x, excerpt}]. */
function moments(emotions, text) {
  const timed = emotions.length > 0 && emotions.every((e) => typeof e.timestamp === "number");
  const byKey = new Map();
  emotions.forEach((e, seen) => {
    const key = timed ? `t${e.timestamp}` : `${e.segment}\u0000${e.excerpt}`;
    if (!byKey.has(key)) {
      const where = text ? text.indexOf(e.excerpt) : -1;
      byKey.set(key, { key, segment: e.segment, timestamp: e.timestamp, excerpt: e.excerpt, where, seen });
    }
  });
  const ordered = [...byKey.values()].sort((a, b) => {
    if (timed) return a.timestamp - b.timestamp;
    if (a.segment !== b.segment) return a.segment - b.segment;
    if (a.where >= 0 && b.where >= 0 && a.where !== b.where) return a.where - b.where;
    return a.seen - b.seen;
  });
  return { timed, ordered };
}

function clock(seconds) {
  const m = Math.floor(seconds / 60);
  const sec = Math.round(seconds % 60);
  return `${m}:${String(sec).padStart(2, "0")}`;
}

/**
 * Draw `emotions` ([{id, name, intensity, timestamp, segment, excerpt}]) into `svg`, and the
 * legend into `legend`. `text` is the uploaded text, when known.
 */
export function drawTimeline(svg, legend, emotions, text = null) {
  svg.replaceChildren();
  legend.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  if (emotions.length === 0) {
    svg.append(s("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, "No emotions yet"));
    return;
  }
  const { timed, ordered } = moments(emotions, text);
  const index = new Map(ordered.map((m, i) => [m.key, i]));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  let xOf;
  if (timed) {
    const first = ordered[0].timestamp;
    const span = Math.max(1, ordered[ordered.length - 1].timestamp - first);
    xOf = (m) => M.left + ((m.timestamp - first) / span) * plotW;
  } else {
    const step = ordered.length > 1 ? plotW / (ordered.length - 1) : 0;
    xOf = (m) => M.left + (ordered.length > 1 ? index.get(m.key) * step : plotW / 2);
  }
  const yOf = (intensity) => M.top + (1 - intensity) * plotH;

  // Axes and grid: intensity 0 to 1 on y.
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      s("line", { class: "grid-line", x1: M.left, x2: W - M.right, y1: yOf(v), y2: yOf(v) }),
      s("text", { x: M.left - 6, y: yOf(v) + 4, "text-anchor": "end" }, v.toFixed(2)),
    );
  }
  svg.append(
    s("line", { class: "axis", x1: M.left, x2: M.left, y1: M.top, y2: H - M.bottom }),
    s("line", { class: "axis", x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom }),
  );
  const labelEvery = Math.max(1, Math.ceil(ordered.length / 10));
  ordered.forEach((m, i) => {
    if (i % labelEvery !== 0) return;
    const label = timed ? clock(m.timestamp) : `#${i + 1}`;
    svg.append(s("text", { x: xOf(m), y: H - M.bottom + 16, "text-anchor": "middle" }, label));
  });
  svg.append(
    s("text", { x: M.left + plotW / 2, y: H - 6, "text-anchor": "middle" },
      timed ? "time into the session" : "sentence, in order"),
  );

  // One series per emotion: its points in time order, joined.
  const names = [...new Set(emotions.map((e) => e.name))].sort();
  const keyOf = (e) => (timed ? `t${e.timestamp}` : `${e.segment}\u0000${e.excerpt}`);
  for (const name of names) {
    const points = emotions
      .filter((e) => e.name === name)
      .map((e) => ({ e, m: ordered[index.get(keyOf(e))] }))
      .sort((a, b) => index.get(a.m.key) - index.get(b.m.key));
    const stroke = colour(name, names);
    const group = s("g", { class: "emotion", "data-emotion": name });
    if (points.length > 1) {
      const path = points.map((p) => `${xOf(p.m).toFixed(1)},${yOf(p.e.intensity).toFixed(1)}`).join(" ");
      group.append(s("polyline", { class: "series", points: path, stroke }));
    }
    for (const { e, m } of points) {
      group.append(
        s("circle", { class: "point", cx: xOf(m).toFixed(1), cy: yOf(e.intensity).toFixed(1), r: 5, fill: stroke, "data-emotion": name },
          s("title", {}, `${name} ${e.intensity.toFixed(2)}: ${e.excerpt}`)),
      );
    }
    svg.append(group);
    legend.append(
      h("li", {}, s("svg", { width: 12, height: 12, viewBox: "0 0 12 12", "aria-hidden": "true" },
        s("circle", { cx: 6, cy: 6, r: 5, fill: stroke })), name),
    );
  }
}
