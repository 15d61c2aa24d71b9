-- The profile filter's acceptedBetween (validated_at in a span) reads this index, as createdBetween reads
-- profile_organization_id_created_at_id_idx.
CREATE INDEX "profile_organization_id_validated_at_idx" ON "profile"("organization_id", "validated_at");
