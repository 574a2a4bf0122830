import type { BuildStep } from './package-builds.js';

/**
 * Per-project R libraries, the R counterpart of a Python venv: a code environment that declares
 * `{"r": {"library": true, "requirements": ["pkg", "pkg==1.0", "pkg>=2.1"]}}` gets a library
 * folder of its own, filled by `install.packages(..., lib = <library>, repos = LLANO_R_REPOS)`
 * (a CRAN-like URL, or a `file://` folder made by tools::write_PACKAGES: offline like a wheel
 * folder). Its recipes run with that folder first in `.libPaths()`, the machine's libraries after
 * it. install.packages installs the repository's version; a requirement's version is checked
 * afterwards (`==` exactly, `>=` at least) and a mismatch fails the build. Built and kept by
 * package-builds.ts.
 */

/** `pkg`, `pkg==1.0`, `pkg>=1.0`: an R package name (letters, digits, dots) with an optional version. */
export const R_REQUIREMENT = /^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9](\s*(==|>=)\s*\d+([.-]\d+)*)?$/;

/**
 * Installs the requirements (given as arguments after the library and the repository) and prints
 * what the library holds, one `LLANO-INSTALLED name==version` line each. install.packages only
 * warns when a package is missing or fails to build: its warnings are kept and, when a
 * requirement is not in the library afterwards, the build fails with them (`LLANO-FAILED`).
 */
const INSTALL_SCRIPT = `
args <- commandArgs(trailingOnly = TRUE)
lib <- args[1]; repos <- args[2]; reqs <- args[-(1:2)]
dir.create(lib, recursive = TRUE, showWarnings = FALSE)
pkgs <- sub("\\\\s*(==|>=).*$", "", reqs)
problems <- character(0)
if (length(pkgs)) withCallingHandlers(
  utils::install.packages(pkgs, lib = lib, repos = repos, dependencies = c("Depends", "Imports", "LinkingTo")),
  warning = function(w) {
    problems <<- c(problems, conditionMessage(w))
    message("Warning: ", conditionMessage(w))
    invokeRestart("muffleWarning")
  })
installed <- utils::installed.packages(lib.loc = lib)
fail <- function(text) { cat("LLANO-FAILED ", gsub("\\n", " ", text), "\\n", sep = ""); quit(status = 1) }
for (i in seq_along(reqs)) {
  name <- pkgs[i]
  if (!(name %in% rownames(installed)))
    fail(paste0("R could not install ", name, ": ", if (length(problems)) paste(problems, collapse = "; ") else "see the log"))
  spec <- regmatches(reqs[i], regexec("(==|>=)\\\\s*(.+)$", reqs[i]))[[1]]
  if (length(spec) == 3) {
    have <- package_version(installed[name, "Version"])
    want <- package_version(spec[3])
    if (if (spec[2] == "==") have != want else have < want)
      fail(paste0(name, " ", have, " was installed from the repository, not ", spec[2], " ", want))
  }
}
for (name in rownames(installed)) cat("LLANO-INSTALLED ", name, "==", installed[name, "Version"], "\\n", sep = "")
`;

/** Installs the requirements into the library folder `dir`. */
export const buildRLibrary: BuildStep = async (ws, request, dir, run, log) => {
  const { name, requirements } = request;
  const repos = ws.config.rRepos;
  if (requirements.length > 0 && !repos)
    return {
      status: 'failed',
      error: `Code environment ${name}: set LLANO_R_REPOS (a CRAN-like repository, or a file:// folder made by tools::write_PACKAGES) to install its requirements`,
    };
  log(
    `Installing ${requirements.join(', ') || 'nothing'} into the R library of ${name} from ${repos ?? 'no repository'}`,
  );
  // --vanilla: no site or user profile; R_LIBS puts the library first, so dependencies installed there are found.
  const result = await run('Rscript', ['--vanilla', '-e', INSTALL_SCRIPT, dir, repos ?? '', ...requirements], {
    R_LIBS: dir,
  });
  const failed = result.lines.map((l) => /^LLANO-FAILED (.*)$/.exec(l)?.[1]).find(Boolean);
  if (failed) return { status: 'failed', error: `Code environment ${name}: ${failed}` };
  if (!result.ok) {
    const error = [...result.lines].reverse().find((l) => /^Error/.test(l));
    return { status: 'failed', error: `Code environment ${name}: R failed: ${error ?? 'see the log'}` };
  }
  const frozen = result.lines.map((l) => /^LLANO-INSTALLED (\S+)$/.exec(l)?.[1]).filter((l): l is string => !!l);
  log(`Installed: ${frozen.join(', ') || 'nothing besides the machine’s packages'}`);
  return { status: 'ready', library: dir, frozen };
};
