// @ts-check
// The pages' one way to reach their own elements.

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
