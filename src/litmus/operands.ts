/**
 * Splitting an instruction's operand text on the commas that separate
 * operands, not those inside an address (`[X1, X2, LSL #3]`, `(%rax,%rbx,4)`).
 * Each architecture's parser says which brackets nest.
 */
export function splitOperands(text: string, open: string, close: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (open.includes(c)) depth++;
    if (close.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}
