// Building the page from data: elements and text nodes only, never HTML strings, so text
// from an upload (an excerpt, a ticket summary) can never become markup.

const SVG = "http://www.w3.org/2000/svg";

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG, tag), attrs, children);
}

export const $ = (selector) => document.querySelector(selector);

let noticeTimer = null;

/** A message at the top of the page: errors stay until the next one, news goes. */
export function notify(message, ok = false) {
  const notice = $("#notice");
  notice.textContent = message;
  notice.classList.toggle("ok", ok);
  notice.hidden = false;
  clearTimeout(noticeTimer);
  if (ok) noticeTimer = setTimeout(() => (notice.hidden = true), 4000);
}

export function clearNotice() {
  $("#notice").hidden = true;
}

export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
