-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "reservedAmount" DECIMAL(36,18) NOT NULL DEFAULT 0,
ADD COLUMN     "reservedAsset" TEXT;
