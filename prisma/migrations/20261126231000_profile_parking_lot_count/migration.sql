-- How many parking lots a profile gives access to, kept by the database:
-- "no access" becomes an index range over the organization's profiles with
-- none, instead of an anti-join with every access link.
ALTER TABLE "profile" ADD COLUMN "parking_lot_count" INTEGER NOT NULL DEFAULT 0;

-- Statement-level triggers on the links: each statement adds its changes per
-- profile (an UPDATE of the profile row, which concurrent writers take in turn).
-- A profile being deleted in the same statement (its links go by cascade) is
-- simply not found.
CREATE FUNCTION "profile_parking_lot_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE "profile" p SET "parking_lot_count" = p."parking_lot_count" + d.n
    FROM (SELECT "profile_id", count(*)::int AS n FROM new_rows GROUP BY 1) d WHERE p."id" = d."profile_id";
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "profile" p SET "parking_lot_count" = p."parking_lot_count" - d.n
    FROM (SELECT "profile_id", count(*)::int AS n FROM old_rows GROUP BY 1) d WHERE p."id" = d."profile_id";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "profile_parking_lot_count_insert" AFTER INSERT ON "profile_parking_lot"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "profile_parking_lot_count_apply"();
CREATE TRIGGER "profile_parking_lot_count_update" AFTER UPDATE ON "profile_parking_lot"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "profile_parking_lot_count_apply"();
CREATE TRIGGER "profile_parking_lot_count_delete" AFTER DELETE ON "profile_parking_lot"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "profile_parking_lot_count_apply"();

UPDATE "profile" p SET "parking_lot_count" = d.n
FROM (SELECT "profile_id", count(*)::int AS n FROM "profile_parking_lot" GROUP BY 1) d WHERE p."id" = d."profile_id";

-- The profiles without access, in the order by name (the list, and its count).
CREATE INDEX "profile_organization_id_no_access_idx" ON "profile" ("organization_id", "sort_name", "id") WHERE "parking_lot_count" = 0;
