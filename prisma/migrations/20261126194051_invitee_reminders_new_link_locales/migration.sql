-- CreateEnum
CREATE TYPE "Locale" AS ENUM ('EN', 'FR');

-- AlterEnum
ALTER TYPE "EmailKind" ADD VALUE 'REMINDER';

-- AlterTable
ALTER TABLE "invitation" ADD COLUMN     "reminder_queued_at" TIMESTAMPTZ(3),
ADD COLUMN     "requested_by_invitee" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "organization" ADD COLUMN     "default_locale" "Locale" NOT NULL DEFAULT 'EN',
ADD COLUMN     "invitee_may_request_new_link" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "reminder_hours_before_expiry" INTEGER DEFAULT 24,
ADD COLUMN     "time_zone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "profile" ADD COLUMN     "locale" "Locale";
