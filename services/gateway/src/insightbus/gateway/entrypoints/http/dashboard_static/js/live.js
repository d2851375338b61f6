// A session's live messages: WS /api/v1/sessions/{id}/events, same origin.
//
// The token goes as a subprotocol (["bearer", "bearer.<token>"]), as the README advises for
// browsers: ?token= would work too but puts the token in URLs (and proxies' logs). Every
// message carries the id of its event; after a dropped connection the socket is opened again
// with ?last_event_id=<the last id seen>, and the notifier sends what was missed, in order,
// each once. The first connection has no last_event_id: the session's log is replayed from
// the start, which is how a page opened later shows an analysis that ran before.

import { accessToken, refreshTokens } from "./api.js";

const UNAUTHENTICATED = 4401;
const NOT_FOUND = 4404;

export function watch(sessionId, onMessage, onState = () => {}) {
  let lastEventId = null;
  let socket = null;
  let stopped = false;
  let failures = 0;
  let timer = null;

  function url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = lastEventId ? `?last_event_id=${encodeURIComponent(lastEventId)}` : "";
    return `${scheme}//${location.host}/api/v1/sessions/${encodeURIComponent(sessionId)}/events${query}`;
  }

  function again() {
    const delay = Math.min(10000, 250 * 2 ** failures++);
    onState("reconnecting");
    timer = setTimeout(open, delay);
  }

  function open() {
    if (stopped) return;
    const token = accessToken();
    if (!token) return;
    socket = new WebSocket(url(), ["bearer", `bearer.${token}`]);
    socket.addEventListener("open", () => {
      failures = 0;
      onState("live");
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.id) lastEventId = message.id;
      onMessage(message);
    });
    socket.addEventListener("close", async (event) => {
      if (stopped) return;
      if (event.code === NOT_FOUND) {
        onState("closed");
        return;
      }
      if (event.code === UNAUTHENTICATED) {
        // An access token that expired while the socket was open: a new one, then resume.
        if (failures < 2 && (await refreshTokens())) again();
        else onState("closed");
        return;
      }
      again();
    });
  }

  open();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
    },
  };
}
