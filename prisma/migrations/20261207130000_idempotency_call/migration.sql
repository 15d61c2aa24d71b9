-- The call that created what an idempotency key names (the client's x-parkpass-call-id header): a retry of that
-- same call finds its own work and is not answered as a replay of an earlier request. A bulk upsert's call keeps
-- what it wrote (response) for a day, so its retry answers CREATED and UPDATED as the first attempt did.
ALTER TABLE "idempotent_request" ADD COLUMN "call_id" TEXT;
ALTER TABLE "idempotent_request" ADD COLUMN "response" JSONB;
ALTER TABLE "bulk_invitation" ADD COLUMN "idempotency_call_id" TEXT;
