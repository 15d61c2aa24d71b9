-- Who last saw each webhook endpoint's secret or chose its URL: the admin, or the API key (and, through the key,
-- the admin who created it). Removing that admin, or revoking that key, disables the endpoint. The creator column
-- becomes the admin half; the API key half is new.

-- The reason names what it is now: the secret's holder (an admin or a key), not only the endpoint's creator.
ALTER TYPE "WebhookEndpointDisabledReason" RENAME VALUE 'CREATOR_REMOVED' TO 'SECRET_HOLDER_REMOVED';

ALTER TABLE "webhook_endpoint" RENAME COLUMN "created_by_admin_id" TO "secret_known_by_admin_id";
ALTER TABLE "webhook_endpoint" RENAME CONSTRAINT "webhook_endpoint_created_by_admin_id_fkey" TO "webhook_endpoint_secret_known_by_admin_id_fkey";
ALTER TABLE "webhook_endpoint" ADD COLUMN "secret_known_by_api_key_id" UUID;
ALTER TABLE "webhook_endpoint" ADD CONSTRAINT "webhook_endpoint_secret_known_by_api_key_id_fkey" FOREIGN KEY ("secret_known_by_api_key_id") REFERENCES "api_key"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE INDEX "webhook_endpoint_secret_known_by_admin_id_idx" ON "webhook_endpoint"("secret_known_by_admin_id");
CREATE INDEX "webhook_endpoint_secret_known_by_api_key_id_idx" ON "webhook_endpoint"("secret_known_by_api_key_id");

-- Existing endpoints: the audit trail tells who last created, rotated or re-addressed each one. Where it names an
-- admin who is still there or an API key, that one is recorded; otherwise the row keeps what it had.
UPDATE "webhook_endpoint" e SET
  "secret_known_by_admin_id" = CASE WHEN last.actor_type = 'ADMIN' THEN last.actor_admin_id END,
  "secret_known_by_api_key_id" = CASE WHEN last.actor_type = 'API_KEY' THEN last.actor_api_key_id END
FROM (
  SELECT DISTINCT ON (a.subject_id) a.subject_id, a.actor_type, a.actor_admin_id, a.actor_api_key_id
  FROM "audit_event" a
  WHERE a.kind::text IN ('WEBHOOK_ENDPOINT_CREATED', 'WEBHOOK_ENDPOINT_SECRET_ROTATED')
     OR (a.kind::text = 'WEBHOOK_ENDPOINT_UPDATED' AND 'url' = ANY (a.changed_fields))
  ORDER BY a.subject_id, a.occurred_at DESC, a.seq DESC
) last
WHERE last.subject_id = e.id
  AND ((last.actor_type = 'ADMIN' AND EXISTS (SELECT 1 FROM "admin" WHERE id = last.actor_admin_id))
    OR (last.actor_type = 'API_KEY' AND EXISTS (SELECT 1 FROM "api_key" WHERE id = last.actor_api_key_id)));
