# The child side of an R sandbox (see ../sandbox.ts).
# Protocol: the parent writes one JSON message per line on stdin; this side answers on stdout, each
# message on its own line behind a marker (\x1e + a nonce), so whatever the code prints is the log.
# Arguments arrive as JSON texts (argsJson) and are read with simplification, so an array of
# records becomes a data.frame and an array of numbers a numeric vector.

# Confined (LLANO_SANDBOX_CONFINED, see ../r-confinement.ts) the kernel refuses every program but R
# itself. R's own functions that run programs say so in words instead of failing obscurely, and
# Sys.which finds none (utils runs `which uname` when it loads); then the packages Rscript attaches.
.llano <- new.env()
# Code source()d by the user's code keeps its lines too, so a traceback names them (see .llano$error).
options(keep.source = TRUE)
.llano$confined <- identical(Sys.getenv("LLANO_SANDBOX_CONFINED"), "1")
.llano$replace <- function(name, fn) {
  base <- baseenv()
  unlockBinding(name, base)
  assign(name, fn, envir = base)
  lockBinding(name, base)
}
if (.llano$confined) {
  local({
    replace <- .llano$replace
    for (name in c("system", "system2", "pipe")) {
      replace(name, local({
        what <- name
        function(...) stop(what, "(): R code may not run other programs (Llano confines it to its own folder)", call. = FALSE)
      }))
    }
    replace("Sys.which", function(names) structure(rep("", length(names)), names = names))
  })
  Sys.unsetenv(c("LLANO_SANDBOX_CONFINED", "R_DEFAULT_PACKAGES"))
  for (package in c("methods", "datasets", "utils", "grDevices", "graphics", "stats")) {
    suppressPackageStartupMessages(library(package, character.only = TRUE))
  }
}
suppressPackageStartupMessages(library(jsonlite))

# A folder the kernel does not let R read lists as empty: say so instead (the same folders as the rules).
if (.llano$confined) {
  .llano$readable <- fromJSON(Sys.getenv("LLANO_SANDBOX_READABLE", "[]"))
  Sys.unsetenv("LLANO_SANDBOX_READABLE")
  for (name in c("list.files", "dir", "list.dirs")) {
    .llano$replace(name, local({
      what <- name
      original <- get(name, envir = baseenv())
      function(path = ".", ...) {
        for (p in path) {
          full <- normalizePath(p, mustWork = FALSE)
          inside <- any(full == .llano$readable | startsWith(full, paste0(.llano$readable, "/")))
          if (dir.exists(p) && !inside)
            stop(what, "(): R code may read only its own folder, its inputs and libraries, and R's own files, not ", p, call. = FALSE)
        }
        original(path, ...)
      }
    }))
  }
}

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

# `warned`: the last warning before the error, which often says why ("cannot open the connection"
# follows "cannot open file 'x': Permission denied"); non-interactive R would never print it.
# A call made from the user's code carries where it is ("at lib/qa.R#12", R's own form; the server
# strips its work folder from the path): the code and what it source()s keep their source lines.
.llano$error <- function(e, calls, warned = NULL) {
  frames <- vapply(calls, function(cl) {
    text <- paste(deparse(cl, nlines = 1), collapse = "")
    ref <- attr(cl, "srcref")
    if (is.null(ref)) text else paste0(text, " at ", utils::getSrcFilename(ref, full.names = TRUE), "#", ref[1])
  }, "")
  message <- conditionMessage(e)
  if (!is.null(warned)) message <- paste0(message, " (", warned, ")")
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
  warned <- NULL
  result <- tryCatch(
    withCallingHandlers(list(ok = TRUE, value = do.call(fn, args)),
                        warning = function(w) warned <<- conditionMessage(w),
                        error = function(e) calls <<- sys.calls()),
    error = function(e) list(ok = FALSE, error = .llano$error(e, calls, warned)))
  if (isTRUE(result$ok)) {
    .llano$send(list(t = "result", id = id, ok = TRUE, value = result$value))
  } else {
    outcome <- if (isTRUE(result$error$memory)) "memory" else NULL
    .llano$send(list(t = "result", id = id, ok = FALSE, outcome = outcome, error = result$error))
    if (!is.null(outcome)) quit(save = "no", status = 137)
  }
}
