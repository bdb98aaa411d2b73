// The runtime globals' declarations (src/runtime.d.ts) and the SDK's (src/index.d.ts) against
// apps that use them and lines that misuse them (types/runtime-globals.ts, types/styles.ts), compiled with TypeScript's ES library alone, as an
// app without the DOM library is.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import ts from 'typescript';

test('the runtime globals and the SDK type-check uses and refuse misuses', () => {
  const files = ['./types/runtime-globals.ts', './types/styles.ts'].map((f) =>
    fileURLToPath(new URL(f, import.meta.url)),
  );
  const program = ts.createProgram(files, {
    noEmit: true,
    strict: true,
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  assert.deepEqual(diagnostics, []);
});
