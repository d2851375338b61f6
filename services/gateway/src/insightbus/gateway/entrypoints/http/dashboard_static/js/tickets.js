// Ticket jobs: generate (or upload) a signed file, follow the job's progress, and the
// classified tickets in a sortable table.
//
// A job's progress is polled (GET /api/tickets/{id}): the session socket is about content
// analyses, and the user channel only says when a job has ended.

import { api, describe } from "./api.js";
import { $, formatTime, h, notify } from "./dom.js";
import { base64, fromBase64, signatureHeaders } from "./sign.js";

const POLL_MS = 250;
const PRIORITY = { critical: 4, high: 3, medium: 2, low: 1 };
const LEVEL = { high: 3, medium: 2, low: 1 };

const COLUMNS = [
  { key: "issue_key", label: "Issue" },
  { key: "summary", label: "Summary" },
  { key: "category", label: "Category" },
  { key: "priority", label: "Priority", rank: PRIORITY },
  { key: "urgency", label: "Urgency", rank: LEVEL },
  { key: "impact", label: "Impact", rank: LEVEL },
  { key: "sentiment", label: "Sentiment" },
  { key: "confidence_score", label: "Confidence", number: true },
  { key: "sla_due_date", label: "SLA due" },
];

let shown = null; // the job in view: {id, job, sort: {key, direction}, timer}
const jobs = new Map(); // id -> latest job

function percentOf(job) {
  if (job.status === "completed") return 100;
  return job.progress?.percent ?? 0;
}

function labelOf(job) {
  if (job.status === "failed") return `failed: ${job.error_message ?? "unknown error"}`;
  if (job.status === "completed") return `100 % · ${job.results?.classified ?? 0} classified`;
  const p = job.progress;
  return p ? `${p.percent} % · ${p.processed} of ${p.total}` : job.status;
}

function renderList() {
  const list = $("#job-list");
  const ordered = [...jobs.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  list.replaceChildren(
    ...ordered.map((job) =>
      h("li", { class: shown?.id === job.session_id ? "selected" : null, dataset: { jobId: job.session_id } },
        h("button", { type: "button", class: "item", onclick: () => show(job.session_id) },
          job.file_name, h("span", { class: "sub" }, `${job.status} · ${job.total_tickets} tickets · ${formatTime(job.created_at)}`))),
    ),
  );
  if (ordered.length === 0) list.append(h("li", { class: "muted" }, "No jobs yet."));
}

function compare(column, direction) {
  return (a, b) => {
    let x = a[column.key];
    let y = b[column.key];
    if (column.rank) {
      x = column.rank[x] ?? 0;
      y = column.rank[y] ?? 0;
    }
    let order;
    if (x === y) order = 0;
    else if (x === null || x === undefined) order = 1;
    else if (y === null || y === undefined) order = -1;
    else if (column.number || column.rank) order = x - y;
    else order = String(x).localeCompare(String(y));
    return direction === "ascending" ? order : -order;
  };
}

function renderTable() {
  const table = $("#ticket-table");
  const { job, sort } = shown;
  table.tHead.rows[0].replaceChildren(
    ...COLUMNS.map((column) =>
      h("th", { scope: "col", "aria-sort": sort.key === column.key ? sort.direction : "none", dataset: { key: column.key } },
        h("button", { type: "button", onclick: () => sortBy(column.key) }, column.label)),
    ),
  );
  const column = COLUMNS.find((c) => c.key === sort.key);
  const tickets = [...(job.tickets ?? [])].sort(compare(column, sort.direction));
  table.tBodies[0].replaceChildren(
    ...tickets.map((t) =>
      h("tr", {},
        ...COLUMNS.map((c) => {
          let value = t[c.key];
          if (c.key === "confidence_score" && typeof value === "number") value = value.toFixed(2);
          if (c.key === "sla_due_date") value = formatTime(value);
          const cls = [c.number ? "num" : null, c.key === "priority" ? `priority-${t.priority}` : null].filter(Boolean).join(" ");
          return h("td", { class: cls || null }, value ?? "");
        })),
    ),
  );
  const unclassified = job.unclassified ?? [];
  if (unclassified.length) {
    for (const u of unclassified) {
      table.tBodies[0].append(
        h("tr", {}, h("td", {}, u.issue_key ?? ""), h("td", { colspan: COLUMNS.length - 1 }, `not classified: ${u.reason ?? u.error ?? ""}`)),
      );
    }
  }
}

function sortBy(key) {
  const sort = shown.sort;
  sort.direction = sort.key === key && sort.direction === "ascending" ? "descending" : "ascending";
  sort.key = key;
  renderTable();
}

function renderJob() {
  const { job } = shown;
  $("#job-title").textContent = job.file_name;
  $("#job-progress").value = percentOf(job);
  $("#job-label").textContent = labelOf(job);
  const r = job.results;
  $("#job-summary").textContent = r
    ? `${r.classified} classified, ${r.unclassified} unclassified in ${Math.round(r.processing_time_ms)} ms · ` +
      Object.entries(r.counts_by_priority ?? {}).map(([p, n]) => `${p}: ${n}`).join(", ")
    : "";
  renderTable();
}

async function poll(id) {
  if (shown?.id !== id) return;
  try {
    const job = await api("GET", `/api/tickets/${id}`);
    jobs.set(id, job);
    if (shown?.id !== id) return;
    shown.job = job;
    renderJob();
    renderList();
    if (job.status !== "completed" && job.status !== "failed") {
      shown.timer = setTimeout(() => poll(id), POLL_MS);
    }
  } catch (error) {
    notify(`Could not read the job: ${describe(error)}`);
  }
}

export function hideJob() {
  if (shown) clearTimeout(shown.timer);
  shown = null;
  $("#job-view").hidden = true;
}

function show(id) {
  hideJob();
  const job = jobs.get(id);
  shown = { id, job, sort: { key: "priority", direction: "descending" }, timer: null };
  $("#job-view").hidden = false;
  renderJob();
  renderList();
  poll(id);
}

export async function loadJobs() {
  const page = await api("GET", "/api/tickets?limit=100");
  jobs.clear();
  for (const job of page.items) jobs.set(job.session_id, job);
  renderList();
}

async function submit(bytes, fileName, secret) {
  const headers = await signatureHeaders(bytes, secret);
  const json = { csv_content: base64(bytes) };
  if (fileName) json.file_name = fileName;
  const accepted = await api("POST", "/api/tickets/upload", { json, headers });
  const job = await api("GET", `/api/tickets/${accepted.session_id}`);
  jobs.set(accepted.session_id, job);
  show(accepted.session_id);
}

async function generate(event) {
  event.preventDefault();
  const button = event.target.querySelector("button");
  button.disabled = true;
  try {
    const count = Number(event.target.count.value);
    const generated = await api("POST", "/api/csv/generate", { json: { ticket_count: count } });
    await submit(fromBase64(generated.csv_content), generated.file_name, null);
  } catch (error) {
    notify(`Could not classify the tickets: ${describe(error)}`);
  } finally {
    button.disabled = false;
  }
}

async function uploadCsv(event) {
  event.preventDefault();
  const file = $("#csv-file").files[0];
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    await submit(bytes, file.name, $("#signing-secret").value);
    $("#csv-file").value = "";
  } catch (error) {
    notify(`Upload refused: ${describe(error)}`);
  }
}

async function newSecret() {
  if (!confirm("A new signing secret replaces your current one (which keeps verifying for 24 h). Go on?")) return;
  try {
    const data = await api("POST", "/api/v1/signing-secret");
    $("#signing-secret").value = data.signing_secret;
    $("#signing-secret").type = "text";
    notify("A new signing secret: it is shown only now, copy it if you sign files elsewhere.", true);
  } catch (error) {
    notify(`Could not create a signing secret: ${describe(error)}`);
  }
}

export function initTickets() {
  $("#generate-form").addEventListener("submit", generate);
  $("#csv-form").addEventListener("submit", uploadCsv);
  $("#new-secret").addEventListener("click", newSecret);
}

export function forgetTickets() {
  hideJob();
  jobs.clear();
  $("#signing-secret").value = "";
}
