// WebSockets to the Worker for black-box tests (docs/api.md, "Sockets"), with the `ws` package:
// Node 20 has no global WebSocket, and `ws` reports the HTTP status of a refused handshake.
import WebSocket from "ws";
import { base } from "./api.mjs";

/** The subprotocols a browser offers for a challenge's socket. */
export function tokenProtocols(token) {
  return ["pushauth.v1", `pushauth.token.${token}`];
}

/** The subprotocols a device offers with its ticket. */
export function ticketProtocols(ticket) {
  return ["pushauth.v1", `pushauth.ticket.${ticket}`];
}

/**
 * Opens a socket at `path`; resolves to { ws, protocol, messages, next(timeoutMs), closed } once
 * open, or to { status, json } when the handshake is refused with an HTTP answer.
 * `next` waits for the next message (parsed JSON); `closed` resolves to { code, reason }.
 */
export function openSocket(path, protocols, { origin } = {}) {
  const url = `${base.replace(/^http/, "ws")}${path}`;
  const ws = new WebSocket(url, protocols, origin ? { origin } : {});
  const messages = [];
  let wake = () => {};
  ws.on("message", (data) => {
    messages.push(JSON.parse(String(data)));
    wake();
  });
  // `closed` is the server's close frame: under `wrangler dev` the TCP connection behind it stays
  // up for ~10 s more, and `ws` fires "close" only when that ends. The frame is reported by the
  // receiver's "conclude" event (ws 8, pinned in package.json).
  const closed = new Promise((resolve) => {
    const done = (code, reason) => resolve({ code, reason: String(reason) });
    ws.on("close", done);
    ws.on("open", () => ws._receiver?.on("conclude", done));
  });
  let seen = 0;
  const next = async (timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (seen >= messages.length) {
      if (Date.now() > deadline) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return messages[seen++];
  };
  return new Promise((resolve, reject) => {
    ws.on("open", () => resolve({ ws, protocol: ws.protocol, messages, next, closed }));
    ws.on("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, json });
        ws.terminate();
      });
    });
    // A refused handshake was resolved above; a later error changes nothing.
    ws.on("error", reject);
  });
}
