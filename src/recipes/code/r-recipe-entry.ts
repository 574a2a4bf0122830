/** The R recipe harness (written to the run folder as recipe_entry.R; the sandbox calls its run_recipe). Kept as text: dist/ holds only compiled JavaScript. */
export const R_RECIPE_ENTRY = String.raw`# The R recipe harness: runs inside the sandbox, which calls run_recipe(config, llano).
# Inputs are CSV files exported by DuckDB (NULL written as the input's nullText, a text no value
# holds, since read.csv takes a quoted marker for NULL too) read with colClasses from their
# DuckDB types; output$write(df) appends to a CSV file whose schema is declared or taken from
# the first data frame written. Base R only.
llano_null <- "\\N"

llano_r_class <- function(duck_type) {
  t <- toupper(duck_type)
  if (t %in% c("TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT")) return("integer")
  if (t %in% c("BIGINT", "HUGEINT", "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "REAL") || startsWith(t, "DECIMAL")) return("numeric")
  if (t == "BOOLEAN") return("logical")
  "character"
}

llano_read_input <- function(input) {
  names <- vapply(input$columns, function(c) c$name, "")
  classes <- vapply(input$columns, function(c) llano_r_class(c$type), "")
  # The file's NULL marker: a text no value holds (read.csv takes a quoted marker for NULL too).
  null_text <- if (is.null(input$nullText)) llano_null else input$nullText
  utils::read.csv(input$path, colClasses = unname(classes), na.strings = null_text, stringsAsFactors = FALSE,
    check.names = FALSE, encoding = "UTF-8", col.names = names)
}

llano_column_type <- function(x, name, input_types) {
  if (is.logical(x)) return(if (all(is.na(x)) && !is.null(input_types[[name]])) input_types[[name]] else "BOOLEAN")
  if (is.integer(x) && !is.factor(x)) return("INTEGER")
  if (is.numeric(x)) {
    # R has no 64-bit integer: whole numbers under the name of an integer input column keep its type.
    t <- input_types[[name]]
    if (!is.null(t) && toupper(t) %in% c("BIGINT", "HUGEINT", "UINTEGER", "UBIGINT") && all(is.na(x) | x == round(x))) return(t)
    return("DOUBLE")
  }
  if (inherits(x, "Date")) return("DATE")
  if (inherits(x, "POSIXt")) return("TIMESTAMP")
  if (!is.null(input_types[[name]])) return(input_types[[name]])
  "VARCHAR"
}

llano_quote <- function(x) paste0("\"", gsub("\"", "\"\"", x, fixed = TRUE), "\"")

llano_format_column <- function(x, type) {
  na <- is.na(x)
  whole <- toupper(type) %in% c("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
  out <- if (is.logical(x)) ifelse(x, "true", "false")
    else if (is.integer(x) && !is.factor(x)) as.character(x)
    else if (is.numeric(x) && whole) sprintf("%.0f", x)
    else if (is.numeric(x)) sprintf("%.17g", x)
    else if (inherits(x, "POSIXt")) format(x, "%Y-%m-%d %H:%M:%OS6", tz = "UTC")
    else llano_quote(as.character(x))
  out[na] <- llano_null
  out
}

llano_output <- function(path, declared, input_types) {
  state <- new.env()
  state$columns <- declared
  state$rows <- 0
  con <- file(path, open = "w", encoding = "UTF-8")
  state$write <- function(df) {
    df <- as.data.frame(df, stringsAsFactors = FALSE)
    if (is.null(state$columns)) {
      state$columns <- lapply(names(df), function(n) list(name = n, type = llano_column_type(df[[n]], n, input_types)))
    }
    names <- vapply(state$columns, function(c) c$name, "")
    if (state$rows == 0) writeLines(paste(llano_quote(names), collapse = ","), con)
    if (nrow(df) == 0) return(invisible(NULL))
    types <- vapply(state$columns, function(c) c$type, "")
    cells <- lapply(seq_along(names), function(i) {
      n <- names[[i]]
      if (n %in% names(df)) llano_format_column(df[[n]], types[[i]]) else rep(llano_null, nrow(df))
    })
    writeLines(do.call(paste, c(cells, sep = ",")), con)
    state$rows <- state$rows + nrow(df)
    invisible(NULL)
  }
  state$close <- function() {
    if (is.null(state$columns)) state$columns <- list()
    if (state$rows == 0) writeLines(paste(llano_quote(vapply(state$columns, function(c) c$name, "")), collapse = ","), con)
    close(con)
  }
  state
}

run_recipe <- function(config, llano = NULL) {
  # The parent sends the configuration as JSON text, parsed here without simplification.
  if (is.character(config)) config <- jsonlite::fromJSON(config, simplifyVector = FALSE)
  env <- new.env(parent = globalenv())
  sys.source(config$code, envir = env, keep.source = TRUE)
  if (!exists("run", envir = env, inherits = FALSE) || !is.function(env$run))
    stop("The recipe must define run <- function(inputs, output, variables, log)")
  input_types <- list()
  inputs <- list()
  for (name in names(config$inputs)) {
    input <- config$inputs[[name]]
    for (c in input$columns) if (is.null(input_types[[c$name]])) input_types[[c$name]] <- c$type
    inputs[[name]] <- llano_read_input(input)
  }
  out <- llano_output(config$output$path, config$output$columns, input_types)
  log <- function(...) { cat(paste(...), "\n", sep = ""); flush(stdout()) }
  variables <- if (is.null(config$variables)) list() else config$variables
  env$run(inputs, list(write = out$write), variables, log)
  out$close()
  packages <- unlist(config$packages)
  if (is.null(packages)) packages <- character(0)
  versions <- lapply(packages, function(p) tryCatch(as.character(utils::packageVersion(p)), error = function(e) NULL))
  names(versions) <- packages
  list(rows = out$rows, columns = out$columns,
    environment = list(interpreter = file.path(R.home("bin"), "Rscript"), version = paste(R.version$major, R.version$minor, sep = "."), packages = versions))
}
`;
