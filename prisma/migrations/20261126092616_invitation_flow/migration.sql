-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "EmailDeliveryState" ADD VALUE 'CANCELLED';
ALTER TYPE "EmailDeliveryState" ADD VALUE 'NO_EMAIL';

-- DropIndex
DROP INDEX "email_organization_id_created_at_idx";

-- DropIndex
DROP INDEX "invitation_organization_id_created_at_idx";

-- DropIndex
DROP INDEX "invitation_postmark_message_id_idx";

-- AlterTable
ALTER TABLE "bulk_invitation" ADD COLUMN     "cursor" UUID,
ADD COLUMN     "last_error" TEXT;

-- CreateTable
CREATE TABLE "mailbox_message" (
    "id" UUID NOT NULL,
    "email_id" UUID NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mailbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "mailbox_message_email_id_key" ON "mailbox_message"("email_id");

-- CreateIndex
CREATE INDEX "mailbox_message_to_created_at_idx" ON "mailbox_message"("to", "created_at");

-- CreateIndex
CREATE INDEX "email_state_id_idx" ON "email"("state", "id");

-- AddForeignKey
ALTER TABLE "mailbox_message" ADD CONSTRAINT "mailbox_message_email_id_fkey" FOREIGN KEY ("email_id") REFERENCES "email"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Room on each page for the delivery-state update of every invitation (written
-- once per email, 100,000 at a time in bulk) to stay a HOT update: its columns
-- are not indexed, so no index is touched. Prisma does not model fillfactor.
ALTER TABLE "invitation" SET (fillfactor = 70);
