-- CreateTable
CREATE TABLE "admin_sign_in_address" (
    "admin_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "last_signed_in_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_sign_in_address_pkey" PRIMARY KEY ("admin_id","address")
);

-- AddForeignKey
ALTER TABLE "admin_sign_in_address" ADD CONSTRAINT "admin_sign_in_address_admin_id_fkey" FOREIGN KEY ("admin_id") REFERENCES "admin"("id") ON DELETE CASCADE ON UPDATE CASCADE;
