import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeSystemError, escapedControls } from '../io/errors.js';
import { inFolder, removeEmptyMadeFolders } from '../pipeline/mkdirp.js';
import { besideName, isSpecialFile } from '../pipeline/paths.js';

/**
 * Text for HTML element content and attribute values. A control character other than HTML's
 * whitespace (from a file name, say) is not allowed in HTML: it is shown escaped (`\u001b`).
 */
export function escapeHtml(text: string): string {
  return escapedControls(text, '\t\n\f\r').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The opening every page shares, up to and with `<body>`: the document's type and language,
 * and a head of its character set, viewport, `title` (escaped) and `style`.
 */
export function pageOpening(title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>`;
}

/** JSON safe inside <script type="application/json">: no `</script>` or `<!--` can form. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Writes a page under a temporary name and renames it when complete, like the record sink,
 * so an interrupted run never leaves a page that looks finished. `-` is standard output.
 */
export function writePage(path: string, html: string): void {
  if (path === '-') {
    process.stdout.write(html);
    return;
  }
  if (isSpecialFile(path)) {
    try {
      writeFileSync(path, html);
    } catch (err) {
      throw describeSystemError(err, `cannot write ${path}`) ?? err;
    }
    return;
  }
  const tmp = besideName(path, 'tmp');
  try {
    inFolder(dirname(path), () => writeFileSync(tmp, html));
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // No temporary file could be made there either (ENOTDIR, ENAMETOOLONG): the first fault is the one to name.
    }
    removeEmptyMadeFolders();
    throw describeSystemError(err, `cannot write ${path}`) ?? err;
  }
}
