// The fake Postmark in a process of its own, so the benchmark measures the
// server's CPU and memory, not the fake's. Reports its URL and token once
// started, then its accepted count whenever the parent asks.
import { startFakePostmark } from '../server/test/fake-postmark.ts';

const postmark = await startFakePostmark({ keepMessages: false });
process.send!({ url: postmark.url, token: postmark.token });
process.on('message', (message) => {
  if (message === 'count') process.send!({ accepted: postmark.acceptedCount, requests: postmark.requestCount });
  if (message === 'stop') void postmark.close().then(() => process.exit(0));
});
