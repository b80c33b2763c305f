// token_goldens.mjs: writes the tokenizer goldens in tests/models/tokenizers/goldens/ with Hugging
// Face's own tokenizers library (npm `tokenizers`, the Rust core behind transformers' fast
// tokenizers). Run by hand, never in CI:
//   cd tools/goldens && npm ci && node token_goldens.mjs        (or NODE_PATH=<dir with tokenizers>)
// Inputs: ../shared/fixtures (GLUE dev sets, the BERT and RoBERTa fixture tokenizers) and
// tests/models/tokenizers/hard_cases.txt.
//
// Golden file layout (one file per tokenizer and input): '#' header lines naming this generator,
// the tokenizers version, the source file, columns and options; then one line per data row:
//   <ids space-separated> | <type ids, run-length: value*count ...> | <attention mask, same>
// or, for inputs stored by hash (QNLI, to keep the repository small), the lowercase hex SHA-256
// of exactly that line. The C++ test rebuilds the same line and compares.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tk = require('tokenizers');
const tkVersion = require('tokenizers/package.json').version;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const fixtures = path.resolve(root, '../shared/fixtures');
const outDir = path.join(root, 'tests/models/tokenizers/goldens');
const kGenerator = 'tools/goldens/token_goldens.mjs';

// BERT as transformers' BertTokenizerFast builds it from an uncased vocab.txt.
async function makeBert() {
  const dir = path.join(fixtures, 'models/sst2-bert-tiny');
  const model = await tk.WordPiece.fromFile(path.join(dir, 'vocab.txt'),
      { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 });
  const t = new tk.Tokenizer(model);
  t.setNormalizer(tk.bertNormalizer(
      { cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true }));
  t.setPreTokenizer(tk.bertPreTokenizer());
  t.setPostProcessor(tk.bertProcessing(['[SEP]', 102], ['[CLS]', 101]));
  t.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  return { name: 'bert', tok: t, padId: 0, padToken: '[PAD]' };
}

// RoBERTa exactly as the fixture's tokenizer.json says.
function makeRoberta() {
  const t = tk.Tokenizer.fromFile(path.join(fixtures, 'models/sst2-roberta-tiny/tokenizer.json'));
  return { name: 'roberta', tok: t, padId: 1, padToken: '<pad>' };
}

function readTsv(rel, cols) {
  let text = fs.readFileSync(path.join(fixtures, rel), 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);  // MRPC starts with a BOM
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return cols.map((c) => f[c]);
  });
}

// hard_cases.txt escapes are decoded to bytes, then to a JS string with the WHATWG UTF-8 decoder
// (invalid sequences -> U+FFFD), which the C++ side mirrors.
function unescapeToBytes(s) {
  const out = [];
  const cs = Array.from(s);  // by code point: astral characters are not split into surrogates
  for (let i = 0; i < cs.length; ++i) {
    const c = cs[i];
    if (c !== '\\') { out.push(...Buffer.from(c, 'utf8')); continue; }
    const e = cs[++i];
    if (e === '\\') out.push(0x5c);
    else if (e === 't') out.push(0x09);
    else if (e === 'n') out.push(0x0a);
    else if (e === 'r') out.push(0x0d);
    else if (e === 'x') { out.push(parseInt(cs.slice(i + 1, i + 3).join(''), 16)); i += 2; }
    else if (e === 'u') {
      const close = cs.indexOf('}', i);
      const hex = cs.slice(i + 2, close).join('');
      out.push(...Buffer.from(String.fromCodePoint(parseInt(hex, 16)), 'utf8'));
      i = close;
    } else throw new Error(`bad escape \\${e}`);
  }
  return Buffer.from(out).toString('utf8');
}

function readHardCases() {
  const raw = fs.readFileSync(path.join(root, 'tests/models/tokenizers/hard_cases.txt'), 'utf8');
  const lines = raw.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.filter((l) => !l.startsWith('#')).map((l) => l.split('\t').map(unescapeToBytes));
}

function truncationGrid() {
  const words = (n) => Array(n).fill('a').join(' ');
  const rows = [];
  for (let na = 1; na <= 18; ++na) {
    for (let nb = 1; nb <= 18; ++nb) rows.push([words(na), words(nb)]);
  }
  return rows;
}

function rle(values) {
  const parts = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j < values.length && values[j] === values[i]) ++j;
    parts.push(`${values[i]}*${j - i}`);
    i = j;
  }
  return parts.join(' ');
}

function goldenLine(enc) {
  return `${enc.getIds().join(' ')} | ${rle(enc.getTypeIds())} | ${rle(enc.getAttentionMask())}`;
}

// One input set, one option set -> one golden file.
async function writeGolden(t, rows, spec) {
  const { file, source, columns, maxLength, hashed } = spec;
  if (maxLength) {
    t.tok.setTruncation(maxLength, { strategy: 'LongestFirst' });
    t.tok.setPadding({ maxLength, padId: t.padId, padToken: t.padToken });
  } else {
    t.tok.disableTruncation();
    t.tok.disablePadding();
  }
  const out = [
    `# generator: ${kGenerator}; Hugging Face tokenizers ${tkVersion} (npm, native binding)`,
    `# tokenizer: ${t.name}; source: ${source}; columns: ${columns}; rows: ${rows.length}`,
    `# options: add_special_tokens=true; ` + (maxLength
        ? `truncation=longest_first max_length=${maxLength}; padding=max_length`
        : 'truncation=none; padding=none'),
    `# row format: ${hashed ? 'sha256 of ' : ''}"ids | type_ids (value*count) | attention_mask"`,
  ];
  for (const r of rows) {
    const enc = await t.tok.encode(r[0], r.length > 1 ? r[1] : null);
    const line = goldenLine(enc);
    out.push(hashed ? createHash('sha256').update(line, 'utf8').digest('hex') : line);
  }
  fs.mkdirSync(path.join(outDir, t.name), { recursive: true });
  fs.writeFileSync(path.join(outDir, t.name, file), out.join('\n') + '\n');
  console.log(`${t.name}/${file}: ${rows.length} rows`);
}

const kSets = [
  { file: 'sst2.txt', rel: 'glue/SST-2/dev.tsv', cols: [0], names: 'sentence' },
  { file: 'mrpc.txt', rel: 'glue/MRPC/dev.tsv', cols: [3, 4], names: '#1 String,#2 String' },
  { file: 'rte.txt', rel: 'glue/RTE/dev.tsv', cols: [0, 1], names: 'sentence1,sentence2' },
  { file: 'stsb.txt', rel: 'glue/STS-B/dev.tsv', cols: [7, 8], names: 'sentence1,sentence2' },
  { file: 'qnli.txt', rel: 'glue/QNLI/dev.tsv', cols: [1, 2], names: 'question,sentence',
    hashed: true },
];

for (const t of [await makeBert(), makeRoberta()]) {
  for (const s of kSets) {
    await writeGolden(t, readTsv(s.rel, s.cols),
        { file: s.file, source: s.rel, columns: s.names, hashed: s.hashed });
  }
  const hard = readHardCases();
  const hardSrc = 'tests/models/tokenizers/hard_cases.txt';
  await writeGolden(t, hard, { file: 'hard_cases.txt', source: hardSrc, columns: 'line' });
  // Truncation (longest first) and padding to max_length.
  await writeGolden(t, readTsv('glue/SST-2/dev.tsv', [0]),
      { file: 'sst2_max16.txt', source: 'glue/SST-2/dev.tsv', columns: 'sentence', maxLength: 16 });
  await writeGolden(t, readTsv('glue/MRPC/dev.tsv', [3, 4]),
      { file: 'mrpc_max40.txt', source: 'glue/MRPC/dev.tsv', columns: '#1 String,#2 String',
        maxLength: 40 });
  await writeGolden(t, readTsv('glue/RTE/dev.tsv', [0, 1]),
      { file: 'rte_max40.txt', source: 'glue/RTE/dev.tsv', columns: 'sentence1,sentence2',
        maxLength: 40 });
  await writeGolden(t, hard, { file: 'hard_cases_max8.txt', source: hardSrc, columns: 'line',
    maxLength: 8 });
  // Pair truncation corner cases: "a a ... a" texts of 1..18 words each, max_length 10.
  await writeGolden(t, truncationGrid(),
      { file: 'grid_max10.txt', source: 'generated: a/b = 1..18 repetitions of "a"',
        columns: 'a,b', maxLength: 10 });
}
