-- The credential lookup reads the organization's whole row, which then answers `viewer.organization` and `organization`
-- from the credential cache (server/app/authenticate.ts): any change to an organization, a rename or a setting as much
-- as its plan, tells every server to forget the callers it cached.
DROP TRIGGER organization_credentials_changed ON "organization";
CREATE TRIGGER organization_credentials_changed AFTER UPDATE OR DELETE ON "organization"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
