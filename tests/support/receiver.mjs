// A real HTTP receiver on loopback for callbacks and webhooks. It can be told its port before it
// listens, so a test can point a tenant at it while it is still "down".
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export class Receiver {
  /** @param {number} port  @param {number} status  the status to answer with */
  constructor(port, status = 200) {
    this.port = port;
    this.status = status;
    this.received = [];
    this.url = `http://127.0.0.1:${port}/hook`;
    this.server = null;
  }

  async start() {
    this.server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const bytes = Buffer.concat(chunks);
        this.received.push({ method: req.method, path: req.url, headers: req.headers, body: bytes.toString("utf8"), bytes });
        res.writeHead(this.status, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
    // A test that fails before its `stop()` must not leave the process waiting on this server.
    this.server.unref();
    return this;
  }

  async stop() {
    if (this.server) {
      const server = this.server;
      const closed = new Promise((r) => server.close(r));
      server.closeAllConnections(); // keep-alive sockets from workerd would hold close() open
      await closed;
    }
    this.server = null;
  }

  /** Waits until `predicate(received)` holds, or fails after `ms`. */
  async waitFor(predicate, ms = 10_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (predicate(this.received)) return this.received;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`receiver ${this.url}: condition not met; got ${JSON.stringify(this.received.map((r) => r.body))}`);
  }
}
