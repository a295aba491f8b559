/**
 * Plain text tables for people: columns padded with spaces, numbers aligned
 * right, a rule under the header. No colours, no box drawing, so the output
 * survives logs, emails and `diff`.
 */
export function renderTable(header: string[], rows: (string | number)[][], indent = ''): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const numeric = header.map((_, i) => cells.length > 0 && cells.every((r) => r[i] === undefined || r[i] === '' || /^-?[0-9][0-9,.]*$/.test(r[i])));
  const width = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    indent +
    r
      .map((c, i) => (numeric[i] ? (c ?? '').padStart(width[i]) : (c ?? '').padEnd(width[i])))
      .join('  ')
      .trimEnd();
  return [fmt(header), indent + width.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n') + '\n';
}
