// Issue 14, finding 6: the number-match code cannot be guessed by answering without the device's
// key. Every code from 000 to 999 with a signature that does not verify gets the same
// 401 invalid_signature, the right one included, and the challenge stays answerable.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, answer, createTenant, enrol, pendingView, startChallenge } from "../support/api.mjs";

describe("guessing the number-match code", () => {
  test("all 1000 codes with a foreign signature get the same invalid_signature", async () => {
    const t = await createTenant({ numberMatching: true });
    const phone = new Device();
    await enrol(t, "nm-guess", phone);
    const { challengeId, verificationCode } = await startChallenge(t, "nm-guess");
    assert.match(verificationCode, /^\d{3}$/);
    const view = await pendingView(t, phone, challengeId);
    // A well-formed signature by another key over the same view: it cannot verify for the phone.
    const forged = new Device().answer(view, 0, { code: verificationCode });
    const codes = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
    const seen = new Map();
    for (let i = 0; i < codes.length; i += 50) {
      const batch = codes.slice(i, i + 50);
      const results = await Promise.all(
        batch.map((code) => answer(challengeId, { ...forged, keyId: phone.keyId, code })),
      );
      results.forEach((res, j) => {
        const key = `${res.status} ${res.json?.errorCode} ${res.json?.errorDescription}`;
        seen.set(key, [...(seen.get(key) ?? []), batch[j]]);
      });
    }
    assert.deepEqual([...seen.keys()], ["401 invalid_signature the signature does not verify"], [...seen.keys()].join("\n"));
    assert.ok(seen.values().next().value.includes(verificationCode), "the right code was among the guesses");
    // Nothing was decided: the phone can still answer with the right number.
    const real = await answer(challengeId, phone.answer(view, 0, { code: verificationCode }));
    assert.equal(real.status, 200, real.text);
    assert.equal(real.json.status, "approved");
  });
});
