-- AlterTable
ALTER TABLE "login_attempt" ADD COLUMN     "device_id" UUID;

-- CreateTable
CREATE TABLE "admin_device" (
    "id" UUID NOT NULL,
    "admin_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_signed_in_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_device_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "admin_device_token_hash_key" ON "admin_device"("token_hash");

-- CreateIndex
CREATE INDEX "admin_device_admin_id_idx" ON "admin_device"("admin_id");

-- CreateIndex
CREATE INDEX "login_attempt_device_id_created_at_idx" ON "login_attempt"("device_id", "created_at");

-- AddForeignKey
ALTER TABLE "login_attempt" ADD CONSTRAINT "login_attempt_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "admin_device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admin_device" ADD CONSTRAINT "admin_device_admin_id_fkey" FOREIGN KEY ("admin_id") REFERENCES "admin"("id") ON DELETE CASCADE ON UPDATE CASCADE;
