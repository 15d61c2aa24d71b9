import { describe, expect, it } from 'vitest';
import { type AdminCreateInput, AdminSignInDocument } from '../test/generated/graphql.ts';
import { globalId, useTestKit } from '../test/kit.ts';

// adminCreate of an email that was an admin in ANOTHER organization answered
// EMAIL_ALREADY_USED, so anyone who may add admins could learn who is an admin
// anywhere. Admin emails are now unique per organization: what adminCreate
// answers does not depend on other organizations, and sign-in tells the
// accounts of one email apart by their passwords (or the organization named).

const kit = useTestKit();

async function signIn(email: string, password: string, address: string, organizationId?: string) {
  const response = await kit.as(null, { headers: { 'x-forwarded-for': address } }).send(AdminSignInDocument, { input: { email, password, organizationId } });
  expect(response.errors).toBeUndefined();
  const answer = response.data!.adminLogin;
  if (answer.__typename !== 'AdminLoginPayload') return answer.__typename as string;
  return (await kit.as(answer.token).viewerOrganization()).id;
}

describe('admin emails are unique per organization', () => {
  it('adminCreate answers the same whether or not the email is an admin elsewhere; the same organization still refuses it', async () => {
    const [mine, elsewhere] = [await kit.createOrganization({ role: 'OWNER' }), await kit.createOrganization({ role: 'OWNER' })];
    const input = (email: string): AdminCreateInput => ({ email, name: 'Pat', role: 'VIEWER', password: 'a perfectly fine password' });
    const withoutEmail = (answer: { __typename: string; admin?: { email: string } }) => {
      const { admin, ...rest } = answer;
      return { ...rest, admin: admin && { ...admin, email: '…' } };
    };

    expect((await elsewhere.admin.adminCreateOutcome(input('pat@shared.test'))).__typename).toBe('AdminPayload');
    const known = await mine.admin.adminCreateOutcome(input('pat@shared.test'));
    const unknown = await mine.admin.adminCreateOutcome(input('pat@nowhere.test'));
    expect(known).toEqual({ __typename: 'AdminPayload', admin: { email: 'pat@shared.test', name: 'Pat', role: 'VIEWER' } });
    expect(withoutEmail(known)).toEqual(withoutEmail(unknown));

    // A second time in the same organization: refused, for either email alike.
    const again = await mine.admin.adminCreateOutcome(input('pat@shared.test'));
    const againUnknown = await mine.admin.adminCreateOutcome(input('pat@nowhere.test'));
    expect(again).toEqual({ __typename: 'EmailAlreadyUsed', code: 'EMAIL_ALREADY_USED', message: 'pat@shared.test is already an admin of this organization.' });
    expect(againUnknown).toEqual({ ...again, message: 'pat@nowhere.test is already an admin of this organization.' });
    expect(await kit.prisma.admin.count({ where: { email: 'pat@shared.test' } })).toBe(2);
  });

  it('one email, two organizations: each password signs in to its own; a shared one to the account used last, or to the one named', async () => {
    const [a, b] = [await kit.createOrganization({ role: 'OWNER' }), await kit.createOrganization({ role: 'OWNER' })];
    const [aId, bId] = [globalId('Organization', a.id), globalId('Organization', b.id)];
    const email = 'sam@two-orgs.test';
    await a.admin.adminCreateOutcome({ email, name: 'Sam', role: 'ADMIN', password: 'the password for org a' });
    await b.admin.adminCreateOutcome({ email, name: 'Sam', role: 'ADMIN', password: 'the password for org b' });

    expect(await signIn(email, 'the password for org a', '198.51.100.1')).toBe(aId);
    expect(await signIn(email, 'the password for org b', '198.51.100.2')).toBe(bId);
    expect(await signIn(email, 'neither password', '198.51.100.3')).toBe('InvalidCredentials');
    // Naming the organization tries its account only.
    expect(await signIn(email, 'the password for org b', '198.51.100.4', aId)).toBe('InvalidCredentials');
    expect(await signIn(email, 'the password for org a', '198.51.100.5', aId)).toBe(aId);

    // The same password on both accounts.
    const aHash = (await kit.prisma.admin.findFirstOrThrow({ where: { email, organizationId: a.id } })).passwordHash;
    await kit.prisma.admin.updateMany({ where: { email }, data: { passwordHash: aHash } });
    kit.clock.advance(60_000);
    expect(await signIn(email, 'the password for org a', '198.51.100.6', bId)).toBe(bId);
    kit.clock.advance(60_000);
    expect(await signIn(email, 'the password for org a', '198.51.100.7')).toBe(bId); // b was signed in to last
    expect(await signIn(email, 'the password for org a', '198.51.100.8', aId)).toBe(aId);
    kit.clock.advance(60_000);
    expect(await signIn(email, 'the password for org a', '198.51.100.9')).toBe(aId); // now a was
  });
});
