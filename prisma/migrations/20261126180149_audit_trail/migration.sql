-- CreateEnum
CREATE TYPE "AuditEventKind" AS ENUM ('PROFILE_CREATED', 'PROFILE_UPDATED', 'PROFILE_DELETED', 'PROFILE_INVITED', 'BULK_INVITATION_STARTED', 'INVITATION_REVOKED', 'INVITATION_ACCEPTED', 'API_KEY_CREATED', 'API_KEY_REVOKED', 'ADMIN_ADDED', 'ADMIN_REMOVED', 'ORGANIZATION_SETTINGS_CHANGED', 'PARKING_LOT_CREATED', 'PARKING_LOT_RENAMED', 'PARKING_LOT_DELETED', 'TAG_CREATED', 'TAG_RENAMED', 'TAG_DELETED');

-- CreateTable
CREATE TABLE "audit_event" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "kind" "AuditEventKind" NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_admin_id" UUID,
    "actor_api_key_id" UUID,
    "actor_name" TEXT,
    "profile_id" UUID,
    "subject_id" UUID,
    "summary" TEXT NOT NULL,
    "changed_fields" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_event_organization_id_occurred_at_seq_idx" ON "audit_event"("organization_id", "occurred_at", "seq");

-- CreateIndex
CREATE INDEX "audit_event_organization_id_profile_id_occurred_at_idx" ON "audit_event"("organization_id", "profile_id", "occurred_at");

-- AddForeignKey
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
