export interface CsvRecord {
  /** Physical line (1-based) on which the record starts; the header is line 1. */
  line: number;
  fields: string[];
  /** The record broke a limit: `fields` holds only the values before field `field`, and the rest was dropped unread. */
  tooLong?: { field: number; reason: string };
}

export interface CsvLimits {
  /** Longest value, in characters. */
  maxFieldChars: number;
  /** Longest record (a line, or several when a quoted value spans them), in characters. */
  maxRecordChars: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = { maxFieldChars: 64 * 1024, maxRecordChars: 1024 * 1024 };

/** The bytes are not UTF-8; `line` is the physical line holding the first bad byte. */
export class CsvEncodingError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} holds bytes that are not UTF-8 text`);
  }
}

/**
 * A streaming RFC 4180 reader: quoted fields with commas, doubled quotes and
 * line breaks, CRLF or LF, a leading byte-order mark. Text is pushed in chunks
 * of any size (a chunk may end inside a field or a UTF-8 sequence), so a file
 * is never held whole in memory. Neither is one hostile line: past a limit the
 * record's remaining text is scanned (to find where it ends) but not kept.
 * Bytes that are not UTF-8 are refused rather than replaced, which would
 * silently store mangled names.
 */
export class CsvParser {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
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
  private recordChars = 0;
  private tooLong?: { field: number; reason: string };

  constructor(private readonly limits: CsvLimits = DEFAULT_CSV_LIMITS) {}

  push(chunk: Buffer | string): CsvRecord[] {
    let text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    if (!this.bomChecked && text.length > 0) {
      this.bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return this.scan(this.pending + text, false);
  }

  end(): CsvRecord[] {
    let rest: string;
    try {
      rest = this.decoder.decode();
    } catch {
      throw new CsvEncodingError(this.line);
    }
    return this.scan(this.pending + rest, true);
  }

  private decode(chunk: Buffer): string {
    try {
      return this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new CsvEncodingError(this.lineOfBadByte(chunk));
    }
  }

  /**
   * The decoder says only that the chunk is bad, not where: the lenient decoding
   * marks the first bad byte with U+FFFD, and the line breaks before it are
   * counted. Continuation bytes of a sequence begun in the previous chunk are skipped.
   */
  private lineOfBadByte(chunk: Buffer): number {
    let start = 0;
    while (start < 3 && start < chunk.length && (chunk[start] & 0xc0) === 0x80) start += 1;
    const text = chunk.toString('utf8', start);
    const bad = text.indexOf('\ufffd');
    let line = this.line;
    // No bad byte in this chunk: the sequence the decoder held back from the previous one was cut short.
    if (bad < 0) return line;
    for (let j = text.indexOf('\n'); j >= 0 && j < bad; j = text.indexOf('\n', j + 1)) line += 1;
    return line;
  }

  /** Adds text to the current value unless the value or its record is already too long. */
  private append(text: string): void {
    if (this.tooLong) return;
    if (this.field.length + text.length > this.limits.maxFieldChars) {
      this.overflow(`the value is longer than ${this.limits.maxFieldChars.toLocaleString('en-US')} characters`);
    } else if (this.recordChars + text.length > this.limits.maxRecordChars) {
      this.overflow(`the line is longer than ${this.limits.maxRecordChars.toLocaleString('en-US')} characters`);
    } else {
      this.field += text;
      this.recordChars += text.length;
    }
  }

  private overflow(reason: string): void {
    this.tooLong = { field: this.fields.length, reason };
    this.field = '';
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
          this.append('"');
          i += 1;
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          this.countLines(text, i, n);
          this.append(text.slice(i));
          i = n;
          break;
        }
        this.countLines(text, i, quote);
        this.append(text.slice(i, quote));
        if (quote + 1 >= n) {
          this.quotePending = true;
          i = n;
          break;
        }
        if (text.charCodeAt(quote + 1) === 34) {
          this.append('"');
          i = quote + 2;
        } else {
          this.inQuotes = false;
          i = quote + 1;
        }
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 44) {
        if (!this.tooLong) {
          this.fields.push(this.field);
          this.recordChars += 1;
          if (this.recordChars > this.limits.maxRecordChars) this.overflow(`the line is longer than ${this.limits.maxRecordChars.toLocaleString('en-US')} characters`);
        }
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
        this.append(text.slice(i, end));
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
    if (this.tooLong) {
      records.push({ line: this.recordLine, fields: this.fields, tooLong: this.tooLong });
    } else {
      this.fields.push(this.field);
      const blank = this.fields.length === 1 && this.fields[0] === '' && !this.started;
      if (!blank) records.push({ line: this.recordLine, fields: this.fields });
    }
    this.tooLong = undefined;
    this.recordChars = 0;
    this.fields = [];
    this.field = '';
    this.started = false;
    this.fieldTouched = false;
  }

  private countLines(text: string, from: number, to: number): void {
    for (let j = text.indexOf('\n', from); j >= 0 && j < to; j = text.indexOf('\n', j + 1)) this.line += 1;
  }
}
