-- The links' trigger (20261126231000_profile_parking_lot_count) takes the
-- profiles' row locks in id order before counting, the order bulk invitations
-- lock profiles in, so two statements changing links of the same profiles
-- wait for each other instead of deadlocking.
CREATE OR REPLACE FUNCTION "profile_parking_lot_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM 1 FROM "profile" WHERE "id" IN (SELECT "profile_id" FROM new_rows) ORDER BY "id" FOR UPDATE;
    UPDATE "profile" p SET "parking_lot_count" = p."parking_lot_count" + d.n
    FROM (SELECT "profile_id", count(*)::int AS n FROM new_rows GROUP BY 1) d WHERE p."id" = d."profile_id";
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM 1 FROM "profile" WHERE "id" IN (SELECT "profile_id" FROM old_rows) ORDER BY "id" FOR UPDATE;
    UPDATE "profile" p SET "parking_lot_count" = p."parking_lot_count" - d.n
    FROM (SELECT "profile_id", count(*)::int AS n FROM old_rows GROUP BY 1) d WHERE p."id" = d."profile_id";
  END IF;
  RETURN NULL;
END $$;
