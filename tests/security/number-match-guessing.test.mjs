// Issue 14, finding 6: the number-match code cannot be guessed by answering without the device's
// key. Every code from 000 to 999 with a signature that does not verify gets the same
// 401 invalid_signature, the right one included, and the challenge stays answerable (so none of
// those 1000 answers counted as a wrong code).
// Issue 12: with the key, guessing is bounded: the third validly signed wrong code fails the
// challenge (409 too_many_attempts), after which not even the right code is taken.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Device,
  answer,
  basic,
  bearer,
  call,
  createTenant,
  enrol,
  pendingView,
  startChallenge,
  track,
  verify,
} from "../support/api.mjs";

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

  test("the third signed wrong code fails the challenge; the right code is refused after it", async () => {
    const t = await createTenant({ numberMatching: true });
    const phone = new Device();
    await enrol(t, "nm-limit", phone);
    const tracked = await track(t, "nm-limit");
    const started = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: { action: "signIn" } });
    assert.equal(started.status, 200, started.text);
    const { challengeId, verificationCode } = started.json;
    const view = await pendingView(t, phone, challengeId);
    const wrong = [1, 2, 3].map((n) => String((Number(verificationCode) + n) % 1000).padStart(3, "0"));

    // A foreign signature over a wrong code first: refused, and it counts for nothing below.
    const forged = { ...new Device().answer(view, 0, { code: wrong[0] }), keyId: phone.keyId };
    for (let i = 0; i < 5; i++) assert.equal((await answer(challengeId, forged)).json.errorCode, "invalid_signature");

    for (const [i, left] of [[0, "2 attempts left"], [1, "1 attempt left"]]) {
      const res = await answer(challengeId, phone.answer(view, 0, { code: wrong[i] }));
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.errorCode, "number_mismatch");
      assert.ok(res.json.errorDescription.endsWith(left), res.json.errorDescription);
      assert.ok(!res.json.errorDescription.includes(wrong[i]), "the description does not echo the code");
      const polled = await verify(tracked.token, challengeId);
      assert.deepEqual(polled.json, { isConsumed: false, isVerified: false, status: "pending" });
    }

    const third = await answer(challengeId, phone.answer(view, 0, { code: wrong[2] }));
    assert.equal(third.status, 409, third.text);
    assert.equal(third.json.errorCode, "too_many_attempts");
    assert.ok(!third.json.errorDescription.includes(wrong[2]), third.json.errorDescription);

    // Final: the right code, and a deny, are refused.
    const right = await answer(challengeId, phone.answer(view, 0, { code: verificationCode }));
    assert.equal(right.status, 409, right.text);
    assert.equal(right.json.errorCode, "challenge_not_pending");
    const deny = await answer(challengeId, phone.answer(view, 1));
    assert.equal(deny.json.errorCode, "challenge_not_pending");

    // The browser sees it finished, not verified, and why; no result token.
    const polled = await verify(tracked.token, challengeId);
    assert.equal(polled.status, 200, polled.text);
    assert.deepEqual(polled.json, {
      isConsumed: true,
      isVerified: false,
      status: "denied",
      failureReason: "too_many_attempts",
    });
    // The backend sees it failed; the device no longer lists it.
    const action = await call("GET", `/v1/users/nm-limit/actions/signIn/${tracked.idempotencyKey}`, { headers: basic(t.secret) });
    assert.equal(action.json.state, "CHALLENGE_FAILED");
    assert.equal(action.json.status, "denied");
    assert.equal(action.json.failureReason, "too_many_attempts");
    const listed = await phone.pending(t.id);
    assert.deepEqual(listed.json.challenges, []);

    // The same track token asking again starts a new challenge with a new number.
    const again = await call("POST", "/v1/client/challenge/push", { headers: bearer(tracked.token), body: { action: "signIn" } });
    assert.equal(again.status, 200, again.text);
    assert.notEqual(again.json.challengeId, challengeId);
  });
});
