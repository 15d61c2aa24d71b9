/// <reference lib="webworker" />
import Papa from 'papaparse';
import { MAX_FILE_BYTES, MAX_ROWS, type ParsedFile } from './csv-rules.ts';

// Reads a spreadsheet file off the page's thread: a 200,000-row or binary file
// never freezes the page. Refuses what is not UTF-8 CSV text, and stops
// counting past MAX_ROWS.

self.onmessage = async (event: MessageEvent<File>) => {
  self.postMessage(await parseFile(event.data));
};

async function parseFile(file: File): Promise<ParsedFile> {
  if (file.size > MAX_FILE_BYTES) return { ok: false, reason: 'tooLarge', detail: file.size };
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  // A NUL byte in the first 64 kB: an image, a zip (an .xlsx), a PDF… not text.
  if (bytes.subarray(0, 65_536).includes(0)) return { ok: false, reason: 'binary' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, reason: 'notUtf8' };
  }
  const hadBom = text.startsWith('\uFEFF');
  if (hadBom) text = text.slice(1);
  const rows: string[][] = [];
  let tooMany = false;
  let separator = ',';
  Papa.parse<string[]>(text, {
    delimitersToGuess: [';', ',', '\t'],
    skipEmptyLines: 'greedy',
    step: (result, parser) => {
      separator = result.meta.delimiter;
      if (rows.length > MAX_ROWS) {
        tooMany = true;
        parser.abort();
        return;
      }
      rows.push(result.data);
    },
  });
  if (tooMany) return { ok: false, reason: 'tooManyRows', detail: MAX_ROWS };
  const [headers, ...data] = rows;
  if (!headers) return { ok: false, reason: 'empty' };
  // One column, or a header row of numbers: not a table of people.
  if (headers.length < 2) return { ok: false, reason: 'notCsv' };
  return { ok: true, headers: headers.map((h) => h.trim()), rows: data, separator, hadBom };
}
