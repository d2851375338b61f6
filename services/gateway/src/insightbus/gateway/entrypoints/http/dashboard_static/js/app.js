// The dashboard's entry point: signing in and out, and the three tabs.

import { describe, login, register, signOut } from "./api.js";
import { $, clearNotice, notify } from "./dom.js";
import { closeSession, initSessions, loadSessions } from "./sessions.js";
import { forgetTickets, initTickets, loadJobs } from "./tickets.js";
import { forgetWebhooks, initWebhooks, loadWebhooks } from "./webhooks.js";

const LOADERS = { sessions: loadSessions, tickets: loadJobs, webhooks: loadWebhooks };

async function openTab(name) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.tab === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const panel of Object.keys(LOADERS)) $(`#${panel}`).hidden = panel !== name;
  try {
    await LOADERS[name]();
  } catch (error) {
    notify(`Could not load ${name}: ${describe(error)}`);
  }
}

function signedIn(email) {
  clearNotice();
  $("#auth").hidden = true;
  $("#nav").hidden = false;
  $("#who").hidden = false;
  $("#who-name").textContent = email;
  for (const form of document.querySelectorAll("#auth form")) form.reset();
  openTab("sessions");
}

function signedOut() {
  signOut();
  closeSession();
  forgetTickets();
  forgetWebhooks();
  for (const panel of Object.keys(LOADERS)) $(`#${panel}`).hidden = true;
  $("#nav").hidden = true;
  $("#who").hidden = true;
  $("#auth").hidden = false;
}

function onSubmit(selector, action) {
  const form = $(selector);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await action(form);
      signedIn(form.email.value.trim());
    } catch (error) {
      notify(describe(error));
    } finally {
      button.disabled = false;
    }
  });
}

onSubmit("#login-form", (f) => login(f.email.value.trim(), f.password.value));
onSubmit("#register-form", (f) => register(f.name.value.trim(), f.email.value.trim(), f.password.value));
$("#logout").addEventListener("click", signedOut);
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => openTab(tab.dataset.tab));
}
initSessions();
initTickets();
initWebhooks();
