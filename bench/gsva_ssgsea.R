# R GSVA's ssgsea on the benchmark matrix: times gsva() alone (not the reading), writes the
# scores for the C++ harness to check against. Usage: Rscript gsva_ssgsea.R DIR SHARED THREADS
suppressMessages({ library(GSVA); library(Matrix); library(BiocParallel) })
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; shared <- args[2]; threads <- as.integer(args[3])
counts <- readMM(file.path(dir, "score_4000x15000.mtx"))  # genes x spots
rownames(counts) <- readLines(file.path(dir, "score_4000x15000.genes"))
colnames(counts) <- readLines(file.path(dir, "score_4000x15000.spots"))
expr <- as.matrix(counts)
expr <- log1p(sweep(expr, 2, colSums(expr), "/") * 1e4)
lines <- strsplit(readLines(file.path(shared, "genesets", "h.all.v7.0.symbols.gmt")), "\t")
sets <- lapply(lines, function(f) unique(f[-(1:2)]))
names(sets) <- vapply(lines, `[`, "", 1)
param <- if (threads > 1) MulticoreParam(workers = threads) else SerialParam()
started <- Sys.time()
es <- gsva(expr, sets, method = "ssgsea", ssgsea.norm = TRUE, verbose = FALSE, BPPARAM = param)
seconds <- as.numeric(Sys.time() - started, units = "secs")
write.table(t(es), file.path(dir, "gsva_ssgsea_scores.tsv"), sep = "\t", quote = FALSE,
            col.names = NA)
cat(sprintf("R GSVA ssgsea: %d genes x %d spots, %d threads: %.2f s (%.1f spots/s)\n",
            nrow(expr), ncol(expr), threads, seconds, ncol(expr) / seconds))
