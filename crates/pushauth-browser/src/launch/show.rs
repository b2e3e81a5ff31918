//! Showing the hosted UI: one JS function navigates there (`redirect`), or builds the dialog
//! and its iframe (`popup`), or opens and centres the window (`window`), and then listens. A
//! dozen DOM calls made from Rust were a dozen imports, each with its glue, and cost more than
//! these lines. Which messages count, and what they resolve to, is decided in Rust
//! (`decide.rs`): the function hands every `message` to it.

use js_sys::Function;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(inline_js = r##"
export function show(mode, url, width, height, closable, decide) {
  if (typeof document != "object") return 1;
  if (!mode) {
    location.href = url;
    return Promise.resolve({});
  }
  let source, dialog, opened, timer, end;
  let seenClosed = 0;
  const ended = new Promise((resolve) => (end = resolve));
  const finish = (payload) => {
    if (!end) return;
    removeEventListener("message", listen);
    clearInterval(timer);
    // The dialog's listeners go with it; the `close` event this queues finds the watch over.
    dialog?.close();
    dialog?.remove();
    opened?.close();
    end(payload);
    end = 0;
  };
  const listen = (event) => {
    const payload = decide(event.origin, event.source === source, event.data);
    if (payload) finish(payload);
  };
  if (mode == 1) {
    if (document.getElementById("pushauth-popup")) return 2;
    const body = document.body;
    if (!body) return 4;
    dialog = document.createElement("dialog");
    dialog.id = "pushauth-popup";
    dialog.setAttribute("aria-label", "Approve on your phone");
    dialog.style.cssText =
      "padding:0;border:0;border-radius:8px;max-width:95vw;max-height:95vh;overflow:hidden;background:transparent";
    const style = document.createElement("style");
    style.textContent = "#pushauth-popup::backdrop{background:rgba(0,0,0,.18)}";
    const iframe = document.createElement("iframe");
    iframe.title = "Approve on your phone";
    iframe.setAttribute("allow", "clipboard-write");
    iframe.style.cssText = "display:block;border:0;max-width:95vw;max-height:95vh;width:400px;height:560px";
    // The caller's sizes: the browser ignores a value that is not valid CSS, leaving the default.
    if (width != null) iframe.style.width = width;
    if (height != null) iframe.style.height = height;
    iframe.src = url;
    dialog.append(style, iframe);
    body.append(dialog);
    // A click on the backdrop lands on the dialog element itself; Escape fires `cancel`.
    dialog.addEventListener("click", (event) => closable && event.target == dialog && dialog.close());
    dialog.addEventListener("cancel", (event) => closable || event.preventDefault());
    dialog.addEventListener("close", () => finish({}));
    try {
      dialog.showModal();
    } catch (error) {
      dialog.remove();
      throw error;
    }
    // The iframe's window exists once it is in the page, and stays while it navigates.
    source = iframe.contentWindow;
  } else {
    // Centred over this window, never off the screen's left or top edge.
    const edge = (screen, outer, size) => Math.round(Math.max(0, screen + (outer - size) / 2));
    opened = open(
      url,
      "_blank",
      `popup=yes,width=${width},height=${height},left=${edge(screenX, outerWidth, width)},top=${edge(screenY, outerHeight, height)}`,
    );
    if (!opened) return 3;
    source = opened;
    // Closed when two checks in a row find it closed, so that the hosted UI's last message,
    // posted just before it closed itself, is read first.
    timer = setInterval(() => opened.closed && ++seenClosed > 1 && finish({}), 500);
  }
  addEventListener("message", listen);
  return ended;
}
"##)]
extern "C" {
    /// Shows the hosted UI at `url`: `mode` 0 navigates there (and returns a promise of `{}`),
    /// 1 shows it in a modal dialog (id `pushauth-popup`; `width` and `height` CSS strings or
    /// undefined; Escape and a backdrop click close it when `closable`), 2 opens a window
    /// (`width` and `height` in pixels) centred over this one. For 1 and 2 every `message` on
    /// this window goes to `decide(origin, fromHostedUi, data)`, where `fromHostedUi` says
    /// whether the message came from the dialog's iframe or the opened window; whatever
    /// truthy value `decide` returns ends it: the dialog or window is closed, the listeners
    /// removed and the returned promise resolves to that value. The user closing the dialog
    /// or the window first resolves it to `{}`.
    ///
    /// Returns the promise, or a number: 1 when there is no document (not a browser window), 2
    /// when a pushauth dialog is already open, 3 when the browser did not open the window, 4
    /// when the page has no body for the dialog. Throws what `showModal` throws.
    #[wasm_bindgen(catch)]
    pub fn show(
        mode: u8,
        url: &str,
        width: &JsValue,
        height: &JsValue,
        closable: bool,
        decide: &Function,
    ) -> Result<JsValue, JsValue>;
}
