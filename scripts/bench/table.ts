/** Plain aligned text tables: the first column left-aligned (labels), the rest right-aligned (figures). */

export type Row = readonly string[];

export function formatTable(header: Row, rows: readonly Row[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: Row) =>
    widths
      .map((width, column) => {
        const cell = row[column] ?? '';
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('   ')
      .trimEnd();
  return all.map(line).join('\n');
}

const grouped = new Intl.NumberFormat('en-US');

export const bytes = (value: number): string => grouped.format(value);
export const ms = (value: number, digits = 1): string => value.toFixed(digits);
export const ratio = (value: number): string => value.toFixed(2);

export function section(title: string, body: string): void {
  console.log(`\n${title}\n${'-'.repeat(title.length)}\n${body}`);
}
