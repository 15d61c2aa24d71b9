-- Extensions the schema relies on: citext (case-insensitive emails), pg_trgm (profile search).
CREATE EXTENSION IF NOT EXISTS "citext";
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "Plan" AS ENUM ('STARTER', 'BUSINESS', 'ENTERPRISE');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'MANAGER', 'VIEWER');

-- CreateEnum
CREATE TYPE "ProfileStatus" AS ENUM ('NOT_INVITED', 'PENDING', 'VALIDATED');

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CREDIT_CARD', 'SEPA_DIRECT_DEBIT', 'PAYROLL_DEDUCTION', 'COMPANY_INVOICE');

-- CreateEnum
CREATE TYPE "EmailDeliveryState" AS ENUM ('QUEUED', 'SENT', 'DELIVERED', 'BOUNCED', 'SPAM_COMPLAINT', 'FAILED');

-- CreateEnum
CREATE TYPE "EmailKind" AS ENUM ('INVITATION', 'APP_DOWNLOAD');

-- CreateEnum
CREATE TYPE "BulkInvitationState" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "plan" "Plan" NOT NULL DEFAULT 'STARTER',
    "invitation_validity_hours" INTEGER NOT NULL DEFAULT 72,
    "app_store_url" TEXT,
    "play_store_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "email" CITEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_session" (
    "id" UUID NOT NULL,
    "admin_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "admin_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_attempt" (
    "id" BIGSERIAL NOT NULL,
    "email" CITEXT NOT NULL,
    "address" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_by_admin_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "parking_lot" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "parking_lot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "profile" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "email" CITEXT NOT NULL,
    "phone" TEXT,
    "external_id" TEXT,
    "status" "ProfileStatus" NOT NULL DEFAULT 'NOT_INVITED',
    "payment_methods" "PaymentMethod"[] DEFAULT ARRAY[]::"PaymentMethod"[],
    "search_text" TEXT NOT NULL,
    "latest_invitation_id" UUID,
    "password_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "invited_at" TIMESTAMPTZ(3),
    "validated_at" TIMESTAMPTZ(3),

    CONSTRAINT "profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "profile_parking_lot" (
    "profile_id" UUID NOT NULL,
    "parking_lot_id" UUID NOT NULL,

    CONSTRAINT "profile_parking_lot_pkey" PRIMARY KEY ("profile_id","parking_lot_id")
);

-- CreateTable
CREATE TABLE "profile_tag" (
    "profile_id" UUID NOT NULL,
    "tag_id" UUID NOT NULL,

    CONSTRAINT "profile_tag_pkey" PRIMARY KEY ("profile_id","tag_id")
);

-- CreateTable
CREATE TABLE "invitation" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "profile_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "email" CITEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "superseded_at" TIMESTAMPTZ(3),
    "sent_by_admin_id" UUID,
    "sent_by_api_key_id" UUID,
    "bulk_invitation_id" UUID,
    "delivery_state" "EmailDeliveryState" NOT NULL DEFAULT 'QUEUED',
    "delivery_updated_at" TIMESTAMPTZ(3),
    "postmark_message_id" TEXT,

    CONSTRAINT "invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bulk_invitation" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "idempotency_key" TEXT,
    "selection" JSONB NOT NULL,
    "state" "BulkInvitationState" NOT NULL DEFAULT 'QUEUED',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "invited" INTEGER NOT NULL DEFAULT 0,
    "reinvited" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "skipped" JSONB NOT NULL DEFAULT '{}',
    "sent_by_admin_id" UUID,
    "sent_by_api_key_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "bulk_invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "profile_id" UUID NOT NULL,
    "invitation_id" UUID,
    "kind" "EmailKind" NOT NULL,
    "to" TEXT NOT NULL,
    "state" "EmailDeliveryState" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "postmark_message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "email_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "admin_email_key" ON "admin"("email");

-- CreateIndex
CREATE INDEX "admin_organization_id_idx" ON "admin"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "admin_session_token_hash_key" ON "admin_session"("token_hash");

-- CreateIndex
CREATE INDEX "admin_session_admin_id_idx" ON "admin_session"("admin_id");

-- CreateIndex
CREATE INDEX "login_attempt_email_created_at_idx" ON "login_attempt"("email", "created_at");

-- CreateIndex
CREATE INDEX "login_attempt_address_created_at_idx" ON "login_attempt"("address", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_secret_hash_key" ON "api_key"("secret_hash");

-- CreateIndex
CREATE INDEX "api_key_organization_id_idx" ON "api_key"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "parking_lot_organization_id_name_key" ON "parking_lot"("organization_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "tag_organization_id_name_key" ON "tag"("organization_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "profile_latest_invitation_id_key" ON "profile"("latest_invitation_id");

-- CreateIndex
CREATE INDEX "profile_organization_id_last_name_first_name_id_idx" ON "profile"("organization_id", "last_name", "first_name", "id");

-- CreateIndex
CREATE INDEX "profile_organization_id_created_at_id_idx" ON "profile"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "profile_organization_id_status_idx" ON "profile"("organization_id", "status");

-- CreateIndex
CREATE INDEX "profile_search_text_idx" ON "profile" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "profile_payment_methods_idx" ON "profile" USING GIN ("payment_methods");

-- CreateIndex
CREATE UNIQUE INDEX "profile_organization_id_email_key" ON "profile"("organization_id", "email");

-- CreateIndex
CREATE UNIQUE INDEX "profile_organization_id_external_id_key" ON "profile"("organization_id", "external_id");

-- CreateIndex
CREATE INDEX "profile_parking_lot_parking_lot_id_profile_id_idx" ON "profile_parking_lot"("parking_lot_id", "profile_id");

-- CreateIndex
CREATE INDEX "profile_tag_tag_id_profile_id_idx" ON "profile_tag"("tag_id", "profile_id");

-- CreateIndex
CREATE UNIQUE INDEX "invitation_token_hash_key" ON "invitation"("token_hash");

-- CreateIndex
CREATE INDEX "invitation_profile_id_created_at_idx" ON "invitation"("profile_id", "created_at");

-- CreateIndex
CREATE INDEX "invitation_organization_id_created_at_idx" ON "invitation"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "invitation_bulk_invitation_id_idx" ON "invitation"("bulk_invitation_id");

-- CreateIndex
CREATE INDEX "invitation_postmark_message_id_idx" ON "invitation"("postmark_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "bulk_invitation_organization_id_idempotency_key_key" ON "bulk_invitation"("organization_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "email_postmark_message_id_key" ON "email"("postmark_message_id");

-- CreateIndex
CREATE INDEX "email_organization_id_created_at_idx" ON "email"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "email_invitation_id_idx" ON "email"("invitation_id");

-- CreateIndex
CREATE INDEX "email_profile_id_idx" ON "email"("profile_id");

-- AddForeignKey
ALTER TABLE "admin" ADD CONSTRAINT "admin_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admin_session" ADD CONSTRAINT "admin_session_admin_id_fkey" FOREIGN KEY ("admin_id") REFERENCES "admin"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_created_by_admin_id_fkey" FOREIGN KEY ("created_by_admin_id") REFERENCES "admin"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "parking_lot" ADD CONSTRAINT "parking_lot_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag" ADD CONSTRAINT "tag_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile" ADD CONSTRAINT "profile_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile" ADD CONSTRAINT "profile_latest_invitation_id_fkey" FOREIGN KEY ("latest_invitation_id") REFERENCES "invitation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile_parking_lot" ADD CONSTRAINT "profile_parking_lot_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile_parking_lot" ADD CONSTRAINT "profile_parking_lot_parking_lot_id_fkey" FOREIGN KEY ("parking_lot_id") REFERENCES "parking_lot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile_tag" ADD CONSTRAINT "profile_tag_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "profile_tag" ADD CONSTRAINT "profile_tag_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitation" ADD CONSTRAINT "invitation_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitation" ADD CONSTRAINT "invitation_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitation" ADD CONSTRAINT "invitation_sent_by_admin_id_fkey" FOREIGN KEY ("sent_by_admin_id") REFERENCES "admin"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitation" ADD CONSTRAINT "invitation_sent_by_api_key_id_fkey" FOREIGN KEY ("sent_by_api_key_id") REFERENCES "api_key"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitation" ADD CONSTRAINT "invitation_bulk_invitation_id_fkey" FOREIGN KEY ("bulk_invitation_id") REFERENCES "bulk_invitation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_invitation" ADD CONSTRAINT "bulk_invitation_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_invitation" ADD CONSTRAINT "bulk_invitation_sent_by_admin_id_fkey" FOREIGN KEY ("sent_by_admin_id") REFERENCES "admin"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_invitation" ADD CONSTRAINT "bulk_invitation_sent_by_api_key_id_fkey" FOREIGN KEY ("sent_by_api_key_id") REFERENCES "api_key"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email" ADD CONSTRAINT "email_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email" ADD CONSTRAINT "email_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email" ADD CONSTRAINT "email_invitation_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "invitation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

