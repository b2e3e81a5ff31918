// Issue 14, a smaller finding: `409 key_already_enrolled` told anyone holding an enrolment token
// whether a public key was enrolled (for any user of the tenant). Our device protocol now asks for
// a proof of possession (docs/protocol.md, "Enrolment proof"), checked before the key is looked
// up: an enrolment naming someone else's key, with whatever proof the attacker can make, gets the
// same refusal whether that key is enrolled or not, and nothing is enrolled.
// The Authsignal mobile SDKs' addCredential cannot sign (docs/threat-model.md says what remains);
// the last test pins that this path still answers as those SDKs expect.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Device, basic, bearer, call, createTenant, enrol, track } from "../support/api.mjs";
import { MobileDevice } from "../support/mobile.mjs";

const ENROL = "/v1/client/user-authenticators/push";

/** What an answer says, minus nothing: status, code and description. */
const said = (res) => `${res.status} ${res.json?.errorCode} ${res.json?.errorDescription}`;

describe("an enrolment token is no oracle for which keys are enrolled", () => {
  test("someone else's enrolled key and a key enrolled nowhere get the same refusal", async () => {
    const t = await createTenant();
    const victim = new Device();
    await enrol(t, "victim", victim);
    const stranger = new Device(); // enrolled nowhere
    const attacker = new Device();
    const { token } = await track(t, "attacker", "enroll", { scope: "add:authenticators" });

    // What an attacker can send for a public key it does not hold: no proof, a proof by its own
    // key, a proof the key's holder made for another token (e.g. seen on the wire).
    const { token: victimToken } = await track(t, "victim", "enroll", { scope: "add:authenticators" });
    const attempts = (target) => {
      const { proof: _, ...bare } = target.enrolment(token, "mine now");
      return {
        "no proof": bare,
        "the attacker's own signature": { ...bare, proof: attacker.enrolment(token).proof },
        "the holder's proof for another token": { ...bare, proof: target.enrolment(victimToken).proof },
      };
    };
    const victimAttempts = attempts(victim);
    const strangerAttempts = attempts(stranger);
    for (const name of Object.keys(victimAttempts)) {
      const enrolled = await call("POST", ENROL, { headers: bearer(token), body: victimAttempts[name] });
      const unknown = await call("POST", ENROL, { headers: bearer(token), body: strangerAttempts[name] });
      assert.notEqual(enrolled.status, 409, `${name}: ${said(enrolled)}`);
      assert.ok(enrolled.status === 400 || enrolled.status === 401, `${name}: refused, ${said(enrolled)}`);
      assert.equal(said(enrolled), said(unknown), `${name}: the answer is the same whether the key is enrolled or not`);
    }

    // Nothing changed hands: the victim's key is still the victim's only, the attacker has none.
    const victimDevices = await call("GET", "/v1/users/victim/authenticators", { headers: basic(t.secret) });
    assert.deepEqual(victimDevices.json.map((d) => d.userAuthenticatorId), [victim.keyId]);
    const attackerDevices = await call("GET", "/v1/users/attacker/authenticators", { headers: basic(t.secret) });
    assert.deepEqual(attackerDevices.json, []);

    // The key's holder, with a proof over this token, is told the truth: it is enrolled elsewhere.
    const holder = await call("POST", ENROL, { headers: bearer(token), body: victim.enrolment(token) });
    assert.equal(`${holder.status} ${holder.json?.errorCode}`, "409 key_already_enrolled");
    // And a key the attacker does hold enrols (the proof is not an obstacle for a real device).
    const own = await call("POST", ENROL, { headers: bearer(token), body: attacker.enrolment(token) });
    assert.equal(own.status, 201, own.text);
  });

  test("what remains: the Authsignal mobile SDKs' addCredential sends no proof and still answers 409", async () => {
    const t = await createTenant();
    const victim = new Device();
    await enrol(t, "victim", victim);
    const { token } = await track(t, "attacker", "enroll", { scope: "add:authenticators" });
    const phone = await MobileDevice.create(t.id, "ios");
    const res = await phone.addCredential(token, { publicKey: victim.publicKey });
    // Documented in docs/threat-model.md ("Enrolment"): this dialect cannot prove possession.
    assert.equal(`${res.status} ${res.json?.errorCode}`, "409 key_already_enrolled");
  });
});
