-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "executeBy" TIMESTAMP(3),
ADD COLUMN     "restingUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" BIGSERIAL NOT NULL,
    "orderId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "extra" JSONB NOT NULL DEFAULT '{}',
    "job" BOOLEAN NOT NULL DEFAULT false,
    "claimedUntil" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Outbox_claimedUntil_idx" ON "Outbox"("claimedUntil");
