-- DropIndex
DROP INDEX "SignalDelivery_subscriptionId_signalId_key";

-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "adminPlatformUserId" TEXT,
ADD COLUMN     "chatKind" TEXT NOT NULL DEFAULT 'group',
ADD COLUMN     "chatTitle" TEXT,
ADD COLUMN     "pausedAt" TIMESTAMP(3),
ADD COLUMN     "pausedReason" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "SignalDelivery" ADD COLUMN     "event" TEXT NOT NULL DEFAULT 'signal',
ADD COLUMN     "messageId" TEXT,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "sendingAt" TIMESTAMP(3),
ADD COLUMN     "stream" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "streamKey" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "SignalDelivery_subscriptionId_status_streamKey_idx" ON "SignalDelivery"("subscriptionId", "status", "streamKey");

-- CreateIndex
CREATE INDEX "SignalDelivery_stream_streamId_idx" ON "SignalDelivery"("stream", "streamId");

-- CreateIndex
CREATE UNIQUE INDEX "SignalDelivery_subscriptionId_signalId_event_key" ON "SignalDelivery"("subscriptionId", "signalId", "event");
