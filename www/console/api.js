// @ts-check
// The admin API as the console calls it (docs/api.md, "Admin API"): one method per call, each
// one HTTP request with `Authorization: Bearer <ADMIN_TOKEN>` to this deployment's origin. The
// console does nothing else: every screen is one or more of these calls, which curl can make.
import { NETWORK_ERROR, UNEXPECTED_RESPONSE } from "../assets/error-codes.js";

/** A refused or failed call: `code` is the API's `errorCode` (or `network_error`),
 * `description` its `errorDescription`, shown as it is. */
export class AdminError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} description
   */
  constructor(status, code, description) {
    super(description);
    this.status = status;
    this.code = code;
    this.description = description;
  }
}

/** Percent-encodes one path segment (a user id may hold `/`, `|` or spaces). */
const seg = encodeURIComponent;

export class AdminApi {
  /** @param {string} token the deployment's ADMIN_TOKEN */
  constructor(token) {
    this.token = token;
  }

  /**
   * Makes one call; answers the parsed JSON body (`null` for 204) or throws an {@link AdminError}.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>}
   */
  async call(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${this.token}` };
    /** @type {RequestInit} */
    const init = { method, headers, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch {
      throw new AdminError(0, NETWORK_ERROR, "The service could not be reached.");
    }
    const text = await res.text();
    /** @type {any} */
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.ok) return json;
    if (json && typeof json.errorCode === "string") {
      throw new AdminError(res.status, json.errorCode, String(json.errorDescription ?? json.errorCode));
    }
    throw new AdminError(res.status, UNEXPECTED_RESPONSE, `The service answered ${res.status}.`);
  }

  /** `GET /admin/tenants?prefix=` @param {string} [prefix] */
  listTenants(prefix = "") {
    return this.call("GET", `/admin/tenants${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ""}`);
  }

  /** `GET /admin/tenants/{id}` @param {string} id */
  getTenant(id) {
    return this.call("GET", `/admin/tenants/${seg(id)}`);
  }

  /** `POST /admin/tenants` @param {Record<string, unknown>} body */
  createTenant(body) {
    return this.call("POST", "/admin/tenants", body);
  }

  /** `PATCH /admin/tenants/{id}` @param {string} id @param {Record<string, unknown>} patch */
  updateTenant(id, patch) {
    return this.call("PATCH", `/admin/tenants/${seg(id)}`, patch);
  }

  /** `POST /admin/tenants/{id}/rotate-secret` @param {string} id */
  rotateSecret(id) {
    return this.call("POST", `/admin/tenants/${seg(id)}/rotate-secret`);
  }

  /** `DELETE /admin/tenants/{id}` @param {string} id */
  deleteTenant(id) {
    return this.call("DELETE", `/admin/tenants/${seg(id)}`);
  }

  /** `GET /admin/tenants/{id}/users/{userId}` @param {string} tenant @param {string} user */
  getUser(tenant, user) {
    return this.call("GET", `/admin/tenants/${seg(tenant)}/users/${seg(user)}`);
  }

  /**
   * `DELETE /admin/tenants/{id}/users/{userId}/authenticators/{keyId}`
   * @param {string} tenant @param {string} user @param {string} keyId
   */
  removeDevice(tenant, user, keyId) {
    return this.call("DELETE", `/admin/tenants/${seg(tenant)}/users/${seg(user)}/authenticators/${seg(keyId)}`);
  }

  /** `GET /admin/tenants/{id}/challenges/{challengeId}/deliveries` @param {string} tenant @param {string} challenge */
  deliveries(tenant, challenge) {
    return this.call("GET", `/admin/tenants/${seg(tenant)}/challenges/${seg(challenge)}/deliveries`);
  }

  /**
   * `POST /admin/tenants/{id}/challenges/{challengeId}/deliveries/{deliveryId}/retry`
   * @param {string} tenant @param {string} challenge @param {string} delivery
   */
  retry(tenant, challenge, delivery) {
    return this.call("POST", `/admin/tenants/${seg(tenant)}/challenges/${seg(challenge)}/deliveries/${seg(delivery)}/retry`);
  }
}
