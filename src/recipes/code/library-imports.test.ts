import { describe, expect, it } from 'vitest';
import type { CodeRecipeLanguage } from './code-environments.js';
import { codeImports, importedLibraryNames, libraryGraph } from './library-imports.js';

const files = (contents: Record<string, string>) =>
  Object.entries(contents).map(([name, content]) => ({ name, content }));
const imported = (code: string, language: CodeRecipeLanguage, libraries: Record<string, string>) =>
  importedLibraryNames(code, language, libraryGraph(files(libraries), language));

describe('library imports: which project library files a recipe uses', () => {
  it('Python: import and from-import, lists and aliases, never in comments or strings', () => {
    const code = [
      'import bands, qa as q',
      'from helpers.sub import x  # import ignored_comment',
      '"""',
      'import ignored_docstring',
      '"""',
      "s = 'import ignored_string'",
      'def run(inputs, output, variables, log):',
      '    import late',
      '    if True: import inline',
      'import pandas as pd',
    ].join('\n');
    expect(codeImports(code, 'python')).toEqual({
      specifiers: ['bands', 'qa', 'helpers.sub', 'late', 'inline', 'pandas'],
      dynamic: false,
    });
    const libraries = { 'bands.py': '', 'qa.py': '', 'helpers.py': '', 'late.py': '', 'unused.py': '' };
    expect(imported(code, 'python', libraries)).toEqual(['bands.py', 'helpers.py', 'late.py', 'qa.py']);
  });

  it('Python: imports between library files count; importlib, __import__ or a relative import fall back to all', () => {
    const libraries = { 'a.py': 'from b import f\n', 'b.py': 'import c\n', 'c.py': 'X = 1\n', 'd.py': '' };
    expect(imported('import a\n', 'python', libraries)).toEqual(['a.py', 'b.py', 'c.py']);
    expect(imported('import c\n', 'python', libraries)).toEqual(['c.py']);
    expect(imported('import importlib\nm = importlib.import_module("a")\n', 'python', libraries)).toHaveLength(4);
    expect(imported('m = __import__("a")\n', 'python', libraries)).toHaveLength(4);
    expect(imported('import c\nx = df.eval("a + 1")\n', 'python', libraries)).toEqual(['c.py']);
    expect(imported('import a\n', 'python', { ...libraries, 'c.py': 'from . import d\n' })).toHaveLength(4);
    expect(imported('def run(inputs, output, variables, log):\n    pass\n', 'python', libraries)).toEqual([]);
    // Through the library folder as a package of the work folder: `lib.b` is b.py.
    expect(imported('from lib.b import f\n', 'python', libraries)).toEqual(['b.py', 'c.py']);
    expect(imported('import lib.c\n', 'python', libraries)).toEqual(['c.py']);
  });

  it('TypeScript: static, side-effect, re-export, literal dynamic imports and require; extensions resolved as esbuild does', () => {
    const code = [
      "import { KEEP } from './lib/bands.ts';",
      "import * as qa from './lib/qa.js'; // a .ts file named .js",
      "import './lib/side';",
      "export { f } from './lib/reexported.ts';",
      "const later = await import('./lib/later.mjs');",
      "const required = require('./lib/required');",
      "import { z } from 'zod'; import fs from 'node:fs';",
      "const bare = await import('helpers');",
      "// import { x } from './lib/commented.ts';",
      'const s = "import \'./lib/in_string.ts\'";',
      'const re = /["\']/g;',
      "import { y } from './lib/after_regex.ts';",
    ].join('\n');
    const libraries = Object.fromEntries(
      [
        'bands.ts',
        'qa.ts',
        'side.ts',
        'reexported.ts',
        'later.mjs',
        'required.js',
        'helpers.ts',
        'commented.ts',
        'in_string.ts',
        'after_regex.ts',
      ].map((n) => [n, '']),
    );
    expect(imported(code, 'typescript', libraries)).toEqual([
      'after_regex.ts',
      'bands.ts',
      'helpers.ts',
      'later.mjs',
      'qa.ts',
      'reexported.ts',
      'required.js',
      'side.ts',
    ]);
  });

  it('TypeScript: library files import one another by their folder; a computed import falls back to all', () => {
    const libraries = {
      'a.ts': "export * from './b.ts';\n",
      'b.ts': "import { c } from './c';\n",
      'c.ts': '',
      'd.ts': '',
    };
    expect(imported("import { x } from './lib/a.ts';\n", 'typescript', libraries)).toEqual(['a.ts', 'b.ts', 'c.ts']);
    expect(imported('const m = await import(`./lib/${name}.ts`);\n', 'typescript', libraries)).toHaveLength(4);
    expect(
      imported("import { x } from './lib/a.ts';\n", 'typescript', { ...libraries, 'c.ts': 'require(x);' }),
    ).toHaveLength(4);
  });

  it('R: source() and sys.source() with a literal path, transitively; a computed path falls back to all', () => {
    const libraries = {
      'a.R': 'source("lib/b.R")\n',
      'b.R': "sys.source('lib/c.R', envir = e)\n",
      'c.R': '',
      'd.R': '',
    };
    const code =
      '# source("lib/d.R")\nsource(file = "lib/a.R")\nrun <- function(inputs, output, variables, log) NULL\n';
    expect(imported(code, 'r', libraries)).toEqual(['a.R', 'b.R', 'c.R']);
    expect(imported('source(r"(lib/d.R)")\n', 'r', libraries)).toEqual(['d.R']);
    expect(imported('source(file.path("lib", "a.R"))\n', 'r', libraries)).toHaveLength(4);
    expect(imported('x <- "source(\'lib/a.R\')"\n', 'r', libraries)).toEqual([]);
    // source() reads from the working folder, also when a library file calls it.
    expect(imported('source("lib/e.R")\n', 'r', { ...libraries, 'e.R': 'source("./lib/c.R")\n' })).toEqual([
      'c.R',
      'e.R',
    ]);
  });
});
