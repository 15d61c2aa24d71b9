-- CreateEnum
CREATE TYPE "DirectoryInvitePolicy" AS ENUM ('ON_PROVISIONING', 'ON_GO_LIVE_DATE', 'NEVER');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditEventKind" ADD VALUE 'PROFILE_DEACTIVATED';
ALTER TYPE "AuditEventKind" ADD VALUE 'PROFILE_REACTIVATED';
ALTER TYPE "AuditEventKind" ADD VALUE 'DIRECTORY_CONNECTION_CREATED';
ALTER TYPE "AuditEventKind" ADD VALUE 'DIRECTORY_CONNECTION_UPDATED';
ALTER TYPE "AuditEventKind" ADD VALUE 'DIRECTORY_CONNECTION_TOKEN_ROTATED';
ALTER TYPE "AuditEventKind" ADD VALUE 'DIRECTORY_CONNECTION_DELETED';
ALTER TYPE "AuditEventKind" ADD VALUE 'DIRECTORY_GROUP_MAPPED';

-- AlterEnum
ALTER TYPE "ProfileStatus" ADD VALUE 'DEACTIVATED';

-- AlterEnum
ALTER TYPE "SkipReason" ADD VALUE 'DEACTIVATED';

-- CreateTable
CREATE TABLE "directory_connection" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "invite_policy" "DirectoryInvitePolicy" NOT NULL DEFAULT 'NEVER',
    "go_live_at" TIMESTAMPTZ(3),
    "went_live_at" TIMESTAMPTZ(3),
    "created_by_admin_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "token_rotated_at" TIMESTAMPTZ(3),
    "last_request_at" TIMESTAMPTZ(3),

    CONSTRAINT "directory_connection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_user" (
    "profile_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "user_name" CITEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "status_before_deactivation" "ProfileStatus",
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "group_parking_lot_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "group_tag_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "group_payment_methods" "PaymentMethod"[] DEFAULT ARRAY[]::"PaymentMethod"[],
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_user_pkey" PRIMARY KEY ("profile_id")
);

-- CreateTable
CREATE TABLE "directory_group" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "display_name" TEXT NOT NULL,
    "external_id" TEXT,
    "payment_method" "PaymentMethod",
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_group_member" (
    "group_id" UUID NOT NULL,
    "profile_id" UUID NOT NULL,

    CONSTRAINT "directory_group_member_pkey" PRIMARY KEY ("group_id","profile_id")
);

-- CreateTable
CREATE TABLE "directory_group_parking_lot" (
    "group_id" UUID NOT NULL,
    "parking_lot_id" UUID NOT NULL,

    CONSTRAINT "directory_group_parking_lot_pkey" PRIMARY KEY ("group_id","parking_lot_id")
);

-- CreateTable
CREATE TABLE "directory_group_tag" (
    "group_id" UUID NOT NULL,
    "tag_id" UUID NOT NULL,

    CONSTRAINT "directory_group_tag_pkey" PRIMARY KEY ("group_id","tag_id")
);

-- CreateTable
CREATE TABLE "directory_request" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "method" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "summary" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "directory_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "directory_connection_token_hash_key" ON "directory_connection"("token_hash");

-- CreateIndex
CREATE INDEX "directory_connection_organization_id_idx" ON "directory_connection"("organization_id");

-- CreateIndex
CREATE INDEX "directory_user_organization_id_idx" ON "directory_user"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "directory_user_connection_id_user_name_key" ON "directory_user"("connection_id", "user_name");

-- CreateIndex
CREATE INDEX "directory_group_connection_id_display_name_idx" ON "directory_group"("connection_id", "display_name");

-- CreateIndex
CREATE INDEX "directory_group_organization_id_idx" ON "directory_group"("organization_id");

-- CreateIndex
CREATE INDEX "directory_group_member_profile_id_idx" ON "directory_group_member"("profile_id");

-- CreateIndex
CREATE INDEX "directory_group_parking_lot_parking_lot_id_idx" ON "directory_group_parking_lot"("parking_lot_id");

-- CreateIndex
CREATE INDEX "directory_group_tag_tag_id_idx" ON "directory_group_tag"("tag_id");

-- CreateIndex
CREATE INDEX "directory_request_connection_id_occurred_at_idx" ON "directory_request"("connection_id", "occurred_at");

-- AddForeignKey
ALTER TABLE "directory_connection" ADD CONSTRAINT "directory_connection_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_user" ADD CONSTRAINT "directory_user_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "directory_connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_user" ADD CONSTRAINT "directory_user_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_group" ADD CONSTRAINT "directory_group_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "directory_connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_group_member" ADD CONSTRAINT "directory_group_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "directory_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_group_member" ADD CONSTRAINT "directory_group_member_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "directory_user"("profile_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_group_parking_lot" ADD CONSTRAINT "directory_group_parking_lot_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "directory_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_group_parking_lot" ADD CONSTRAINT "directory_group_parking_lot_parking_lot_id_fkey" FOREIGN KEY ("parking_lot_id") REFERENCES "parking_lot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_group_tag" ADD CONSTRAINT "directory_group_tag_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "directory_group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_group_tag" ADD CONSTRAINT "directory_group_tag_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_request" ADD CONSTRAINT "directory_request_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "directory_connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
