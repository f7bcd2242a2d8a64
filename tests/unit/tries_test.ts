// The subscription tries: counting on the subscriber side, a set of pipes per prefix on the
// publisher side (zmtp.md §4.6), pruned as subscriptions go.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TopicTrie } from "../../src/routing/topic_trie.ts";
import { SubscriberTrie } from "../../src/routing/subscriber_trie.ts";
import { MessageQueue, Pipe } from "../../src/pipe.ts";

const b = (s: string) => new TextEncoder().encode(s);
const str = (u: Uint8Array) => new TextDecoder().decode(u);
const pipe = () =>
  new Pipe(new MessageQueue(1), new MessageQueue(1), {
    socketType: "SUB",
    identity: b(""),
    remoteAddress: "",
  }, "");

test("TopicTrie counts: two subscribes need two unsubscribes; prefixes match", () => {
  const t = new TopicTrie();
  assert.equal(t.add(b("ab")), true);
  assert.equal(t.add(b("ab")), false);
  assert.equal(t.add(b("abc")), true);
  assert.equal(t.matches(b("abz")), true);
  assert.equal(t.matches(b("a")), false);
  assert.equal(t.remove(b("ab")), false);
  assert.equal(t.remove(b("ab")), true);
  assert.equal(t.remove(b("ab")), false, "not held any more");
  assert.equal(t.remove(b("zz")), false, "never held");
  assert.equal(t.matches(b("abz")), false);
  assert.equal(t.matches(b("abcd")), true);
  assert.deepEqual(t.topics().map(str), ["abc"]);
  assert.equal(t.size, 1);
  t.add(b(""));
  assert.equal(t.matches(b("anything")), true);
  assert.equal(t.matches(b("")), true);
});

test("SubscriberTrie: a pipe is recorded once per topic; removal reports what it held", () => {
  const t = new SubscriberTrie();
  const [p, q] = [pipe(), pipe()];
  assert.equal(t.add(b("A"), p), true);
  assert.equal(t.add(b("A"), p), false, "idempotent for the same pipe");
  assert.equal(t.add(b("A"), q), false);
  assert.equal(t.add(b("AB"), q), true);
  const matched = new Set<Pipe>();
  t.match(b("ABC"), matched);
  assert.deepEqual([...matched].length, 2);
  assert.deepEqual([...t.select(b("B"), [p, q], true)].length, 2, "inverted: both match nothing");
  assert.equal(t.remove(b("A"), p), "valuesRemain");
  assert.equal(t.remove(b("A"), p), "notFound");
  const gone: string[] = [];
  t.removePipe(q, (topic, last) => gone.push(`${str(topic)}:${last}`));
  assert.deepEqual(gone.sort(), ["A:true", "AB:true"]);
  const none = new Set<Pipe>();
  t.match(b("ABC"), none);
  assert.equal(none.size, 0);
  assert.equal(t.remove(b("AB"), q), "notFound");
});
