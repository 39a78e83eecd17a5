# stx's ssgsea against Bioconductor GSVA 1.46 (Debian r-bioc-gsva) on a real HER2ST section:
# both are given the same log1p(CP10k) expression and the 50 Hallmarks. Asserts Pearson r
# >= 0.999 per pathway and a max abs difference <= 1e-4 after GSVA's normalisation.
# Usage: Rscript ssgsea_parity_test.R STX SHARED_DATA [SECTION]
suppressMessages(library(GSVA))
args <- commandArgs(trailingOnly = TRUE)
stx <- args[1]; shared <- args[2]; section <- if (length(args) >= 3) args[3] else "C2"

tsv <- tempfile(fileext = ".tsv")
rc <- system2(stx, c("score", file.path(shared, "her2st"), "--section", section,
                     "--method", "ssgsea", "--tsv", tsv, "--threads", "2", "-q"))
if (rc != 0) stop("stx score failed")
ours <- as.matrix(read.delim(tsv, row.names = 1, check.names = FALSE))

counts <- read.delim(gzfile(file.path(shared, "her2st", "counts", paste0(section, ".tsv.gz"))),
                     row.names = 1, check.names = FALSE)
counts <- as.matrix(counts[rownames(ours), ])
expr <- t(log1p(counts / rowSums(counts) * 1e4))  # genes x spots
lines <- strsplit(readLines(file.path(shared, "genesets", "h.all.v7.0.symbols.gmt")), "\t")
sets <- lapply(lines, function(f) unique(f[-(1:2)]))
names(sets) <- vapply(lines, `[`, "", 1)

started <- Sys.time()
ref <- t(gsva(expr, sets, method = "ssgsea", ssgsea.norm = TRUE, verbose = FALSE))
cat(sprintf("GSVA ssgsea on %d genes x %d spots: %.1f s\n", nrow(expr), ncol(expr),
            as.numeric(Sys.time() - started, units = "secs")))

passed <- 0; failed <- 0
check <- function(ok, what) {
  if (ok) passed <<- passed + 1 else { failed <<- failed + 1; cat("FAIL:", what, "\n") }
}
check(identical(colnames(ours), colnames(ref)), "pathway names and order")
r <- vapply(colnames(ref), function(p) cor(ours[, p], ref[, p]), 0)
max_diff <- max(abs(ours - ref[rownames(ours), colnames(ours)]))
for (p in names(r)) check(r[p] >= 0.999, sprintf("%s: r = %.6f", p, r[p]))
check(max_diff <= 1e-4, sprintf("max abs difference %.3g", max_diff))
cat(sprintf("section %s: min r over %d pathways = %.8f, max abs difference = %.3g\n",
            section, length(r), min(r), max_diff))
cat(sprintf("ssgsea-parity: %d passed, %d failed\n", passed, failed))
quit(status = if (failed > 0 || passed == 0) 1 else 0)
