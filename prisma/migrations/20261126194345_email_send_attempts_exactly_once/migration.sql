-- AlterEnum
ALTER TYPE "EmailDeliveryState" ADD VALUE 'SENDING';

-- AlterTable
ALTER TABLE "email" ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN     "reconcile_at" TIMESTAMPTZ(3),
ADD COLUMN     "send_attempt_id" UUID;
