-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3);
