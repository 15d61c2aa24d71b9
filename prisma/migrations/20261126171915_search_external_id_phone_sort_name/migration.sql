-- Profiles are ordered by sort_name ("last first" without case or accents) and
-- searched on their externalId and phone too. New and changed rows get both
-- from server/profiles/search-text.ts, and the rows that exist get the same here,
-- with unaccent standing in for the code's Unicode decomposition.
CREATE EXTENSION IF NOT EXISTS "unaccent";

-- DropIndex
DROP INDEX "profile_organization_id_last_name_first_name_id_idx";

-- AlterTable
ALTER TABLE "profile" ADD COLUMN     "sort_name" TEXT;

UPDATE "profile" SET
  "sort_name" = trim(regexp_replace(lower(unaccent("last_name" || ' ' || "first_name")), '\s+', ' ', 'g')),
  "search_text" = trim(regexp_replace(lower(unaccent(
    "search_text" || ' ' || coalesce("external_id", '') || ' ' || coalesce("phone", '') || ' ' || regexp_replace(coalesce("phone", ''), '\D', '', 'g')
  )), '\s+', ' ', 'g'));

ALTER TABLE "profile" ALTER COLUMN "sort_name" SET NOT NULL;

-- CreateIndex
CREATE INDEX "profile_organization_id_sort_name_id_idx" ON "profile"("organization_id", "sort_name", "id");
