// End to end through a real Mastodon client library: megalodon drives Convene's client API
// as a Mastodon app would. Usage: node e2e.mjs BASE_URL
// Accounts "alice" and "bob" (password "correct horse battery") and a community "surrey"
// must exist. Every step asserts; the first failure exits 1 with what went wrong.
import megalodon from "megalodon";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// megalodon is CommonJS: its generator is the module's default export.
const generator = megalodon.default ?? megalodon;

const base = process.argv[2];
const password = "correct horse battery";

function check(cond, what, got) {
  if (!cond) {
    console.error(`FAIL: ${what}: ${JSON.stringify(got)}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

// megalodon has no password grant (Mastodon dropped it in 4.4); first-party scripts use it.
async function passwordToken(app, username) {
  const res = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ grant_type: "password", username, password, client_id: app.client_id,
      client_secret: app.client_secret, scope: "read write follow" }),
  });
  const body = await res.json();
  check(res.status === 200 && body.token_type === "Bearer", `password grant for ${username}`, body);
  return body.access_token;
}

const app = await generator("mastodon", base).registerApp("megalodon e2e", {
  scopes: ["read", "write", "follow"], redirect_uris: "urn:ietf:wg:oauth:2.0:oob" });
check(app.client_id && app.client_secret, "registered an app", app);

const alice = generator("mastodon", base, await passwordToken(app, "alice"));
const bob = generator("mastodon", base, await passwordToken(app, "bob"));

const me = (await alice.verifyAccountCredentials()).data;
check(me.username === "alice" && me.acct === "alice", "verify_credentials", me);
const profile = (await alice.updateCredentials({ display_name: "Alice Gardener", note: "I *grow* apples.", discoverable: true,
  locked: false, bot: false, source: { privacy: "public" } })).data;
check(profile.display_name === "Alice Gardener" && profile.note.includes("<em>grow</em>") && profile.discoverable === true &&
  profile.source.note === "I *grow* apples.", "alice edited her profile", profile);

const posted = (await alice.postStatus("@surrey Seed swap this Saturday? #seeds", { visibility: "public" })).data;
check(posted.id && posted.content.includes("Seed swap this Saturday?"), "posted into the community", posted);

const home = (await alice.getHomeTimeline({ limit: 5 })).data;
check(home.some((s) => s.id === posted.id), "the post is on alice's home timeline", home.map((s) => s.id));
const local = (await alice.getLocalTimeline({ limit: 5 })).data;
check(local.some((s) => s.id === posted.id), "the post is on the local public timeline", local.map((s) => s.id));
const pub = (await bob.getPublicTimeline({ limit: 5 })).data;
check(pub.some((s) => s.id === posted.id), "the post is on the public timeline", pub.map((s) => s.id));

// bob answers and follows alice; alice hears of both in her notifications.
const reply = (await bob.postStatus("I will bring beans", { in_reply_to_id: posted.id })).data;
check(reply.in_reply_to_id === posted.id, "bob replied", reply);
const rel = (await bob.followAccount(posted.account.id)).data;
check(rel.following === true, "bob follows alice", rel);
const account = (await bob.getAccount(posted.account.id)).data;
check(account.username === "alice" && account.followers_count === 1, "alice's account shows her follower", account);
const notes = (await alice.getNotifications({ limit: 10 })).data;
check(notes.some((n) => n.type === "mention" && n.status && n.status.id === reply.id), "alice is notified of the reply",
  notes.map((n) => n.type));

// Paging: one status at a time, through max_id, as the Link header says.
for (let i = 0; i < 3; i++) {
  await alice.postStatus(`@surrey Note ${i}`, { visibility: "public" });
}
const first = await alice.getHomeTimeline({ limit: 2 });
check(first.data.length === 2 && /rel="next"/.test(first.headers.link), "home page 1 links onwards", first.headers.link);
const second = (await alice.getHomeTimeline({ limit: 2, max_id: first.data[1].id })).data;
check(second.length === 2 && second[0].id < first.data[1].id, "home page 2 is older", second.map((s) => s.id));
const ctx = (await alice.getStatusContext(posted.id)).data;
check(ctx.descendants.length === 1 && ctx.descendants[0].id === reply.id, "the thread's context", ctx);

// bob keeps the thread for later and boosts it.
const kept = (await bob.bookmarkStatus(posted.id)).data;
check(kept.bookmarked === true, "bob bookmarked the thread", kept);
const marks = (await bob.getBookmarks({ limit: 5 })).data;
check(marks.length === 1 && marks[0].id === posted.id, "bob's bookmarks", marks.map((s) => s.id));
const boost = (await bob.reblogStatus(posted.id)).data;
check(boost.reblog && boost.reblog.id === posted.id && boost.account.username === "bob", "bob boosted the thread", boost);

// alice edits her post; the history keeps both versions (megalodon has no call for it).
const edited = (await alice.editStatus(posted.id, { status: "@surrey Seed swap this *Sunday*? #seeds" })).data;
check(edited.edited_at && edited.content.includes("<em>Sunday</em>"), "alice edited her post", edited);
const history = await (await fetch(`${base}/api/v1/statuses/${posted.id}/history`)).json();
check(history.length === 2 && history[0].content.includes("Saturday") && history[1].content.includes("Sunday"),
  "the edit history", history.map((h) => h.content));

// Search as people type it.
const byName = (await bob.search("ali", { type: "accounts" })).data;
check(byName.accounts.some((a) => a.username === "alice"), "search finds alice by a prefix", byName.accounts.map((a) => a.acct));
const byText = (await bob.search("swap sunday", { type: "statuses" })).data;
check(byText.statuses.some((s) => s.id === posted.id), "search finds the post by its words", byText.statuses.map((s) => s.id));

// A poll: alice asks (JSON body with a nested poll), bob reads and votes, and sees his choice.
const asked = (await alice.postStatus("@surrey Which day suits?", { visibility: "public",
  poll: { options: ["Friday", "Saturday"], expires_in: 3600, multiple: false } })).data;
check(asked.poll && asked.poll.options.length === 2 && asked.poll.voted === true, "alice posted a poll", asked.poll);
const poll = (await bob.getPoll(asked.poll.id)).data;
check(poll.options[1].title === "Saturday" && poll.voted === false && poll.expired === false, "bob reads the poll", poll);
const voted = (await bob.votePoll(asked.poll.id, [1])).data;
check(voted.voted === true && voted.own_votes[0] === 1 && voted.options[1].votes_count === 1, "bob voted", voted);
const again = await bob.votePoll(asked.poll.id, [0]).then(() => null, (err) => err);
check(again && again.response && again.response.status === 422, "a second vote is refused", again && again.response && again.response.status);
const shown = (await bob.getStatus(asked.id)).data;
check(shown.poll && shown.poll.own_votes.length === 1 && shown.poll.votes_count === 1, "the status carries bob's vote", shown.poll);

// A picture, the way a composer sends one: uploaded first (multipart), described, then
// attached by id. megalodon streams the file from disk, as apps on Node do.
const pngFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "convene-e2e-")), "dot.png");
fs.writeFileSync(pngFile, Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64"));
const uploaded = (await alice.uploadMedia(fs.createReadStream(pngFile), { description: "A dot" })).data;
check(uploaded.id && uploaded.type === "image" && uploaded.url && uploaded.description === "A dot", "uploaded an image", uploaded);
const described = (await alice.updateMedia(uploaded.id, { description: "A single dot" })).data;
check(described.description === "A single dot", "described the upload", described);
const pictured = (await alice.postStatus("@surrey Look at this", { media_ids: [uploaded.id] })).data;
check(pictured.media_attachments.length === 1 && pictured.media_attachments[0].id === uploaded.id,
  "posted with the image attached", pictured.media_attachments);
const file = await fetch(pictured.media_attachments[0].url.replace(/^https?:\/\/[^/]+/, base));
check(file.status === 200 && file.headers.get("content-type") === "image/png", "the image is served",
  [file.status, file.headers.get("content-type")]);
console.log("all ok");
