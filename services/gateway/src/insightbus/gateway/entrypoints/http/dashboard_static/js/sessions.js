// Sessions: the list, an upload and its analysis live, the timeline, topics, insights and
// action items.

import { api, describe } from "./api.js";
import { drawTimeline } from "./chart.js";
import { $, formatTime, h, notify } from "./dom.js";
import { watch } from "./live.js";

const PAGE = 100; // the results routes' largest page

let current = null; // {id, title, emotions: Map, topics: Map, insights: Map, items: Map, socket, contentId}
const uploadedText = new Map(); // session id -> the text uploaded from this page (for the chart's order)

async function all(path) {
  const items = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await api("GET", `${path}${path.includes("?") ? "&" : "?"}limit=${PAGE}&offset=${offset}`);
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}

export async function loadSessions() {
  const list = $("#session-list");
  const page = await api("GET", "/api/v1/sessions?limit=100");
  list.replaceChildren(
    ...page.items.map((session) =>
      h("li", { class: current?.id === session.id ? "selected" : null, dataset: { sessionId: session.id } },
        h("button", { type: "button", class: "item", onclick: () => select(session) },
          session.title, h("span", { class: "sub" }, `${session.status} · ${formatTime(session.created_at)}`))),
    ),
  );
  if (page.items.length === 0) list.append(h("li", { class: "muted" }, "No sessions yet: create one."));
}

function setProgress(percent, label) {
  $("#analysis-progress").value = percent;
  $("#analysis-label").textContent = label;
}

function showStatus(status) {
  if (!status || status.status === "pending" && !status.content_id) {
    setProgress(0, "no upload yet");
  } else if (status.status === "completed") {
    setProgress(100, `100 % · completed${status.model ? ` (${status.model})` : ""}`);
  } else if (status.status === "failed") {
    setProgress(status.progress ?? 0, `failed: ${status.error ?? "unknown error"}`);
  } else {
    setProgress(status.progress ?? 0, `${status.progress ?? 0} % · ${status.stage ?? status.status}`);
  }
}

function renderChart() {
  const emotions = [...current.emotions.values()];
  drawTimeline($("#timeline"), $("#timeline-legend"), emotions, uploadedText.get(current.id) ?? null);
}

function renderTopics() {
  const topics = [...current.topics.values()].sort((a, b) => b.score - a.score);
  $("#topics").replaceChildren(
    ...topics.map((t) => h("li", {}, t.label, h("span", { class: "sub" }, `score ${t.score.toFixed(2)} · ${t.keywords.join(", ")}`))),
  );
}

function renderInsights() {
  const insights = [...current.insights.values()].sort((a, b) => b.confidence - a.confidence);
  $("#insights").replaceChildren(
    ...insights.map((i) => h("li", {}, i.title, h("span", { class: "sub" }, i.description))),
  );
}

function renderItems() {
  const items = [...current.items.values()].sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  const session = current;
  $("#action-items").replaceChildren(
    ...items.map((item) => {
      const box = h("input", {
        type: "checkbox",
        checked: item.status === "done",
        "aria-label": `Done: ${item.title}`,
        onchange: async () => {
          box.disabled = true;
          try {
            const data = await api("PATCH", `/api/v1/sessions/${session.id}/action-items/${item.id}`, {
              json: { status: box.checked ? "done" : "open" },
            });
            session.items.set(item.id, data.action_item);
            if (session === current) renderItems();
          } catch (error) {
            box.checked = !box.checked;
            notify(`Could not change the action item: ${describe(error)}`);
          } finally {
            box.disabled = false;
          }
        },
      });
      return h("li", { class: item.status, dataset: { itemId: item.id } },
        box, h("span", { class: "title" }, item.title),
        item.source === "analysis" ? h("span", { class: "sub" }, "suggested") : null);
    }),
  );
  if (items.length === 0) $("#action-items").append(h("li", { class: "muted" }, "None yet."));
}

// Where each upload's analysis is, by content id: the progress bar shows the latest upload's
// (messages of an upload may come before its POST has answered, or replayed for older ones).
function track(session, contentId, percent, label) {
  session.progress.set(contentId, [percent, label]);
  if (session === current && contentId === session.contentId) setProgress(percent, label);
}

function onMessage(session, message) {
  if (session !== current) return;
  const data = message.data ?? {};
  switch (message.type) {
    case "analysis_progress":
      track(session, data.content_id, data.progress, `${data.progress} % · ${data.stage}`);
      break;
    case "new_emotion":
      session.emotions.set(data.id, data);
      renderChart();
      break;
    case "new_topic":
      session.topics.set(data.id, data);
      renderTopics();
      break;
    case "new_insight":
      session.insights.set(data.id, data);
      renderInsights();
      break;
    case "action_item_created":
    case "action_item_updated":
      session.items.set(data.id, data);
      renderItems();
      break;
    case "action_item_deleted":
      session.items.delete(data.id);
      renderItems();
      break;
    case "analysis_complete":
      track(session, data.content_id, 100, `100 % · completed (${data.model})`);
      loadSessions().catch(() => {});
      break;
    case "analysis_failed":
      track(session, data.content_id, session.progress.get(data.content_id)?.[0] ?? 0, `failed: ${data.error}`);
      break;
    default:
      break; // new_action_item: the same item comes as action_item_created
  }
}

export function closeSession() {
  current?.socket?.close();
  current = null;
  $("#session-view").hidden = true;
}

export async function select(session) {
  closeSession();
  const state = {
    id: session.id,
    title: session.title,
    emotions: new Map(),
    topics: new Map(),
    insights: new Map(),
    items: new Map(),
    socket: null,
    contentId: null,
    progress: new Map(),
  };
  current = state;
  for (const li of document.querySelectorAll("#session-list li")) {
    li.classList.toggle("selected", li.dataset.sessionId === session.id);
  }
  $("#session-title").textContent = session.title;
  $("#session-view").hidden = false;
  setProgress(0, "loading…");
  try {
    const base = `/api/v1/sessions/${session.id}`;
    const [status, emotions, topics, insights, items] = await Promise.all([
      api("GET", `${base}/analysis/status`),
      all(`${base}/emotions`),
      all(`${base}/topics`),
      all(`${base}/insights`),
      all(`${base}/action-items`),
    ]);
    if (current !== state) return;
    state.contentId = status.content_id;
    for (const e of emotions) state.emotions.set(e.id, e);
    for (const t of topics) state.topics.set(t.id, t);
    for (const i of insights) state.insights.set(i.id, i);
    for (const a of items) state.items.set(a.id, a);
    showStatus(status);
  } catch (error) {
    notify(`Could not load the session: ${describe(error)}`);
  }
  renderChart();
  renderTopics();
  renderInsights();
  renderItems();
  // After the snapshot: what the socket replays is merged by id, what is new is added.
  state.socket = watch(session.id, (m) => onMessage(state, m), (s) => {
    if (current === state) $("#socket-state").textContent = s === "live" ? "● live" : s;
  });
}

async function createSession(event) {
  event.preventDefault();
  const form = event.target;
  try {
    const data = await api("POST", "/api/v1/sessions", { json: { title: form.title.value.trim() } });
    form.reset();
    await loadSessions();
    await select(data.session);
  } catch (error) {
    notify(`Could not create the session: ${describe(error)}`);
  }
}

async function uploadContent(event) {
  event.preventDefault();
  const session = current;
  const file = $("#content-file").files[0];
  if (!session || !file) return;
  const button = event.target.querySelector("button");
  button.disabled = true;
  try {
    if (/\.(txt|md)$/i.test(file.name)) uploadedText.set(session.id, await file.text());
    const body = new FormData();
    body.append("file", file);
    session.contentId = null; // until the upload answers: no older upload's progress shows
    setProgress(0, "uploading…");
    const data = await api("POST", `/api/v1/sessions/${session.id}/content`, { body });
    session.contentId = data.content_id;
    const [percent, label] = session.progress.get(data.content_id) ?? [0, "0 % · queued"];
    if (session === current) setProgress(percent, label);
    event.target.reset();
  } catch (error) {
    setProgress(0, "upload refused");
    notify(`Upload refused: ${describe(error)}`);
  } finally {
    button.disabled = false;
  }
}

async function addItem(event) {
  event.preventDefault();
  const session = current;
  const form = event.target;
  try {
    const data = await api("POST", `/api/v1/sessions/${session.id}/action-items`, {
      json: { title: form.title.value.trim() },
    });
    session.items.set(data.action_item.id, data.action_item);
    form.reset();
    if (session === current) renderItems();
  } catch (error) {
    notify(`Could not add the action item: ${describe(error)}`);
  }
}

export function initSessions() {
  $("#new-session-form").addEventListener("submit", createSession);
  $("#upload-form").addEventListener("submit", uploadContent);
  $("#new-item-form").addEventListener("submit", addItem);
}
