// Webhook endpoints: add one (its secret is shown once), its delivery log, redeliver.

import { api, describe } from "./api.js";
import { $, formatTime, h, notify } from "./dom.js";

const REFRESH_MS = 2000; // the delivery log of the endpoint in view follows on its own

let shown = null; // the endpoint in view: {id, timer}
const endpoints = new Map();

function renderList() {
  const list = $("#webhook-list");
  list.replaceChildren(
    ...[...endpoints.values()].map((w) =>
      h("li", { class: shown?.id === w.id ? "selected" : null, dataset: { webhookId: w.id } },
        h("button", { type: "button", class: "item", onclick: () => show(w.id) },
          w.url, h("span", { class: "sub" }, `${w.enabled ? "enabled" : "disabled"} · ${w.events.join(", ")}`))),
    ),
  );
  if (endpoints.size === 0) list.append(h("li", { class: "muted" }, "No endpoints yet."));
}

export async function loadWebhooks() {
  const page = await api("GET", "/api/v1/webhooks?limit=100");
  endpoints.clear();
  for (const w of page.items) endpoints.set(w.id, w);
  renderList();
}

function renderEndpoint() {
  const w = endpoints.get(shown.id);
  $("#webhook-title").textContent = w.url;
  $("#webhook-state").textContent = [
    w.enabled ? "enabled" : `disabled${w.disabled_reason ? `: ${w.disabled_reason}` : ""}`,
    `events: ${w.events.join(", ")}`,
    w.description,
  ].filter(Boolean).join(" · ");
  $("#enable-webhook").hidden = w.enabled;
}

async function loadDeliveries() {
  const id = shown.id;
  const page = await api("GET", `/api/v1/webhooks/${id}/deliveries?limit=100`);
  if (shown?.id !== id) return;
  $("#delivery-table").tBodies[0].replaceChildren(
    ...page.items.map((d) => {
      const button = h("button", {
        type: "button",
        onclick: async () => {
          button.disabled = true;
          try {
            await api("POST", `/api/v1/webhooks/${id}/deliveries/${d.id}/redeliver`);
            notify("Sent again.", true);
            await loadDeliveries();
          } catch (error) {
            notify(`Could not redeliver: ${describe(error)}`);
            button.disabled = false;
          }
        },
      }, "Redeliver");
      return h("tr", { dataset: { deliveryId: d.id, status: d.status } },
        h("td", {}, d.event),
        h("td", {}, d.status),
        h("td", { class: "num" }, d.attempts),
        h("td", { class: "num" }, d.response_status ?? ""),
        h("td", {}, d.last_error ?? ""),
        h("td", {}, formatTime(d.created_at)),
        h("td", {}, button));
    }),
  );
  if (page.items.length === 0) {
    $("#delivery-table").tBodies[0].append(h("tr", {}, h("td", { colspan: 7, class: "muted" }, "No deliveries yet.")));
  }
}

async function follow(state) {
  if (shown !== state) return;
  try {
    await loadDeliveries();
  } catch (error) {
    notify(`Could not read the deliveries: ${describe(error)}`);
  }
  if (shown === state) state.timer = setTimeout(() => follow(state), REFRESH_MS);
}

async function show(id) {
  forgetShown();
  shown = { id, timer: null };
  $("#webhook-view").hidden = false;
  renderList();
  renderEndpoint();
  await follow(shown);
}

async function create(event) {
  event.preventDefault();
  const form = event.target;
  const events = [...form.querySelectorAll("input[name=events]:checked")].map((i) => i.value);
  try {
    const data = await api("POST", "/api/v1/webhooks", {
      json: { url: form.url.value.trim(), events, description: form.description.value },
    });
    endpoints.set(data.webhook.id, data.webhook);
    const secret = $("#webhook-secret");
    secret.textContent = `Signing secret (shown only now): ${data.secret}`;
    secret.hidden = false;
    form.reset();
    await show(data.webhook.id);
  } catch (error) {
    notify(`Could not add the endpoint: ${describe(error)}`);
  }
}

async function enable() {
  try {
    const data = await api("PATCH", `/api/v1/webhooks/${shown.id}`, { json: { enabled: true } });
    endpoints.set(data.webhook.id, data.webhook);
    renderList();
    renderEndpoint();
  } catch (error) {
    notify(`Could not enable it: ${describe(error)}`);
  }
}

async function remove() {
  if (!confirm("Delete this endpoint and its delivery log?")) return;
  try {
    await api("DELETE", `/api/v1/webhooks/${shown.id}`);
    endpoints.delete(shown.id);
    forgetShown();
    renderList();
  } catch (error) {
    notify(`Could not delete it: ${describe(error)}`);
  }
}

function forgetShown() {
  if (shown) clearTimeout(shown.timer);
  shown = null;
  $("#webhook-view").hidden = true;
}

export function forgetWebhooks() {
  forgetShown();
  endpoints.clear();
  $("#webhook-secret").hidden = true;
  $("#webhook-secret").textContent = "";
}

export function initWebhooks() {
  $("#webhook-form").addEventListener("submit", create);
  $("#refresh-deliveries").addEventListener("click", () =>
    loadDeliveries().catch((error) => notify(`Could not read the deliveries: ${describe(error)}`)));
  $("#enable-webhook").addEventListener("click", enable);
  $("#delete-webhook").addEventListener("click", remove);
}
