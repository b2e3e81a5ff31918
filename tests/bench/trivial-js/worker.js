// A Worker that answers every request with "ok": the bench's baseline for what workerd itself costs.
export default {
  fetch() {
    return new Response("ok");
  },
};
