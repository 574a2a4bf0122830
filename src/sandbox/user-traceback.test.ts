import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userTraceback } from './user-traceback.js';

/** Llano's folder, where the tests run from: its files are the harnesses'. */
const root = process.cwd();

describe('userTraceback', () => {
  it("Python: drops the harnesses' frames, also one that raised for the user's call, and keeps other packages'", () => {
    const traceback = [
      'Traceback (most recent call last):',
      '  File "recipe_entry.py", line 403, in run_recipe',
      "    run(inputs, output, config.get('variables') or {}, log)",
      '  File "recipe.py", line 4, in run',
      '    output.write(frame.iloc[0])',
      '  File "/usr/lib/python3/dist-packages/pandas/core/indexing.py", line 10, in __getitem__',
      '    return self._get(key)',
      '           ^^^^^^^^^^^^^^',
      `  File "${path.join(root, 'src/sandbox/harness/llano_parquet.py')}", line 50, in write`,
      '    raise TypeError("output.write takes a dict")',
      'TypeError: output.write takes a dict',
    ].join('\n');
    expect(userTraceback('python', traceback).split('\n')).toEqual([
      'Traceback (most recent call last):',
      '  File "recipe.py", line 4, in run',
      '    output.write(frame.iloc[0])',
      '  File "/usr/lib/python3/dist-packages/pandas/core/indexing.py", line 10, in __getitem__',
      '    return self._get(key)',
      '           ^^^^^^^^^^^^^^',
      'TypeError: output.write takes a dict',
    ]);
  });

  it("TypeScript: drops frames in Llano's folder (sources or dist) and Node's internals, keeps the user's packages", () => {
    const traceback = [
      'Error: bad id 2',
      '    at check (lib/helpers.ts:2:20)',
      '    at run (recipe.ts:5:62)',
      '    at parse (/home/user/node_modules/csv/index.js:3:1)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      `    at async runRecipeWith (${path.join(root, 'dist/src/recipes/code/ts-recipe-entry.js')}:495:3)`,
      `    at async call (${path.join(root, 'src/sandbox/harness/node-harness.ts')}:106:8)`,
    ].join('\n');
    expect(userTraceback('typescript', traceback).split('\n')).toEqual([
      'Error: bad id 2',
      '    at check (lib/helpers.ts:2:20)',
      '    at run (recipe.ts:5:62)',
      '    at parse (/home/user/node_modules/csv/index.js:3:1)',
    ]);
  });

  it("R: drops the error handler's frames and everything from the harness's call of run outward", () => {
    const traceback = [
      'Error: bad id 2',
      'h(simpleError(msg, call))',
      '.handleSimpleError(function (e) ',
      'stop(paste("bad id", x))',
      'FUN(X[[i]], ...)',
      'tryCatch(f(x), warning = function(w) NULL)',
      'output$write(data.frame(id = sapply(raw$id, check)))',
      'env$run(inputs, list(write = out$write), variables, log)',
      '(function (config, llano = NULL) ',
      'do.call(fn, args)',
      'withCallingHandlers(list(ok = TRUE, value = do.call(fn, args)), ',
      'tryCatch(withCallingHandlers(list(ok = TRUE, value = do.call(fn,',
    ].join('\n');
    expect(userTraceback('r', traceback).split('\n')).toEqual([
      'Error: bad id 2',
      'stop(paste("bad id", x))',
      'FUN(X[[i]], ...)',
      // The user's own tryCatch stays.
      'tryCatch(f(x), warning = function(w) NULL)',
      'output$write(data.frame(id = sapply(raw$id, check)))',
    ]);
  });
});
