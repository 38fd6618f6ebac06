// The component's glue: a function served as the `wasi:http` incoming
// handler. componentize-js's engine (StarlingMonkey) turns each request to
// the handler into a service worker's `fetch` event; the build step's entry
// calls `serve` with the function module's default export.

import type { RpcFunction } from "./function.js";
import { answer } from "./inner.js";

// What the engine offers, as far as serving needs (declared here rather
// than taken from a lib, so that this file type-checks alike for the
// component and for the native tests, which never load it).
declare function addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
interface FetchEvent {
  readonly request: { readonly method: string; text(): Promise<string> };
  respondWith(response: Promise<unknown>): void;
}
declare const Response: new (
  body: string,
  init: { status: number; headers: Record<string, string> },
) => unknown;

/** Serves `fn`: every request to the component is an inner request. */
export function serve(fn: RpcFunction): void {
  // The module is evaluated when the component is made: this fails the build.
  if (typeof fn?.call !== "function") {
    throw new Error("rpc-function: the module must `export default defineFunction({...})`");
  }
  addEventListener("fetch", (event) => event.respondWith(respond(fn, event.request)));
}

async function respond(fn: RpcFunction, request: FetchEvent["request"]): Promise<unknown> {
  // The router bounds what it sends; a function reads what comes.
  const body = request.method === "POST" ? await request.text() : "";
  const { status, headers, body: text } = answer(fn, request.method, body);
  return new Response(text, { status, headers });
}
