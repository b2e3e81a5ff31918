// @ts-check
// The pages' one way to reach their own elements and to build new ones.

/**
 * The page's element with this id, of `type` (default: any HTML element). A page asks only for
 * ids its own HTML has, so a missing element, or one of another kind, is a bug: it throws,
 * naming the id.
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @param {{ new (): E }} [type]
 * @returns {E}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  const want = type ?? HTMLElement;
  if (!(element instanceof want)) throw new Error(`#${id} is not a ${want.name} of this page`);
  return /** @type {E} */ (element);
}

/** A child for {@link h}: a node, text, or nothing. @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Creates an element: `h("p", { class: "x", onclick: fn }, "text", child…)`. Attributes: `class`,
 * `text` (the text content), `testid` (`data-testid`), `on<event>` listeners (a function only: never
 * an `on…` attribute, which would be inline script), and any other attribute (`true`: present;
 * `false`, `null` or `undefined`: absent; else its string form). Children are nodes or text: what
 * a service answers only ever becomes a text node, never HTML.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) {
      if (typeof value === "function") el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else if (name === "class") el.className = String(value);
    else if (name === "text") el.textContent = String(value);
    else if (name === "testid") el.dataset.testid = String(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}
