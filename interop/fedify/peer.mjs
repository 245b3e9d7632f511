// A Fedify peer for Convene's interoperability test (cmd/convene/interop_test.go).
//
// It serves one Person, "peer", at http://127.0.0.1:PORT/users/peer with an RSA key, accepts
// every Follow it receives, and records the Follows, Accepts and Undos that reach its inbox
// (Fedify only hands an activity to a listener after verifying its HTTP signature). A small
// control API under /control/ lets the test drive it:
//
//   POST /control/follow {"handle": "@surrey@127.0.0.1:18301"}  look up and follow an actor
//   POST /control/fetch  {"url": "http://..."}                  GET a document, signed as peer
//   GET  /control/state                                         what the inbox has recorded
//
// Usage: node peer.mjs PORT (or PEER_PORT=PORT). Prints "ready <origin>" once listening.
// FEDIFY_LOG=debug|info|warning|error sets how much Fedify logs to stderr (default info).

import { AsyncLocalStorage } from "node:async_hooks";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import process from "node:process";
import {
  Accept,
  Endpoints,
  Follow,
  MemoryKvStore,
  Person,
  Undo,
  createFederation,
  generateCryptoKeyPair,
  isActor,
} from "@fedify/fedify";
import { configure, defaultTextFormatter } from "@logtape/logtape";

const port = process.argv[2] ?? process.env.PEER_PORT;
if (!/^\d+$/.test(port ?? "")) {
  console.error("usage: node peer.mjs PORT");
  process.exit(2);
}
const origin = `http://127.0.0.1:${port}`;
const identifier = "peer";

await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { stderr: (record) => process.stderr.write(defaultTextFormatter(record)) },
  loggers: [
    { category: "fedify", sinks: ["stderr"], lowestLevel: process.env.FEDIFY_LOG ?? "info" },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
  ],
});

// Fedify always looks acct: handles up at https://HOST/.well-known/webfinger
// (webfinger/lookup.js in @fedify/fedify 1.5), but the loopback peers of this test speak plain
// HTTP, so WebFinger requests to 127.0.0.1 are sent over http instead. Nothing else is touched.
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol === "https:" && url.hostname === "127.0.0.1" && url.pathname === "/.well-known/webfinger") {
    url.protocol = "http:";
    return realFetch(input instanceof Request ? new Request(url, input) : url, init);
  }
  return realFetch(input, init);
};

// What the inbox has seen, in arrival order; actor ids are those Fedify verified.
const state = { follows: [], accepts: [], undos: [], sent: [], errors: [] };

const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

const federation = createFederation({
  kv: new MemoryKvStore(),
  // No queue: activities are delivered at once, so a failed delivery fails the request
  // that caused it instead of being retried out of sight.
  origin,
  allowPrivateAddress: true,
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, id) => {
    if (id !== identifier) return null;
    const keys = await ctx.getActorKeyPairs(id);
    return new Person({
      id: ctx.getActorUri(id),
      preferredUsername: id,
      name: "Fedify peer",
      summary: "A Fedify test peer on loopback.",
      url: ctx.getActorUri(id),
      inbox: ctx.getInboxUri(id),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .mapHandle((_ctx, username) => (username === identifier ? identifier : null))
  .setKeyPairsDispatcher((_ctx, id) => (id === identifier ? [keyPair] : []));

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  // Convene refuses unsigned fetches under authorized fetch, so the keys of activities that
  // arrive at the shared inbox are fetched signed by peer too.
  .setSharedKeyDispatcher(() => ({ identifier }))
  .on(Follow, async (ctx, follow) => {
    if (follow.id == null || follow.actorId == null || follow.objectId == null) return;
    state.follows.push({ id: follow.id.href, actor: follow.actorId.href, object: follow.objectId.href });
    const follower = await follow.getActor(ctx);
    if (follower == null) throw new Error(`cannot fetch follower ${follow.actorId.href}`);
    const accept = new Accept({
      id: new URL(`/users/${identifier}/accepts/${randomUUID()}`, origin),
      actor: ctx.getActorUri(identifier),
      object: follow,
    });
    await ctx.sendActivity({ identifier }, follower, accept);
    state.sent.push({ type: "Accept", id: accept.id.href, to: follower.id?.href, object: follow.id.href });
  })
  .on(Accept, (_ctx, accept) => {
    state.accepts.push({ id: accept.id?.href ?? null, actor: accept.actorId?.href ?? null, object: accept.objectId?.href ?? null });
  })
  .on(Undo, (_ctx, undo) => {
    state.undos.push({ id: undo.id?.href ?? null, actor: undo.actorId?.href ?? null, object: undo.objectId?.href ?? null });
  })
  .onError((_ctx, error) => {
    state.errors.push(`inbox: ${error?.stack ?? error}`);
  });

/** Looks up a handle (WebFinger, then a signed GET of the actor) and sends it a Follow. */
async function controlFollow(ctx, { handle }) {
  const documentLoader = await ctx.getDocumentLoader({ identifier });
  const actor = await ctx.lookupObject(String(handle), { documentLoader });
  if (actor == null || !isActor(actor)) return [404, { error: `no actor found for ${handle}` }];
  const follow = new Follow({
    id: new URL(`/users/${identifier}/follows/${randomUUID()}`, origin),
    actor: ctx.getActorUri(identifier),
    object: actor.id,
  });
  await ctx.sendActivity({ identifier }, actor, follow);
  state.sent.push({ type: "Follow", id: follow.id.href, to: actor.id.href });
  return [200, {
    id: actor.id.href,
    type: actor.constructor.typeId.href.replace("https://www.w3.org/ns/activitystreams#", ""),
    preferredUsername: actor.preferredUsername?.toString() ?? null,
    inbox: actor.inboxId?.href ?? null,
    follow: follow.id.href,
  }];
}

/** GETs a document signed with peer's key and returns it as received. */
async function controlFetch(ctx, { url }) {
  const documentLoader = await ctx.getDocumentLoader({ identifier });
  const { document } = await documentLoader(String(url));
  return [200, document];
}

async function control(request) {
  const ctx = federation.createContext(request, undefined);
  const path = new URL(request.url).pathname;
  try {
    if (request.method === "GET" && path === "/control/state") return json(200, state);
    if (request.method === "POST" && path === "/control/follow") return json(...await controlFollow(ctx, await request.json()));
    if (request.method === "POST" && path === "/control/fetch") return json(...await controlFetch(ctx, await request.json()));
    return json(404, { error: `no control route ${request.method} ${path}` });
  } catch (error) {
    state.errors.push(`${path}: ${error?.stack ?? error}`);
    return json(502, { error: String(error?.message ?? error) });
  }
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Converts a Node request into a Fetch API one, so Fedify can answer it. */
async function toRequest(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v != null) headers.append(name, v);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url, origin), {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
}

async function handle(req, res) {
  const request = await toRequest(req);
  const response = new URL(request.url).pathname.startsWith("/control/")
    ? await control(request)
    : await federation.fetch(request, { contextData: undefined });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    state.errors.push(`http: ${error?.stack ?? error}`);
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("internal error\n");
  });
});

function shutdown(signal) {
  console.error(`peer: ${signal}, stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

server.listen(Number(port), "127.0.0.1", () => console.log(`ready ${origin}`));
