# The child side of an R sandbox (see ../sandbox.ts).
# Protocol: the parent writes one JSON message per line on stdin; this side answers on stdout, each
# message on its own line behind a marker (\x1e + a nonce), so whatever the code prints is the log.
# Arguments arrive as JSON texts (argsJson) and are read with simplification, so an array of
# records becomes a data.frame and an array of numbers a numeric vector.
suppressPackageStartupMessages(library(jsonlite))

.llano <- new.env()
.llano$nonce <- Sys.getenv("LLANO_SANDBOX_NONCE")
Sys.unsetenv("LLANO_SANDBOX_NONCE")
.llano$libraries <- fromJSON(Sys.getenv("LLANO_SANDBOX_LIBRARIES", "[]"))
Sys.unsetenv("LLANO_SANDBOX_LIBRARIES")
.llano$input <- file("stdin", open = "r")
.llano$host_id <- 0

.llano$encode <- function(value) {
  as.character(toJSON(value, auto_unbox = TRUE, null = "null", na = "null", digits = NA,
                      dataframe = "rows", POSIXt = "ISO8601", Date = "ISO8601", force = TRUE))
}
.llano$send <- function(message) {
  cat("\x1e", .llano$nonce, " ", .llano$encode(message), "\n", sep = "")
  flush(stdout())
}
.llano$read <- function() {
  line <- readLines(.llano$input, n = 1)
  if (length(line) == 0) quit(save = "no", status = 0)
  fromJSON(line, simplifyVector = FALSE)
}

# The `llano` argument: one function per host method, each called synchronously.
llano <- local({
  call_host <- function(method, args) {
    .llano$host_id <- .llano$host_id + 1
    id <- .llano$host_id
    .llano$send(list(t = "host", id = id, method = method, args = args))
    repeat {
      reply <- .llano$read()
      if (identical(reply$t, "hostReply") && identical(as.numeric(reply$id), as.numeric(id))) {
        if (isTRUE(reply$ok)) return(fromJSON(reply$valueJson, simplifyVector = TRUE))
        stop(reply$error)
      }
    }
  }
  methods <- fromJSON(Sys.getenv("LLANO_SANDBOX_HOST", "[]"))
  api <- list()
  for (m in methods) api[[m]] <- local({ name <- m; function(...) call_host(name, list(...)) })
  api
})
Sys.unsetenv("LLANO_SANDBOX_HOST")

# Sources a file of the project's libraries into the caller's environment.
use_library <- function(file) {
  for (dir in .llano$libraries) {
    path <- file.path(dir, file)
    if (file.exists(path)) return(invisible(sys.source(path, envir = parent.frame())))
  }
  stop(paste("No library file", file))
}

.llano$error <- function(e, calls) {
  frames <- vapply(calls, function(cl) paste(deparse(cl, nlines = 1), collapse = ""), "")
  message <- conditionMessage(e)
  list(message = paste0("Error: ", message),
       traceback = paste(c(paste0("Error: ", message), rev(frames)), collapse = "\n"),
       memory = grepl("cannot allocate", message, fixed = TRUE))
}

.llano$user <- new.env()
local({
  calls <- NULL
  loaded <- tryCatch(
    withCallingHandlers(
      { sys.source(commandArgs(trailingOnly = TRUE)[1], envir = .llano$user); TRUE },
      error = function(e) calls <<- sys.calls()),
    error = function(e) {
      .llano$send(list(t = "loadError", error = .llano$error(e, calls)))
      FALSE
    })
  if (!loaded) quit(save = "no", status = 1)
})
.llano$functions <- Filter(function(n) is.function(get(n, envir = .llano$user)), ls(.llano$user))
.llano$send(list(t = "ready", functions = I(.llano$functions)))

repeat {
  message <- .llano$read()
  if (!identical(message$t, "call")) next
  id <- message$id
  fn <- if (exists(message$fn, envir = .llano$user, inherits = FALSE)) get(message$fn, envir = .llano$user) else NULL
  if (!is.function(fn)) {
    .llano$send(list(t = "result", id = id, ok = FALSE,
                     error = list(message = paste("The code has no function", message$fn))))
    next
  }
  args <- lapply(message$argsJson, function(a) fromJSON(a, simplifyVector = TRUE))
  formals_count <- length(formals(fn))
  if ("..." %in% names(formals(fn)) || formals_count > length(args)) args <- c(args, list(llano))
  calls <- NULL
  result <- tryCatch(
    withCallingHandlers(list(ok = TRUE, value = do.call(fn, args)),
                        error = function(e) calls <<- sys.calls()),
    error = function(e) list(ok = FALSE, error = .llano$error(e, calls)))
  if (isTRUE(result$ok)) {
    .llano$send(list(t = "result", id = id, ok = TRUE, value = result$value))
  } else {
    outcome <- if (isTRUE(result$error$memory)) "memory" else NULL
    .llano$send(list(t = "result", id = id, ok = FALSE, outcome = outcome, error = result$error))
    if (!is.null(outcome)) quit(save = "no", status = 137)
  }
}
