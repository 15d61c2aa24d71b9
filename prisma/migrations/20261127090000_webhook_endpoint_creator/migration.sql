-- Who created each webhook endpoint, so removing that admin disables the
-- endpoints whose secret they saw (as it revokes their API keys). Existing
-- endpoints keep a null creator and stay enabled.

-- AlterEnum
ALTER TYPE "WebhookEndpointDisabledReason" ADD VALUE 'CREATOR_REMOVED';

-- AlterTable
ALTER TABLE "webhook_endpoint" ADD COLUMN     "created_by_admin_id" UUID;

-- AddForeignKey
ALTER TABLE "webhook_endpoint" ADD CONSTRAINT "webhook_endpoint_created_by_admin_id_fkey" FOREIGN KEY ("created_by_admin_id") REFERENCES "admin"("id") ON DELETE SET NULL ON UPDATE CASCADE;
