-- The organization's invitations, newest first, by what the admin is after
-- (Query.invitations). Partial indexes, so a bulk invitation's 100,000 rows
-- add one small entry each and accepted invitations (the many, at a million
-- profiles) none: the invitations still waiting (open, expiring, expired,
-- bounced: neither accepted, revoked nor superseded), and the revoked ones.
-- Delivery-state updates do not touch them, so they stay HOT updates.
CREATE INDEX "invitation_organization_id_waiting_idx" ON "invitation" ("organization_id", "created_at" DESC, "id" DESC)
  WHERE "accepted_at" IS NULL AND "revoked_at" IS NULL AND "superseded_at" IS NULL;
CREATE INDEX "invitation_organization_id_revoked_idx" ON "invitation" ("organization_id", "created_at" DESC, "id" DESC)
  WHERE "revoked_at" IS NOT NULL AND "accepted_at" IS NULL;
