-- The name index carries the search text, so a search page in name order can
-- walk the organization's profiles in order and test each one's text in the
-- index alone (an index-only scan, no visit to the table): in a large
-- organization a frequent word is found after a few thousand entries, where
-- the trigram index would fetch and sort every match. It replaces the plain
-- index of the same name and columns, so writes keep as many indexes (the
-- Prisma schema lists search_text as a fourth column: it cannot say INCLUDE).
DROP INDEX "profile_organization_id_sort_name_id_idx";
CREATE INDEX "profile_organization_id_sort_name_id_idx" ON "profile" ("organization_id", "sort_name", "id") INCLUDE ("search_text");
