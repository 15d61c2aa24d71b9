import type { Prisma } from '../generated/prisma/client.ts';
import type { PaymentMethod } from '../generated/prisma/enums.ts';
import { updateProfileIn } from '../profiles/index.ts';
import type { DirectoryScope } from './directory-scope.ts';

type Transaction = Prisma.TransactionClient;

// Groups grant parking access. For each profile a connection holds, the
// access its groups give (the union of the lots, tags and payment method
// mapped to the groups it is a member of, nothing while it is deactivated) is
// added to the profile, and what the groups gave earlier and no longer give is
// taken away. What a group gave is remembered on the directory user
// (group_parking_lot_ids…): access an admin gave by hand is never in it, so a
// sync never takes it away. A lot the profile already had by hand when a group
// gave it stays the admin's. The profile is changed through the profile
// service (its rules, audit trail), only when something changes.

interface Grants {
  lots: string[];
  tags: string[];
  paymentMethods: PaymentMethod[];
}

/** Brings the group-given access of the profiles up to date with their groups; returns how many profiles changed. */
export async function reconcileGroupAccess(tx: Transaction, scope: DirectoryScope, profileIds: string[]): Promise<number> {
  if (profileIds.length === 0) return 0;
  const rows = await tx.$queryRaw<
    {
      profile_id: string;
      active: boolean;
      group_lots: string[];
      group_tags: string[];
      group_payment_methods: PaymentMethod[];
      lots: string[];
      tags: string[];
      payment_methods: PaymentMethod[];
      desired_lots: string[];
      desired_tags: string[];
      desired_payment_methods: PaymentMethod[];
    }[]
  >`
    SELECT du.profile_id::text, du.active,
           du.group_parking_lot_ids::text[] AS group_lots, du.group_tag_ids::text[] AS group_tags,
           du.group_payment_methods::text[] AS group_payment_methods,
           ARRAY(SELECT parking_lot_id::text FROM profile_parking_lot WHERE profile_id = du.profile_id) AS lots,
           ARRAY(SELECT tag_id::text FROM profile_tag WHERE profile_id = du.profile_id) AS tags,
           p.payment_methods::text[] AS payment_methods,
           ARRAY(SELECT DISTINCT gl.parking_lot_id::text FROM directory_group_member m
                 JOIN directory_group_parking_lot gl ON gl.group_id = m.group_id WHERE m.profile_id = du.profile_id AND du.active) AS desired_lots,
           ARRAY(SELECT DISTINCT gt.tag_id::text FROM directory_group_member m
                 JOIN directory_group_tag gt ON gt.group_id = m.group_id WHERE m.profile_id = du.profile_id AND du.active) AS desired_tags,
           ARRAY(SELECT DISTINCT g.payment_method::text FROM directory_group_member m
                 JOIN directory_group g ON g.id = m.group_id WHERE m.profile_id = du.profile_id AND du.active AND g.payment_method IS NOT NULL)
             AS desired_payment_methods
    FROM directory_user du JOIN profile p ON p.id = du.profile_id
    WHERE du.organization_id = ${scope.organizationId}::uuid AND du.connection_id = ${scope.connection.id}::uuid
      AND du.profile_id = ANY(${profileIds}::uuid[])
    ORDER BY du.profile_id`;
  let changed = 0;
  for (const row of rows) {
    const lots = next(row.lots, row.group_lots, row.desired_lots);
    const tags = next(row.tags, row.group_tags, row.desired_tags);
    const payments = next(row.payment_methods, row.group_payment_methods, row.desired_payment_methods);
    if (!lots.changed && !tags.changed && !payments.changed) {
      if (lots.groupGivenChanged || tags.groupGivenChanged || payments.groupGivenChanged) await remember(tx, row.profile_id, lots, tags, payments);
      continue;
    }
    await updateProfileIn(
      tx,
      scope,
      row.profile_id,
      {
        ...(lots.changed ? { parkingLotIds: lots.values } : {}),
        ...(tags.changed ? { tagIds: tags.values } : {}),
        ...(payments.changed ? { paymentMethods: payments.values as PaymentMethod[] } : {}),
      },
      ['directoryGroups'],
    );
    await remember(tx, row.profile_id, lots, tags, payments);
    changed++;
  }
  return changed;
}

interface Next {
  values: string[];
  changed: boolean;
  groupGiven: string[];
  groupGivenChanged: boolean;
}

/** The profile's new list: what it has, minus what groups gave and no longer give, plus what groups give that it lacks. */
function next(current: string[], groupGiven: string[], desired: string[]): Next {
  const want = new Set(desired);
  const has = new Set(current);
  const added = desired.filter((value) => !has.has(value));
  const removed = groupGiven.filter((value) => !want.has(value) && has.has(value));
  const values = current.filter((value) => !removed.includes(value)).concat(added);
  const newGroupGiven = [...new Set([...groupGiven, ...added])].filter((value) => want.has(value)).sort();
  return {
    values,
    changed: added.length > 0 || removed.length > 0,
    groupGiven: newGroupGiven,
    groupGivenChanged: newGroupGiven.join() !== [...groupGiven].sort().join(),
  };
}

async function remember(tx: Transaction, profileId: string, lots: Next, tags: Next, payments: Next): Promise<void> {
  await tx.directoryUser.update({
    where: { profileId },
    data: { groupParkingLotIds: lots.groupGiven, groupTagIds: tags.groupGiven, groupPaymentMethods: payments.groupGiven as PaymentMethod[] },
  });
}

/** Who gave each of a profile's grants: its groups (the rest an admin gave by hand). */
export type GroupGrants = Grants;
