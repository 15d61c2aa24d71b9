-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AuditEventKind" ADD VALUE 'ADMIN_INVITED';
ALTER TYPE "AuditEventKind" ADD VALUE 'ADMIN_INVITATION_REVOKED';
ALTER TYPE "AuditEventKind" ADD VALUE 'ADMIN_ROLE_CHANGED';
ALTER TYPE "AuditEventKind" ADD VALUE 'OWNERSHIP_TRANSFERRED';

-- AlterEnum
ALTER TYPE "EmailKind" ADD VALUE 'ADMIN_INVITATION';

-- AlterTable
ALTER TABLE "email" ADD COLUMN     "admin_invitation_id" UUID,
ALTER COLUMN "profile_id" DROP NOT NULL;

-- CreateTable
CREATE TABLE "admin_invitation" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "email" CITEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "invited_by_admin_id" UUID,

    CONSTRAINT "admin_invitation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "admin_invitation_token_hash_key" ON "admin_invitation"("token_hash");

-- CreateIndex
CREATE INDEX "admin_invitation_organization_id_created_at_idx" ON "admin_invitation"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "admin_invitation_organization_id_email_idx" ON "admin_invitation"("organization_id", "email");

-- CreateIndex
CREATE INDEX "email_admin_invitation_id_idx" ON "email"("admin_invitation_id");

-- AddForeignKey
ALTER TABLE "admin_invitation" ADD CONSTRAINT "admin_invitation_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admin_invitation" ADD CONSTRAINT "admin_invitation_invited_by_admin_id_fkey" FOREIGN KEY ("invited_by_admin_id") REFERENCES "admin"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email" ADD CONSTRAINT "email_admin_invitation_id_fkey" FOREIGN KEY ("admin_invitation_id") REFERENCES "admin_invitation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

