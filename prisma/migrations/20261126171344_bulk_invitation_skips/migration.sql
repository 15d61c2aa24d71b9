-- CreateEnum
CREATE TYPE "SkipReason" AS ENUM ('ALREADY_VALIDATED', 'INVALID_EMAIL', 'EMAIL_UNDELIVERABLE', 'RESEND_TOO_SOON', 'NOT_FOUND');

-- AlterTable
ALTER TABLE "bulk_invitation" ADD COLUMN     "selection_summary" TEXT;

-- CreateTable
CREATE TABLE "bulk_invitation_skip" (
    "id" UUID NOT NULL,
    "bulk_invitation_id" UUID NOT NULL,
    "profile_id" UUID,
    "reason" "SkipReason" NOT NULL,

    CONSTRAINT "bulk_invitation_skip_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "bulk_invitation_skip_bulk_invitation_id_reason_id_idx" ON "bulk_invitation_skip"("bulk_invitation_id", "reason", "id");

-- CreateIndex
CREATE INDEX "bulk_invitation_skip_profile_id_idx" ON "bulk_invitation_skip"("profile_id");

-- CreateIndex
CREATE INDEX "bulk_invitation_organization_id_created_at_idx" ON "bulk_invitation"("organization_id", "created_at");

-- AddForeignKey
ALTER TABLE "bulk_invitation_skip" ADD CONSTRAINT "bulk_invitation_skip_bulk_invitation_id_fkey" FOREIGN KEY ("bulk_invitation_id") REFERENCES "bulk_invitation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bulk_invitation_skip" ADD CONSTRAINT "bulk_invitation_skip_profile_id_fkey" FOREIGN KEY ("profile_id") REFERENCES "profile"("id") ON DELETE SET NULL ON UPDATE CASCADE;
