-- The latest invitation's expiry, copied onto its profile: the order by expiry
-- and "pending, invitation expired" become index range scans over the profile
-- instead of a sort or join of every profile with its invitation.
ALTER TABLE "profile" ADD COLUMN "invitation_expires_at" TIMESTAMPTZ(3);

-- The copy is kept by the database, not by the writers: whenever a profile's
-- latest invitation is set (or the copy is written), it is read from that
-- invitation. An invitation's expiry never changes once written, and a deleted
-- invitation sets latest_invitation_id to null, which clears the copy too.
CREATE FUNCTION "profile_invitation_expires_at_copy"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."invitation_expires_at" := (SELECT "expires_at" FROM "invitation" WHERE "id" = NEW."latest_invitation_id");
  RETURN NEW;
END $$;

CREATE TRIGGER "profile_invitation_expires_at_insert" BEFORE INSERT ON "profile"
  FOR EACH ROW WHEN (NEW."latest_invitation_id" IS NOT NULL OR NEW."invitation_expires_at" IS NOT NULL)
  EXECUTE FUNCTION "profile_invitation_expires_at_copy"();
CREATE TRIGGER "profile_invitation_expires_at_update" BEFORE UPDATE OF "latest_invitation_id", "invitation_expires_at" ON "profile"
  FOR EACH ROW WHEN (NEW."latest_invitation_id" IS DISTINCT FROM OLD."latest_invitation_id"
                     OR NEW."invitation_expires_at" IS DISTINCT FROM OLD."invitation_expires_at")
  EXECUTE FUNCTION "profile_invitation_expires_at_copy"();

UPDATE "profile" p SET "invitation_expires_at" = i."expires_at" FROM "invitation" i WHERE i."id" = p."latest_invitation_id";

-- The order by expiry (never invited last when soonest first), walked as a row comparison.
CREATE INDEX "profile_organization_id_expiry_order_idx"
  ON "profile" ("organization_id", (coalesce("invitation_expires_at", 'infinity'::timestamptz)), "id");
