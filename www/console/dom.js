// @ts-check
// Small DOM helpers of the console. Everything the API answers (tenant names, user ids, what a
// challenge showed, a user agent) is hostile text: it only ever becomes a text node.

import { h } from "/assets/dom.js";

export { h };

/** @typedef {import("/assets/dom.js").Child} Child */

/**
 * An `<input>`.
 * @param {Record<string, unknown>} attrs
 * @returns {HTMLInputElement}
 */
export function input(attrs) {
  return /** @type {HTMLInputElement} */ (h("input", attrs));
}

/**
 * A `<textarea>`.
 * @param {Record<string, unknown>} attrs
 * @returns {HTMLTextAreaElement}
 */
export function textarea(attrs) {
  return /** @type {HTMLTextAreaElement} */ (h("textarea", attrs));
}

/**
 * A `<button type="button">`.
 * @param {string} label
 * @param {Record<string, unknown>} [attrs]
 * @returns {HTMLButtonElement}
 */
export function button(label, attrs = {}) {
  return /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "button", ...attrs }, label));
}

/**
 * A time the API gave (Unix ms or RFC 3339), in UTC: `2026-12-01 03:04:05 UTC`.
 * @param {number | string | null | undefined} when
 */
export function when(when) {
  if (when === null || when === undefined || when === "") return "—";
  const date = new Date(when);
  if (Number.isNaN(date.getTime())) return String(when);
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * A definition list of `[name, value]` rows; rows without a value are left out.
 * @param {Array<[string, Child]>} rows
 * @param {string} [testid]
 */
export function facts(rows, testid) {
  const dl = h("dl", { class: "meta", testid });
  for (const [name, value] of rows) {
    if (value === null || value === undefined || value === false || value === "") continue;
    dl.append(h("dt", null, name), h("dd", null, value));
  }
  return dl;
}

/**
 * A badge: `kind` is `ok`, `bad`, `wait`, `off` or empty.
 * @param {string} text
 * @param {string} [kind]
 */
export function pill(text, kind = "") {
  return h("span", { class: `pill ${kind}`.trim() }, text);
}

/**
 * An error as the API gave it: its `errorDescription`, then its `errorCode`.
 * @param {{ description?: string, message?: string, code?: string }} error
 * @param {string} [testid]
 */
export function errorText(error, testid = "error") {
  const text = error.description ?? error.message ?? String(error);
  return h("p", { class: "error", role: "alert", testid }, error.code ? `${text} (${error.code})` : text);
}

/**
 * A secret shown once, with a copy button.
 * @param {string} label
 * @param {string} value
 * @param {string} testid
 */
export function secretField(label, value, testid) {
  const field = input({ readonly: true, value, spellcheck: "false", testid, "aria-label": label });
  const copy = button("Copy", { class: "button secondary", testid: `${testid}-copy` });
  copy.addEventListener("click", async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(value);
      copied = true;
    } catch {
      field.select();
      copied = document.execCommand("copy");
    }
    copy.textContent = copied ? "Copied" : "Select and copy";
  });
  return h("div", { class: "secret" }, h("label", null, label), h("div", { class: "row" }, h("div", { class: "grow" }, field), copy));
}

/**
 * An inline confirmation: `text`, then Cancel and a red `label` button that runs `action`
 * (its error is shown in the box).
 * @param {string} text
 * @param {string} label
 * @param {() => Promise<void>} action
 * @param {string} testid
 */
export function confirmBox(text, label, action, testid) {
  const box = h("div", { class: "confirm", testid, role: "alertdialog" });
  const yes = button(label, { class: "button danger", testid: `${testid}-yes` });
  const no = button("Cancel", { class: "button secondary", testid: `${testid}-no` });
  no.addEventListener("click", () => box.remove());
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    box.querySelector(".error")?.remove();
    try {
      await action();
    } catch (e) {
      box.append(errorText(/** @type {any} */ (e)));
      yes.disabled = false;
    }
  });
  box.append(h("p", null, text), h("div", { class: "actions" }, no, yes));
  return box;
}
