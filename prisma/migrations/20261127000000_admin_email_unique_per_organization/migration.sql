-- Admin emails are unique per organization, no longer across Parkpass: whether
-- an address is an admin elsewhere must not change what adding it answers.
-- Sign-in finds the accounts of an email by the plain index.
DROP INDEX "admin_email_key";
CREATE INDEX "admin_email_idx" ON "admin"("email");
CREATE UNIQUE INDEX "admin_organization_id_email_key" ON "admin"("organization_id", "email");
