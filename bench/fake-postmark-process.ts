// The fake Postmark in a process of its own, so the benchmarks measure the
// server's CPU and memory, not the fake's, and so it outlives the servers the
// crash benchmark kills. Reports its URL and token once started, then answers
// the parent's messages:
//   'count'                  → { accepted, requests }
//   'stats'                  → { accepted, requests, emailIds: [...distinct Metadata.emailId], duplicates,
//                                recipientDuplicates (messages beyond the first to one address) }
//   { holdBatches: [n, …] }  → batch number n (counted from 1) is accepted, then its answer waits:
//                              the parent gets { held: n } and answers { release: n } (after killing the sender)
//   'senders'                → { [From]: messages accepted }
//   'stop'
// Messages are kept without their bodies (the outbound-message search needs the rest).
import { startFakePostmark } from '../server/test/fake-postmark.ts';

const postmark = await startFakePostmark({ keepMessages: false });
const holds = new Set<number>();
const waiting = new Map<number, () => void>();
postmark.onBatchAccepted = (_accepted, batchNumber) => {
  if (!holds.has(batchNumber)) return;
  process.send!({ held: batchNumber });
  return new Promise<void>((resolve) => waiting.set(batchNumber, resolve));
};
process.send!({ url: postmark.url, token: postmark.token });
process.on('message', (message: unknown) => {
  if (message === 'count') process.send!({ accepted: postmark.acceptedCount, requests: postmark.requestCount });
  if (message === 'stats') {
    const counts = postmark.countsByMetadata('emailId');
    const duplicates = [...counts.values()].reduce((sum, times) => sum + times - 1, 0);
    const recipients = new Set(postmark.messages.map((sent) => sent.To));
    const recipientDuplicates = postmark.messages.length - recipients.size;
    process.send!({ accepted: postmark.acceptedCount, requests: postmark.requestCount, emailIds: [...counts.keys()], duplicates, recipientDuplicates });
  }
  if (message === 'senders') {
    const senders: Record<string, number> = {};
    for (const sent of postmark.messages) senders[sent.From] = (senders[sent.From] ?? 0) + 1;
    process.send!(senders);
  }
  if (message === 'stop') void postmark.close().then(() => process.exit(0));
  if (typeof message === 'object' && message !== null) {
    const { holdBatches, release } = message as { holdBatches?: number[]; release?: number };
    for (const batch of holdBatches ?? []) holds.add(batch);
    if (release !== undefined) {
      waiting.get(release)?.();
      waiting.delete(release);
    }
  }
});
