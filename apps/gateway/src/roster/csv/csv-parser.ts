import { StringDecoder } from 'node:string_decoder';

export interface CsvRecord {
  /** Physical line (1-based) on which the record starts; the header is line 1. */
  line: number;
  fields: string[];
}

/**
 * A streaming RFC 4180 reader: quoted fields with commas, doubled quotes and
 * line breaks, CRLF or LF, a leading byte-order mark. Text is pushed in chunks
 * of any size (a chunk may end inside a field or a UTF-8 sequence), so a file
 * is never held whole in memory.
 */
export class CsvParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** The previous chunk ended on a quote inside a quoted field: it closes the field or starts a doubled quote. */
  private quotePending = false;
  private line = 1;
  private recordLine = 1;
  /** Anything (text, a quote, a comma) seen in the current record, so a blank line is no record. */
  private started = false;
  /** The current field has begun, so a quote here is literal text rather than the opening of a quoted field. */
  private fieldTouched = false;
  private bomChecked = false;

  push(chunk: Buffer | string): CsvRecord[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (!this.bomChecked && text.length > 0) {
      this.bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return this.scan(this.pending + text, false);
  }

  end(): CsvRecord[] {
    const rest = this.decoder.end();
    return this.scan(this.pending + rest, true);
  }

  private scan(text: string, final: boolean): CsvRecord[] {
    this.pending = '';
    const records: CsvRecord[] = [];
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.quotePending) {
        this.quotePending = false;
        if (text.charCodeAt(i) === 34) {
          this.field += '"';
          i += 1;
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          this.countLines(text, i, n);
          this.field += text.slice(i);
          i = n;
          break;
        }
        this.countLines(text, i, quote);
        this.field += text.slice(i, quote);
        if (quote + 1 >= n) {
          this.quotePending = true;
          i = n;
          break;
        }
        if (text.charCodeAt(quote + 1) === 34) {
          this.field += '"';
          i = quote + 2;
        } else {
          this.inQuotes = false;
          i = quote + 1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 44) {
        this.fields.push(this.field);
        this.field = '';
        this.fieldTouched = false;
        this.started = true;
        i += 1;
      } else if (c === 10 || c === 13) {
        if (c === 13) {
          if (i + 1 >= n && !final) {
            this.pending = '\r';
            break;
          }
          if (text.charCodeAt(i + 1) === 10) i += 1;
        }
        i += 1;
        this.finishRecord(records);
        this.line += 1;
        this.recordLine = this.line;
      } else if (c === 34 && !this.fieldTouched) {
        this.inQuotes = true;
        this.fieldTouched = true;
        this.started = true;
        i += 1;
      } else {
        let end = i + 1;
        while (end < n) {
          const d = text.charCodeAt(end);
          if (d === 44 || d === 10 || d === 13) break;
          end += 1;
        }
        this.field += text.slice(i, end);
        this.fieldTouched = true;
        this.started = true;
        i = end;
      }
    }
    if (final) {
      if (this.quotePending) {
        this.quotePending = false;
        this.inQuotes = false;
      }
      if (this.started) this.finishRecord(records);
    }
    return records;
  }

  private finishRecord(records: CsvRecord[]): void {
    this.fields.push(this.field);
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.started;
    if (!blank) records.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = '';
    this.started = false;
    this.fieldTouched = false;
  }

  private countLines(text: string, from: number, to: number): void {
    for (let j = text.indexOf('\n', from); j >= 0 && j < to; j = text.indexOf('\n', j + 1)) this.line += 1;
  }
}
