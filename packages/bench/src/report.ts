/** The figures of a run: rows against targets, printed as a table and written as JSON. */

export interface Target {
  op: '<=' | '>=';
  limit: number;
}

export interface Row {
  scenario: string;
  figure: string;
  value: number | string;
  unit: string;
  target?: Target;
  /** true/false against the target; undefined when there is none or no value. */
  pass?: boolean;
  note?: string;
}

/** A block of text printed after the table (a scenario's own table, such as SER's comparison). */
export interface Section {
  title: string;
  text: string;
}

export class Report {
  readonly rows: Row[] = [];
  readonly sections: Section[] = [];

  section(title: string, text: string): void {
    this.sections.push({ title, text });
  }

  add(
    scenario: string,
    figure: string,
    value: number | string,
    unit = '',
    target?: Target,
    note?: string,
  ): Row {
    const row: Row = { scenario, figure, value, unit };
    if (target) {
      row.target = target;
      if (typeof value === 'number' && Number.isFinite(value)) {
        row.pass = target.op === '<=' ? value <= target.limit : value >= target.limit;
      } else row.pass = false;
    }
    if (note) row.note = note;
    this.rows.push(row);
    return row;
  }

  misses(): Row[] {
    return this.rows.filter((r) => r.pass === false);
  }

  table(): string {
    const header = ['scenario', 'figure', 'value', 'target', ''];
    const lines = this.rows.map((r) => [
      r.scenario,
      r.figure,
      `${formatValue(r.value)}${r.unit ? ` ${r.unit}` : ''}`,
      r.target ? `${r.target.op} ${formatValue(r.target.limit)}${r.unit ? ` ${r.unit}` : ''}` : '',
      r.pass === undefined ? '' : r.pass ? 'ok' : 'MISS',
    ]);
    const widths = header.map((h, i) =>
      Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)),
    );
    const fmt = (cells: string[]) =>
      cells
        .map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
    const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
    let last = '';
    for (const [i, l] of lines.entries()) {
      const scenario = this.rows[i]?.scenario ?? '';
      if (last && scenario !== last) out.push('');
      last = scenario;
      out.push(fmt(l));
    }
    return out.join('\n');
  }
}

export function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
