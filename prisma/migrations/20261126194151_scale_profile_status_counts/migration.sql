-- DropIndex
DROP INDEX "profile_organization_id_status_idx";

-- CreateTable
CREATE TABLE "profile_status_count" (
    "organization_id" UUID NOT NULL,
    "status" "ProfileStatus" NOT NULL,
    "shard" SMALLINT NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "profile_status_count_pkey" PRIMARY KEY ("organization_id","status","shard")
);

-- CreateIndex
CREATE INDEX "profile_organization_id_status_sort_name_id_idx" ON "profile"("organization_id", "status", "sort_name", "id");

-- The Status column's numbers at any size: a statement-level trigger on
-- "profile" adds each statement's changes per (organization, status) to the
-- shard row of the writing connection. INSERT … ON CONFLICT DO UPDATE locks
-- the row, so concurrent increments never lose one; rows are written in key
-- order, so two writers never wait on each other in opposite orders.
CREATE FUNCTION "profile_status_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "profile_status_count" ("organization_id", "status", "shard", "count")
    SELECT n."organization_id", n."status", (pg_backend_pid() % 8)::smallint, count(*) FROM new_rows n
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("organization_id", "status", "shard") DO UPDATE SET "count" = "profile_status_count"."count" + excluded."count";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "profile_status_count" ("organization_id", "status", "shard", "count")
    SELECT o."organization_id", o."status", (pg_backend_pid() % 8)::smallint, -count(*) FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM "organization" WHERE "id" = o."organization_id")
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("organization_id", "status", "shard") DO UPDATE SET "count" = "profile_status_count"."count" + excluded."count";
  ELSE
    INSERT INTO "profile_status_count" ("organization_id", "status", "shard", "count")
    SELECT d."organization_id", d."status", (pg_backend_pid() % 8)::smallint, sum(d.delta) FROM (
      SELECT "organization_id", "status", 1 AS delta FROM new_rows
      UNION ALL SELECT "organization_id", "status", -1 FROM old_rows
    ) d
    GROUP BY 1, 2 HAVING sum(d.delta) <> 0 ORDER BY 1, 2
    ON CONFLICT ("organization_id", "status", "shard") DO UPDATE SET "count" = "profile_status_count"."count" + excluded."count";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "profile_status_count_insert" AFTER INSERT ON "profile"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "profile_status_count_apply"();
CREATE TRIGGER "profile_status_count_update" AFTER UPDATE ON "profile"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "profile_status_count_apply"();
CREATE TRIGGER "profile_status_count_delete" AFTER DELETE ON "profile"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "profile_status_count_apply"();

-- The profiles that exist now.
INSERT INTO "profile_status_count" ("organization_id", "status", "shard", "count")
SELECT "organization_id", "status", 0, count(*) FROM "profile" GROUP BY 1, 2;

-- Orders the API offers that an index now serves as a row comparison
-- (server/profiles/profile-queries.ts): invited date, never invited first.
CREATE INDEX "profile_organization_id_invited_order_idx"
  ON "profile" ("organization_id", (coalesce("invited_at", '-infinity'::timestamptz)), "id");
-- The open invitations by expiry (the Status column's "pending, invitation expired"). Its
-- predicate does not name delivery_state, so the per-email delivery updates stay HOT.
CREATE INDEX "invitation_open_expiry_idx" ON "invitation" ("organization_id", "expires_at")
  WHERE "accepted_at" IS NULL AND "revoked_at" IS NULL AND "superseded_at" IS NULL;

-- An organization's counters go with it (they have no foreign key; see above).
CREATE FUNCTION "profile_status_count_forget"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "profile_status_count" WHERE "organization_id" = OLD."id";
  RETURN NULL;
END $$;
CREATE TRIGGER "profile_status_count_forget" AFTER DELETE ON "organization"
  FOR EACH ROW EXECUTE FUNCTION "profile_status_count_forget"();
