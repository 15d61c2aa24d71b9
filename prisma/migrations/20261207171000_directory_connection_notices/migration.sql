-- The SCIM service caches the connection a bearer token names (server/app/credential-cache.ts): every statement that
-- could change what it reads there (a token rotated, a connection deleted or renamed, its invitation policy or go-live
-- date changed, its go-live run) tells every server to forget what it cached. The request log's last-request time
-- does not notify.
CREATE TRIGGER directory_connection_credentials_changed
  AFTER UPDATE OF token_hash, organization_id, name, invite_policy, go_live_at, went_live_at OR DELETE ON "directory_connection"
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
