-- CreateEnum
CREATE TYPE "SignalMode" AS ENUM ('paper', 'live');

-- CreateEnum
CREATE TYPE "SignalSide" AS ENUM ('long', 'short');

-- CreateEnum
CREATE TYPE "SignalStatus" AS ENUM ('open', 'target', 'stop', 'expired', 'cancelled');

-- CreateTable
CREATE TABLE "Signal" (
    "id" TEXT NOT NULL,
    "mode" "SignalMode" NOT NULL,
    "strategy" TEXT NOT NULL,
    "exchange" TEXT NOT NULL,
    "pair" TEXT NOT NULL,
    "timeframe" TEXT NOT NULL,
    "side" "SignalSide" NOT NULL,
    "entry" DOUBLE PRECISION NOT NULL,
    "stopLoss" DOUBLE PRECISION NOT NULL,
    "takeProfit1" DOUBLE PRECISION NOT NULL,
    "takeProfit" DOUBLE PRECISION NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "reason" TEXT NOT NULL,
    "candleTime" TIMESTAMPTZ(3) NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "status" "SignalStatus" NOT NULL DEFAULT 'open',
    "late" BOOLEAN NOT NULL DEFAULT false,
    "qty" DOUBLE PRECISION NOT NULL,
    "equityAtEntry" DOUBLE PRECISION NOT NULL,
    "exitPrice" DOUBLE PRECISION,
    "exitTime" TIMESTAMPTZ(3),
    "exitR" DOUBLE PRECISION,
    "exitPnl" DOUBLE PRECISION,
    "exitPnlPct" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Signal_pkey" PRIMARY KEY ("id","mode")
);

-- CreateTable
CREATE TABLE "EquityPoint" (
    "key" TEXT NOT NULL,
    "mode" "SignalMode" NOT NULL,
    "strategy" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "equity" DOUBLE PRECISION NOT NULL,
    "pnl" DOUBLE PRECISION NOT NULL,
    "drawdownPct" DOUBLE PRECISION NOT NULL,
    "open" INTEGER NOT NULL,
    "signalId" TEXT,

    CONSTRAINT "EquityPoint_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SignalEngineState" (
    "key" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SignalEngineState_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SignalOutbox" (
    "id" BIGSERIAL NOT NULL,
    "stream" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),
    "streamId" TEXT,

    CONSTRAINT "SignalOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Signal_mode_time_id_idx" ON "Signal"("mode", "time", "id");

-- CreateIndex
CREATE INDEX "Signal_mode_pair_time_idx" ON "Signal"("mode", "pair", "time");

-- CreateIndex
CREATE INDEX "Signal_mode_status_idx" ON "Signal"("mode", "status");

-- CreateIndex
CREATE INDEX "EquityPoint_mode_time_idx" ON "EquityPoint"("mode", "time");

-- CreateIndex
CREATE INDEX "SignalOutbox_publishedAt_id_idx" ON "SignalOutbox"("publishedAt", "id");
