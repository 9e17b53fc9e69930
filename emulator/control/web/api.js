// Calls to posemu's control API. URLs are relative to the page, which is
// served by the same server, so every request is same-origin and passes
// the API's loopback Host/Origin check.

export class APIError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(method, path, body) {
  const init = { method, headers: { Accept: "application/json" }, cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let resp;
  try {
    resp = await fetch("api/v1/" + path, init);
  } catch (e) {
    throw new APIError(0, "posemu is not answering (" + e.message + ")");
  }
  const text = await resp.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!resp.ok) {
    const msg = (data && data.error) || text || resp.statusText;
    throw new APIError(resp.status, msg);
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body === undefined ? {} : body);
export const del = (path) => api("DELETE", path);

// probe GETs an endpoint that a posemu build may not have yet: null when
// it answers 404 (the feature is absent), its JSON otherwise.
export async function probe(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

// el builds an element: el("td", {class: "x"}, "text", child…).
export function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") n.className = v;
    else if (k === "text") n.textContent = v;
    else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(n.dataset, v);
    else n.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    n.append(c instanceof Node ? c : String(c));
  }
  return n;
}

// showNote toggles a panel's "not available" note and disables its
// controls, so a posemu without a feature shows why the panel is empty.
export function setAvailable(panel, ok, note) {
  const p = panel.querySelector(":scope > .note");
  if (p) {
    p.hidden = ok;
    p.textContent = ok ? "" : note;
  }
  panel.classList.toggle("unavailable", !ok);
  for (const c of panel.querySelectorAll("button, input, select")) {
    if (c.closest(".note")) continue;
    if (!ok) c.disabled = true;
    else if (c.dataset.keepDisabled === undefined) c.disabled = false;
  }
}

// say puts a short message in a status line; errors stay until replaced.
export function say(node, text, isError) {
  node.textContent = text;
  node.classList.toggle("error", !!isError);
}

export function clockTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return "";
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
