// @ts-check
// The evidence page: parses the pasted document and shows what `verify.js` says of it.
import { byId as $ } from "/assets/dom.js";
import { verifyEvidence } from "./verify.js";

/** @type {Record<string, string>} */
const SAYS = {
  valid: "Valid: this device key signed exactly what is shown below.",
  unsupported_version: "Not checked: this is not a version 1 evidence document.",
  tenant_mismatch: "Refused: the document names another tenant than the one the device signed for.",
  invalid_key: "Refused: the public key or key id is not a P-256 key of the right form.",
  key_id_mismatch: "Refused: the key id is not this public key's.",
  invalid_signature_encoding: "Refused: the signature is not DER or 64-byte r‖s in base64.",
  signature_mismatch: "Refused: the signature does not cover this content with this key.",
  button_out_of_range: "Refused: the chosen button does not exist.",
  result_mismatch: "Refused: the recorded result is not what the chosen button means.",
  not_json: "Not checked: this is not JSON.",
};

/**
 * @param {HTMLElement} dl
 * @param {string} name
 * @param {unknown} value
 */
function fact(dl, name, value) {
  const dt = document.createElement("dt");
  dt.textContent = name;
  const dd = document.createElement("dd");
  dd.textContent = String(value);
  dl.append(dt, dd);
}

$("check").addEventListener("click", async () => {
  let doc;
  try {
    doc = JSON.parse($("doc", HTMLTextAreaElement).value);
  } catch {
    doc = undefined;
  }
  /** @type {import("./verify.js").Verdict | { verdict: "not_json" }} */
  const result = doc === undefined ? { verdict: "not_json" } : await verifyEvidence(doc);
  $("verdict").textContent = SAYS[result.verdict] ?? result.verdict;
  $("verdict").dataset.verdict = result.verdict;
  const dl = $("facts");
  dl.replaceChildren();
  dl.hidden = result.verdict !== "valid";
  if (result.verdict === "valid") {
    fact(dl, "Tenant", result.tenantId);
    fact(dl, "User", result.userId);
    fact(dl, "Action", result.action);
    fact(dl, "Content", result.content);
    fact(dl, "Answer", `${result.button} (${result.approved ? "approve" : "deny"})`);
    fact(dl, "Key", result.keyId);
    fact(dl, "Answered at (not signed)", new Date(result.answeredAt).toISOString());
  }
});
