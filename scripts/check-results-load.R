# Loads a results folder's runs.csv, summary.csv and detail files (the <table>.csv files the
# manifest's outputs list) with R's defaults (read.csv), as a user would, and checks that
# nothing is lost: no key column has a missing or empty value, every metric and figure column
# is numeric, and each numeric column has a value wherever the file has one.
# Exit 0 when the folder loads cleanly, 1 with the problems otherwise.
#
#     Rscript scripts/check-results-load.R results/default
args <- commandArgs(trailingOnly = TRUE)
folder <- if (length(args) > 0) args[1] else "results/default"
problems <- character(0)
runs <- read.csv(file.path(folder, "runs.csv"))
summary <- read.csv(file.path(folder, "summary.csv"))
raw <- read.csv(file.path(folder, "runs.csv"), colClasses = "character")

manifest <- paste(readLines(file.path(folder, "manifest.json"), warn = FALSE), collapse = "\n")
expected <- as.integer(sub('.*"runs" : ([0-9]+).*', "\\1", manifest))
if (nrow(runs) != expected) problems <- c(problems, sprintf("runs.csv has %d rows, the manifest %d runs", nrow(runs), expected))

check_keys <- function(frame, keys, name) {
  for (k in keys) {
    m <- sum(is.na(frame[[k]]) | frame[[k]] == "")
    if (m > 0) problems <<- c(problems, sprintf("%s: %d missing values in key column %s", name, m, k))
  }
}
check_keys(runs, c("run", "scenario", "family", "point", "strategy", "replication", "seed", "stop_reason", "events"), "runs.csv")
check_keys(summary, c("scenario", "family", "point", "strategy", "metric", "unit", "direction", "n", "interval", "confidence"), "summary.csv")

# Metric columns are <family>:<metric>; R makes them <family>.<metric> (check.names), still unique.
metric <- names(raw)[grepl(":", names(raw), fixed = TRUE) & !startsWith(names(raw), "grid:")]
if (length(unique(make.names(metric))) != length(metric)) problems <- c(problems, "metric column names collide in R")
for (column in metric) {
  values <- runs[[make.names(column)]]
  if (!is.numeric(values)) {
    problems <- c(problems, sprintf("column %s is not numeric in R", column))
  } else if (sum(!is.na(values)) != sum(raw[[make.names(column)]] != "")) {
    problems <- c(problems, sprintf("column %s: R lost values", column))
  }
}
for (column in c("n", "mean", "sd", "ci_low", "ci_high", "confidence")) {
  if (!is.numeric(summary[[column]])) problems <- c(problems, sprintf("summary.csv column %s is not numeric in R", column))
}
# Detail files: run columns, then the table's keys (read from the pretty-printed manifest, where a
# table's sorted fields end with "keys" and "name"), then its figures.
outputs <- regmatches(manifest, gregexpr('"[A-Za-z0-9._-]+[.]csv" : [{]', manifest))[[1]]
outputs <- setdiff(sub('"([^"]+)".*', "\\1", outputs), c("runs.csv", "summary.csv"))
details <- character(0)
for (file in outputs) {
  stem <- gsub(".", "[.]", sub("[.]csv$", "", file), fixed = TRUE)
  declared <- regmatches(manifest, regexpr(paste0('"keys" : \\[[^]]*\\],\\s*"name" : "', stem, '"'), manifest))
  if (length(declared) == 0) next  # not a detail table's file
  listed <- sub('"name".*', "", sub('"keys" : ', "", declared))
  keys <- gsub('"', "", regmatches(listed, gregexpr('"[^"]+"', listed))[[1]])
  frame <- read.csv(file.path(folder, file))
  raw <- read.csv(file.path(folder, file), colClasses = "character")
  details <- c(details, sprintf("%s (%d rows)", file, nrow(frame)))
  fixed <- c("run", "scenario", "point", "strategy", "replication")
  check_keys(frame, c(fixed, make.names(keys)), file)
  figures <- names(raw)[-seq_len(length(fixed) + length(keys))]
  if (length(unique(names(frame))) != ncol(frame)) problems <- c(problems, sprintf("%s: column names collide in R", file))
  for (column in figures) {
    values <- frame[[column]]
    if (!is.numeric(values)) {
      problems <- c(problems, sprintf("%s: column %s is not numeric in R", file, column))
    } else if (sum(!is.na(values)) != sum(raw[[column]] != "")) {
      problems <- c(problems, sprintf("%s: column %s: R lost values", file, column))
    }
  }
}
if (length(problems) > 0) {
  for (p in head(problems, 20)) message(folder, ": ", p)
  quit(status = 1)
}
cat(sprintf("%s: runs.csv (%d rows, %d columns)%s and summary.csv (%d rows) load in %s without loss\n",
            folder, nrow(runs), ncol(runs), paste0(sprintf(", %s", details), collapse = ""), nrow(summary), R.version.string))
