-- AlterTable
ALTER TABLE "objectives" ADD COLUMN     "dimension" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "gradient_check" JSONB,
ADD COLUMN     "variables" TEXT[];
