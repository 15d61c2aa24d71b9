import { describe, expect, it, vi } from 'vitest';
import { PASSWORD_WORK_LIMITS } from '../auth/passwords.ts';
import { KIT_ADMIN_PASSWORD, TEST_PUBLIC_URL, useTestKit } from '../test/kit.ts';

// adminLogin costs one argon2id even for an unknown email, and sign-in limits
// count per account and per address: callers with many emails and addresses
// could keep every core hashing. Now one process hashes at most
// PASSWORD_WORK_LIMITS.concurrency passwords at once with a short queue behind;
// past both, a sign-in is refused at once with SERVICE_UNAVAILABLE (503,
// Retry-After) rather than waiting without end.

// argon2's verify waits at a gate the test opens, so the test decides when the hashing finishes.
const gate = vi.hoisted(() => {
  let open: () => void = () => {};
  const state = { closed: Promise.resolve(), started: 0 };
  return {
    state,
    close() {
      state.closed = new Promise<void>((resolve) => (open = resolve));
    },
    open: () => open(),
  };
});
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: async (...args: Parameters<typeof real.verify>) => {
      gate.state.started++;
      await gate.state.closed;
      return real.verify(...args);
    },
  };
});

const kit = useTestKit();

const LOGIN = 'mutation ($email: String!, $password: String!) { adminLogin(input: { email: $email, password: $password }) { __typename } }';

describe('password work of one process is bounded', () => {
  it('more sign-ins at once than it takes: the extra ones are refused at once with SERVICE_UNAVAILABLE, none hang, the rest sign in', async () => {
    const bound = PASSWORD_WORK_LIMITS.concurrency + PASSWORD_WORK_LIMITS.queue;
    const extra = 6;
    const org = await kit.createOrganization();
    const kitAdmin = await kit.prisma.admin.findUniqueOrThrow({ where: { id: org.adminId } });
    // One account and one address per sign-in, so no sign-in limit plays a part.
    const emails = Array.from({ length: bound + extra }, (_, i) => `signer.${i}@${org.adminEmail.split('@')[1]}`);
    await kit.prisma.admin.createMany({
      data: emails.map((email) => ({ organizationId: org.id, email, name: email, role: 'ADMIN' as const, passwordHash: kitAdmin.passwordHash })),
    });

    gate.close();
    let settled = 0;
    let refusedAll: () => void = () => {};
    const allRefused = new Promise<void>((resolve) => (refusedAll = resolve));
    const answers = emails.map(async (email, i) => {
      const response = await kit.app.fetch(`${TEST_PUBLIC_URL}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
        body: JSON.stringify({ query: LOGIN, variables: { email, password: KIT_ADMIN_PASSWORD } }),
      });
      const body = (await response.json()) as { data?: { adminLogin: { __typename: string } | null }; errors?: { extensions: Record<string, unknown> }[] };
      if (++settled === extra) refusedAll();
      return { email, status: response.status, retryAfter: response.headers.get('retry-after'), body };
    });

    // While no password check can finish, exactly the sign-ins past the bound come back.
    await allRefused;
    expect(gate.state.started).toBe(PASSWORD_WORK_LIMITS.concurrency);
    gate.open();
    const all = await Promise.all(answers);

    const refused = all.filter((answer) => answer.status === 503);
    expect(refused).toHaveLength(extra);
    for (const answer of refused) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    }
    const signedIn = all.filter((answer) => answer.body.data?.adminLogin?.__typename === 'AdminLoginPayload');
    expect(signedIn).toHaveLength(bound);
    // A refused sign-in checked no password: it is not counted as a failure.
    expect(await kit.prisma.loginAttempt.count({ where: { email: { in: refused.map((answer) => answer.email) } } })).toBe(0);
  });
});
