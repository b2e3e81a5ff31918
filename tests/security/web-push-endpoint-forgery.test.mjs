// Issue 14, finding 2: a device's Web Push endpoint is a URL the Worker POSTs to, so it must be a
// real push service: the hosts the browsers' push services use (plus the deployment's
// WEB_PUSH_HOSTS), https on the default port, never an IP literal or a private name. Loopback
// http is accepted only in development (ALLOW_LOOPBACK_URLS), which the other Web Push tests use.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, call, createTenant, enrol } from "../support/api.mjs";
import { PushClient } from "../support/webpush.mjs";

const PATH = "/v1/device/web-push";

async function subscribe(t, device, endpoint) {
  const raw = JSON.stringify(new PushClient().subscription(endpoint));
  return call("PUT", PATH, { headers: { ...device.headers(t.id, "PUT", PATH, raw), "content-type": "application/json" }, raw });
}

describe("Web Push endpoints as a request-forgery vector", () => {
  test("internal addresses, private names, other ports and look-alike hosts are refused", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "wp-forgery", phone);
    for (const endpoint of [
      "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "https://10.0.0.1:8443/internal/admin",
      "https://192.168.1.1/",
      "https://[fd00::1]/x",
      // (Loopback hosts are accepted here: these tests run with ALLOW_LOOPBACK_URLS, as
      // development does; the core's unit tests refuse them without it.)
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://metadata/computeMetadata/v1/",
      "https://fcm.googleapis.com:8443/fcm/send/abc",
      "https://fcm.googleapis.com:443/fcm/send/abc",
      "http://fcm.googleapis.com/fcm/send/abc",
      "https://fcm.googleapis.com.evil.example/fcm/send/abc",
      "https://evil-fcm.googleapis.com.example/x",
      "https://googleapis.com/fcm/send/abc",
      "https://evilpush.apple.com/x",
      "https://push.apple.com.evil.example/x",
      "https://x.notify.windows.com.evil.example/w/?token=1",
      "https://push.example.org/x", // only subdomains of the configured *.push.example.org
    ]) {
      const res = await subscribe(t, phone, endpoint);
      assert.equal(res.status, 400, `${endpoint}: ${res.text}`);
      assert.equal(res.json.errorCode, "invalid_url", endpoint);
    }
  });

  test("the browsers' push services and the deployment's WEB_PUSH_HOSTS are accepted", async () => {
    const t = await createTenant();
    const phone = new Device();
    await enrol(t, "wp-real", phone);
    for (const endpoint of [
      "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bExample",
      "https://fcm.googleapis.com/wp/dGVzdA",
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABexample",
      "https://web.push.apple.com/QGVzdA",
      "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
      // tests/support/with-worker.mjs sets WEB_PUSH_HOSTS="push.example.net,*.push.example.org".
      "https://push.example.net/send/abc",
      "https://eu.push.example.org/send/abc",
    ]) {
      const res = await subscribe(t, phone, endpoint);
      assert.equal(res.status, 200, `${endpoint}: ${res.text}`);
      assert.equal(res.json.endpoint, endpoint);
    }
  });
});
