-- Every statement that could change what a token grants (a key revoked or deleted, a session ended, expired
-- early or deleted, an admin's role or organization changed, an admin deleted, an organization's plan changed
-- or the organization deleted) tells every server to forget the callers it cached (server/app/credential-cache.ts).
-- Statement-level: one notice per statement, whatever the rows; the last-used refresh of a read does not notify.
CREATE FUNCTION notify_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('parkpass_credentials', '');
  RETURN NULL;
END $$;

CREATE TRIGGER api_key_credentials_changed AFTER UPDATE OF revoked_at, role, organization_id, secret_hash OR DELETE ON "api_key"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
CREATE TRIGGER admin_session_credentials_changed AFTER UPDATE OF revoked_at, expires_at, admin_id, token_hash OR DELETE ON "admin_session"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
CREATE TRIGGER admin_credentials_changed AFTER UPDATE OF role, organization_id OR DELETE ON "admin"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
CREATE TRIGGER organization_credentials_changed AFTER UPDATE OF plan OR DELETE ON "organization"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
