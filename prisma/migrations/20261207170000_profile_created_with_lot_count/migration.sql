-- A profile created in bulk (profilesUpsert, the CSV import) is inserted with
-- its count of parking lots already set, and its links are then inserted with
-- the transaction-local setting "parkpass.lot_links_counted" on: the links'
-- trigger leaves those profiles alone. Without it, each new profile was written
-- twice (its count is in an index's predicate, so the trigger's UPDATE is never
-- HOT and writes a new entry in every index of the profile, the trigram one
-- included): a third of a 2,000-row batch's time. Nobody else sees a profile
-- before its transaction commits, so no other writer can add links to it meanwhile.
CREATE OR REPLACE FUNCTION "profile_parking_lot_count_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('parkpass.lot_links_counted', true) = 'on' THEN
    RETURN NULL;
  END IF;
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
