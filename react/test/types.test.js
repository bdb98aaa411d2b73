// @marquee/react's declarations (src/index.d.ts) against an app in TSX that uses them and lines
// that misuse them (types/app.tsx), compiled as an app's TypeScript would be: strict, the
// automatic JSX runtime, React's own types, no DOM library.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ts from 'typescript';

test('the renderer type-checks uses and refuses misuses', () => {
  const file = fileURLToPath(new URL('./types/app.tsx', import.meta.url));
  const program = ts.createProgram([file], {
    noEmit: true,
    strict: true,
    jsx: ts.JsxEmit.ReactJSX,
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  assert.deepEqual(diagnostics, []);
});

test("`marquee new`'s templates type-check as the apps they make will", () => {
  for (const project of ['react', 'react/test', 'plain', 'plain/test']) {
    const dir = new URL(`../../crates/marquee-cli/templates/${project}/`, import.meta.url);
    const config = ts.readConfigFile(fileURLToPath(new URL('tsconfig.json', dir)), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, fileURLToPath(dir));
    assert.deepEqual(parsed.errors, [], project);
    assert.ok(parsed.fileNames.length >= 2, `${project}: ${parsed.fileNames}`);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    assert.deepEqual(diagnostics, [], project);
  }
});
